from stratus.scheduler.weighers import hypervisor_version
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_newer_hypervisors_first(conf):
    hosts = [fakes.host("old", hypervisor_version=6000000),
             fakes.host("new", hypervisor_version=8002000),
             fakes.host("mid", hypervisor_version=7000000)]
    weigher = hypervisor_version.HypervisorVersionWeigher(conf)
    assert helpers.ranking(weigher, hosts)[0] == ["new", "mid", "old"]
    conf.set_override("hypervisor_version_weight_multiplier", -1.0,
                      group="filter_scheduler")
    weigher = hypervisor_version.HypervisorVersionWeigher(conf)
    assert helpers.ranking(weigher, hosts)[0] == ["old", "mid", "new"]
