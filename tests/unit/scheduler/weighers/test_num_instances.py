from stratus.scheduler.weighers import num_instances
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_off_by_default_packs_or_spreads_when_set(conf):
    hosts = [fakes.host("empty"), fakes.host("full", running_vms=9),
             fakes.host("half", stats={"num_instances": 4})]
    assert helpers.ranking(num_instances.NumInstancesWeigher(conf), hosts) \
        == (["empty", "full", "half"], [0.0, 0.0, 0.0])
    conf.set_override("num_instances_weight_multiplier", 1.0,
                      group="filter_scheduler")
    assert helpers.ranking(num_instances.NumInstancesWeigher(conf),
                           hosts)[0] == ["full", "half", "empty"]
    conf.set_override("num_instances_weight_multiplier", -1.0,
                      group="filter_scheduler")
    assert helpers.ranking(num_instances.NumInstancesWeigher(conf),
                           hosts)[0] == ["empty", "half", "full"]
