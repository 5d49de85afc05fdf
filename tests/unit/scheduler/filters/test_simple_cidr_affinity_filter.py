from stratus.scheduler.filters import simple_cidr_affinity_filter
from tests.unit.scheduler import fakes


def _passes(conf, host_ip, **hints):
    check = simple_cidr_affinity_filter.SimpleCIDRAffinityFilter(conf)
    return fakes.passes(check, fakes.host(host_ip=host_ip),
                        fakes.spec(hints=hints))


def test_hosts_in_the_network_of_the_address_pass(conf):
    assert _passes(conf, "10.8.1.20", build_near_host_ip="10.8.1.5")
    assert not _passes(conf, "10.8.2.20", build_near_host_ip="10.8.1.5")
    assert _passes(conf, "10.8.2.20", build_near_host_ip="10.8.1.5",
                   cidr="/16")
    assert not _passes(conf, "10.9.2.20", build_near_host_ip="10.8.1.5",
                       cidr="/16")
    assert _passes(conf, "2001:db8::20", build_near_host_ip="2001:db8::1",
                   cidr="/64")


def test_without_the_hint_every_host_passes(conf):
    assert _passes(conf, "10.8.2.20")
    assert _passes(conf, None, cidr="/8")


def test_unreadable_address_or_cidr_lets_no_host_pass(conf):
    assert not _passes(conf, "10.8.1.20", build_near_host_ip="nonsense")
    assert not _passes(conf, "10.8.1.20", build_near_host_ip="10.8.1.5",
                       cidr="/99")
    assert not _passes(conf, None, build_near_host_ip="10.8.1.5")
