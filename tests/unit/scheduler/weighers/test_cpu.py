from stratus.scheduler.weighers import cpu
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_free_vcpus_with_allocation_ratio(conf):
    hosts = [fakes.host("busy", vcpus=8, vcpus_used=6),
             fakes.host("idle", vcpus=4, vcpus_used=0),
             fakes.host("overcommitted", vcpus=4, vcpus_used=6,
                        cpu_ratio=4.0)]
    # Free: 2, 4 and 16 - 6 = 10.
    assert helpers.ranking(cpu.CPUWeigher(conf), hosts)[0] == [
        "overcommitted", "idle", "busy"]
    conf.set_override("cpu_weight_multiplier", -1.0, group="filter_scheduler")
    assert helpers.ranking(cpu.CPUWeigher(conf), hosts)[0] == [
        "busy", "idle", "overcommitted"]
