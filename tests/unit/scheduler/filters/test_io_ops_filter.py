from stratus.scheduler.filters import io_ops_filter
from tests.unit.scheduler import fakes


def test_busy_hosts_take_no_more(conf):
    check = io_ops_filter.IoOpsFilter(conf)
    assert fakes.passes(check, fakes.host(stats={"io_workload": 7}),
                        fakes.spec())
    assert not fakes.passes(check, fakes.host(stats={"io_workload": 8}),
                            fakes.spec())
    conf.set_override("max_io_ops_per_host", 10, group="filter_scheduler")
    check = io_ops_filter.IoOpsFilter(conf)
    assert fakes.passes(check, fakes.host(stats={"io_workload": 8}),
                        fakes.spec())


def test_what_the_request_placed_counts(conf):
    conf.set_override("max_io_ops_per_host", 2, group="filter_scheduler")
    check = io_ops_filter.IoOpsFilter(conf)
    host = fakes.host(stats={"io_workload": 1})
    assert fakes.passes(check, host, fakes.spec())
    host.consume({"VCPU": 1})
    assert not fakes.passes(check, host, fakes.spec())


def test_without_stats_the_node_workload_counts(conf):
    conf.set_override("max_io_ops_per_host", 2, group="filter_scheduler")
    check = io_ops_filter.IoOpsFilter(conf)
    assert not fakes.passes(check, fakes.host(current_workload=2),
                            fakes.spec())
