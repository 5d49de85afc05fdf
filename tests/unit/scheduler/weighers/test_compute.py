from stratus.scheduler import weighers
from stratus.scheduler.weighers import compute
from stratus.scheduler.weighers import ram
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_hosts_with_failed_builds_go_last(conf):
    hosts = [fakes.host("flaky", stats={"failed_builds": 3}),
             fakes.host("fine", stats={"failed_builds": 0}),
             fakes.host("once", stats={"failed_builds": 1})]
    names, weights = helpers.ranking(compute.BuildFailureWeigher(conf), hosts)
    assert names == ["fine", "once", "flaky"]
    assert weights[0] == 1000000.0


def test_outweighs_free_ram(conf):
    hosts = [fakes.host("roomy-but-flaky", memory_mb=65536,
                        stats={"failed_builds": 1}),
             fakes.host("small", memory_mb=1024)]
    weighed = weighers.weigh([ram.RAMWeigher(conf),
                              compute.BuildFailureWeigher(conf)], hosts)
    assert [host.host for _w, host in weighed] == ["small", "roomy-but-flaky"]
