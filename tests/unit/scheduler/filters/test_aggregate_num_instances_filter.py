from stratus.scheduler.filters import aggregate_num_instances_filter
from tests.unit.scheduler import fakes


def _passes(conf, instances, *limits):
    check = aggregate_num_instances_filter.AggregateNumInstancesFilter(conf)
    aggregates = [fakes.aggregate(["h1"], max_instances_per_host=limit)
                  for limit in limits]
    return fakes.passes(check, fakes.host(
        "h1", stats={"num_instances": instances}, aggregates=aggregates),
        fakes.spec())


def test_aggregate_limit_overrides_the_option(conf):
    assert not _passes(conf, 5, "5")
    assert _passes(conf, 5, "6")
    assert _passes(conf, 60, "100")
    assert not _passes(conf, 60)


def test_lowest_aggregate_limit_wins_and_bad_values_fall_back(conf):
    assert not _passes(conf, 5, "100", "5")
    assert _passes(conf, 5, "lots")
