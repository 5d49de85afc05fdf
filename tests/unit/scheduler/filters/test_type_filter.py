from stratus.scheduler.filters import type_filter
from tests.unit.scheduler import fakes


def _passes(conf, flavor, **metadata):
    check = type_filter.AggregateTypeAffinityFilter(conf)
    aggregates = [fakes.aggregate(["h1"], **metadata)] if metadata else []
    return fakes.passes(check, fakes.host("h1", aggregates=aggregates),
                        fakes.spec(flavor_name=flavor))


def test_hosts_with_instance_type_metadata_take_only_those_flavors(conf):
    assert _passes(conf, "m1.small", instance_type="m1.small")
    assert _passes(conf, "m1.small", instance_type="m1.tiny, m1.small")
    assert not _passes(conf, "m1.large", instance_type="m1.tiny,m1.small")
    assert not _passes(conf, "m1.small", instance_type="m1.small.x")


def test_other_hosts_take_every_flavor(conf):
    assert _passes(conf, "m1.large")
    assert _passes(conf, "m1.large", ssd="true")
