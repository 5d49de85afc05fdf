"""The shared rules: normalization, multipliers, per-aggregate overrides."""
from stratus.scheduler import weighers
from stratus.scheduler.weighers import ram
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_weights_are_normalized_then_multiplied(conf):
    conf.set_override("ram_weight_multiplier", 2.0, group="filter_scheduler")
    hosts = [fakes.host("a", memory_mb=1024), fakes.host("b", memory_mb=3072),
             fakes.host("c", memory_mb=2048)]
    assert helpers.ranking(ram.RAMWeigher(conf), hosts) == (
        ["b", "c", "a"], [2.0, 1.0, 0.0])


def test_equal_weights_weigh_nothing_and_keep_the_order(conf):
    hosts = [fakes.host("a"), fakes.host("b")]
    assert helpers.ranking(ram.RAMWeigher(conf), hosts) == (
        ["a", "b"], [0.0, 0.0])


def test_aggregate_metadata_overrides_the_multiplier(conf):
    stacking = fakes.aggregate(["a", "b"], ram_weight_multiplier="-1.0")
    hosts = [fakes.host("a", memory_mb=1024, aggregates=[stacking]),
             fakes.host("b", memory_mb=4096, aggregates=[stacking])]
    assert helpers.ranking(ram.RAMWeigher(conf), hosts)[0] == ["a", "b"]


def test_lowest_multiplier_of_several_aggregates_wins(conf):
    aggregates = [fakes.aggregate(["a"], ram_weight_multiplier="3"),
                  fakes.aggregate(["a"], ram_weight_multiplier="0.5")]
    host = fakes.host("a", aggregates=aggregates)
    assert weighers.multiplier_of(host, "ram_weight_multiplier", 1.0) == 0.5
    assert weighers.multiplier_of(fakes.host("b"), "ram_weight_multiplier",
                                  1.0) == 1.0
    bad = fakes.host("c", aggregates=[
        fakes.aggregate(["c"], ram_weight_multiplier="high")])
    assert weighers.multiplier_of(bad, "ram_weight_multiplier", 1.0) == 1.0


def test_default_weighers_are_all_of_novas_that_stratus_has(conf):
    names = {type(weigher).__name__
             for weigher in weighers.load_weighers(conf)}
    assert names == set(weighers.WEIGHER_MODULES)
