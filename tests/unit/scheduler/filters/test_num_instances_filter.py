from stratus.scheduler.filters import num_instances_filter
from tests.unit.scheduler import fakes


def test_full_hosts_take_no_more(conf):
    check = num_instances_filter.NumInstancesFilter(conf)
    assert fakes.passes(check, fakes.host(stats={"num_instances": 49}),
                        fakes.spec())
    assert not fakes.passes(check, fakes.host(stats={"num_instances": 50}),
                            fakes.spec())
    assert not fakes.passes(check, fakes.host(running_vms=50), fakes.spec())


def test_what_the_request_placed_counts(conf):
    conf.set_override("max_instances_per_host", 2, group="filter_scheduler")
    check = num_instances_filter.NumInstancesFilter(conf)
    host = fakes.host(stats={"num_instances": 1})
    assert fakes.passes(check, host, fakes.spec())
    host.consume({"VCPU": 1})
    assert not fakes.passes(check, host, fakes.spec())
