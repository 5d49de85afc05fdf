from stratus.scheduler.weighers import disk
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_free_disk_spreads_or_stacks(conf):
    hosts = [fakes.host("small", disk_gb=20), fakes.host("big", disk_gb=100),
             fakes.host("used", disk_gb=100, disk_used=90)]
    assert helpers.ranking(disk.DiskWeigher(conf), hosts)[0] == [
        "big", "small", "used"]
    conf.set_override("disk_weight_multiplier", -1.0,
                      group="filter_scheduler")
    assert helpers.ranking(disk.DiskWeigher(conf), hosts)[0] == [
        "used", "small", "big"]
