from stratus.scheduler.weighers import ram
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_free_ram_spreads_or_stacks(conf):
    hosts = [fakes.host("lean", memory_mb=4096, memory_used=3072),
             fakes.host("roomy", memory_mb=4096)]
    assert helpers.ranking(ram.RAMWeigher(conf), hosts)[0] == [
        "roomy", "lean"]
    conf.set_override("ram_weight_multiplier", -1.0, group="filter_scheduler")
    assert helpers.ranking(ram.RAMWeigher(conf), hosts)[0] == [
        "lean", "roomy"]
