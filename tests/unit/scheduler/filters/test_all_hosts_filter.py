from stratus.scheduler.filters import all_hosts_filter
from tests.unit.scheduler import fakes


def test_every_host_passes(conf):
    check = all_hosts_filter.AllHostsFilter(conf)
    assert check.host_passes(fakes.host(), fakes.spec(), {})
