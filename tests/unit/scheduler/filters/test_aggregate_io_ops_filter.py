from stratus.scheduler.filters import aggregate_io_ops_filter
from tests.unit.scheduler import fakes


def _passes(conf, io_ops, *limits):
    check = aggregate_io_ops_filter.AggregateIoOpsFilter(conf)
    aggregates = [fakes.aggregate(["h1"], max_io_ops_per_host=limit)
                  for limit in limits]
    return fakes.passes(check, fakes.host(
        "h1", stats={"io_workload": io_ops}, aggregates=aggregates),
        fakes.spec())


def test_aggregate_limit_overrides_the_option(conf):
    assert not _passes(conf, 3, "3")
    assert _passes(conf, 3, "4")
    assert _passes(conf, 9, "10")
    assert not _passes(conf, 9)


def test_lowest_aggregate_limit_wins_and_bad_values_fall_back(conf):
    assert not _passes(conf, 3, "10", "3")
    assert _passes(conf, 3, "many")
    assert not _passes(conf, 8, "many")
