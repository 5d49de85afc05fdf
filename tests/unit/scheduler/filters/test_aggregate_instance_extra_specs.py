from stratus.scheduler.filters import aggregate_instance_extra_specs
from tests.unit.scheduler import fakes


def _passes(conf, extra_specs, **metadata):
    check = aggregate_instance_extra_specs.AggregateInstanceExtraSpecsFilter(
        conf)
    aggregates = [fakes.aggregate(["h1"], **metadata)] if metadata else []
    return fakes.passes(check, fakes.host("h1", aggregates=aggregates),
                        fakes.spec(extra_specs=extra_specs))


def test_scoped_and_unscoped_keys_must_match_aggregate_metadata(conf):
    assert _passes(conf, {"aggregate_instance_extra_specs:ssd": "true"},
                   ssd="true")
    assert _passes(conf, {"ssd": "true"}, ssd="true")
    assert not _passes(conf, {"ssd": "true"}, ssd="false")
    assert not _passes(conf, {"ssd": "true"})
    assert _passes(conf, {"aggregate_instance_extra_specs:cores": ">= 8"},
                   cores="16")
    assert _passes(conf, {"tier": "<or> gold <or> silver"}, tier="silver")


def test_comma_separated_metadata_values_each_count(conf):
    assert _passes(conf, {"tier": "gold"}, tier="silver, gold")


def test_values_from_several_aggregates(conf):
    check = aggregate_instance_extra_specs.AggregateInstanceExtraSpecsFilter(
        conf)
    host = fakes.host("h1", aggregates=[
        fakes.aggregate(["h1"], tier="gold"),
        fakes.aggregate(["h1"], tier="silver")])
    assert fakes.passes(check, host, fakes.spec(extra_specs={"tier": "silver"}))


def test_other_scopes_are_not_checked(conf):
    assert _passes(conf, {"hw:cpu_policy": "dedicated",
                          "capabilities:hypervisor_type": "kvm",
                          "resources:VCPU": "1"})
    check = aggregate_instance_extra_specs.AggregateInstanceExtraSpecsFilter(
        conf)
    assert check.for_request(None, fakes.spec()) is None
