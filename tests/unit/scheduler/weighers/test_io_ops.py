from stratus.scheduler.weighers import io_ops
from tests.unit.scheduler import fakes
from tests.unit.scheduler.weighers import helpers


def test_quiet_hosts_first_by_default(conf):
    hosts = [fakes.host("busy", stats={"io_workload": 5}),
             fakes.host("quiet", stats={"io_workload": 0}),
             fakes.host("some", stats={"io_workload": 2})]
    assert helpers.ranking(io_ops.IoOpsWeigher(conf), hosts)[0] == [
        "quiet", "some", "busy"]
    conf.set_override("io_ops_weight_multiplier", 1.0,
                      group="filter_scheduler")
    assert helpers.ranking(io_ops.IoOpsWeigher(conf), hosts)[0] == [
        "busy", "some", "quiet"]


def test_operations_the_request_started_count(conf):
    first, second = fakes.host("first"), fakes.host("second")
    first.consume({"VCPU": 1})
    assert helpers.ranking(io_ops.IoOpsWeigher(conf), [first, second])[0] \
        == ["second", "first"]
