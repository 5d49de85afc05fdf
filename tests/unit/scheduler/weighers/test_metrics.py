import pytest

from stratus import exception
from stratus.scheduler.weighers import metrics
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def _weigher(conf, setting, **options):
    conf.set_override("weight_setting", setting, group="metrics")
    for name, value in options.items():
        conf.set_override(name, value, group="metrics")
    return metrics.MetricsWeigher(conf)


def test_idle_hosts_first_with_a_negative_ratio(conf):
    hosts = [fakes.host("busy", metrics={"cpu.percent": 0.9}),
             fakes.host("idle", metrics={"cpu.percent": 0.1}),
             fakes.host("half", metrics={"cpu.percent": 0.5})]
    weigher = _weigher(conf, ["cpu.percent=-1.0"])
    assert helpers.ranking(weigher, hosts)[0] == ["idle", "half", "busy"]


def test_weighted_sum_of_several_metrics(conf):
    hosts = [fakes.host("a", metrics={"x": 1, "y": 10}),
             fakes.host("b", metrics={"x": 5, "y": 0})]
    assert helpers.ranking(_weigher(conf, ["x=1", "y=1"]), hosts)[0] == [
        "a", "b"]
    assert helpers.ranking(_weigher(conf, ["x=3", "y=0.1"]), hosts)[0] == [
        "b", "a"]


def test_missing_metric_fails_the_request_when_required(conf):
    hosts = [fakes.host("a", metrics={"cpu.percent": 0.2}), fakes.host("b")]
    with pytest.raises(exception.NoValidHost):
        helpers.ranking(_weigher(conf, ["cpu.percent=1"]), hosts)


def test_missing_metric_weighs_unavailable_when_not_required(conf):
    hosts = [fakes.host("none"), fakes.host("a", metrics={"cpu.percent": 0.9}),
             fakes.host("b", metrics={"cpu.percent": 0.1})]
    weigher = _weigher(conf, ["cpu.percent=1"], required=False)
    assert helpers.ranking(weigher, hosts)[0] == ["a", "b", "none"]


def test_aggregate_multiplier_key(conf):
    stacking = fakes.aggregate(["a", "b"], metrics_weight_multiplier="-1")
    hosts = [fakes.host("a", metrics={"cpu.percent": 0.9},
                        aggregates=[stacking]),
             fakes.host("b", metrics={"cpu.percent": 0.1},
                        aggregates=[stacking])]
    assert helpers.ranking(_weigher(conf, ["cpu.percent=1"]), hosts)[0] == [
        "b", "a"]


def test_without_setting_the_weigher_is_off(conf):
    assert metrics.MetricsWeigher(conf).for_request(None, None) is None
