import datetime

import pytest

from stratus.objects import compute_node
from stratus.objects import service as service_obj
from stratus.placement import providers
from stratus.placement import usages
from stratus.scheduler import filters
from stratus.scheduler import host_state
from stratus.scheduler import resources as request_resources
from stratus.scheduler import weighers
from stratus.scheduler.filters import availability_zone_filter
from stratus.scheduler.filters import capacity_filter
from stratus.scheduler.filters import compute_filter
from stratus.scheduler.filters import requested_destination_filter
from tests.unit.scheduler import hosts as test_hosts



def _host(name="h1", free_ram=1024, zone="nova", disabled=False,
          seen_ago=0, forced_down=False, vcpus=4):
    node = compute_node.ComputeNode(host=name, hypervisor_hostname=name + "-n",
                                    uuid="00000000-0000-0000-0000-%012d" % len(name))
    service = service_obj.Service(
        host=name, binary="nova-compute", disabled=disabled,
        forced_down=forced_down,
        last_seen_up=datetime.datetime.now(datetime.timezone.utc)
        - datetime.timedelta(seconds=seen_ago))
    summary = usages.ProviderSummary(node.uuid, 1, {
        "VCPU": providers.Inventory(total=vcpus),
        "MEMORY_MB": providers.Inventory(total=free_ram)}, {})
    return host_state.HostState(node, service, zone, summary)


def _spec(**kwargs):
    return test_hosts.request_spec(**kwargs)


def test_compute_filter_wants_enabled_services_that_are_up(conf):
    check = compute_filter.ComputeFilter(conf)
    spec = _spec()
    assert check.host_passes(_host(), spec, {})
    assert not check.host_passes(_host(disabled=True), spec, {})
    assert not check.host_passes(_host(forced_down=True), spec, {})
    assert not check.host_passes(_host(seen_ago=conf.service_down_time + 1),
                                 spec, {})
    assert check.host_passes(_host(seen_ago=conf.service_down_time - 1),
                             spec, {})


def test_availability_zone_filter(conf):
    check = availability_zone_filter.AvailabilityZoneFilter(conf)
    assert check.host_passes(_host(zone="nova"), _spec(), {})
    assert check.host_passes(_host(zone="az1"),
                             _spec(availability_zone="az1"), {})
    assert check.host_passes(_host(zone="az1,az2"),
                             _spec(availability_zone="az2"), {})
    assert not check.host_passes(_host(zone="nova"),
                                 _spec(availability_zone="az1"), {})


def test_requested_destination_filter(conf):
    check = requested_destination_filter.RequestedDestinationFilter(conf)
    host = _host("h1")
    assert check.host_passes(host, _spec(), {})
    assert check.host_passes(host, _spec(requested_host="h1"), {})
    assert not check.host_passes(host, _spec(requested_host="h2"), {})
    assert check.host_passes(host, _spec(
        requested_hypervisor_hostname="h1-n"), {})
    assert not check.host_passes(host, _spec(
        requested_host="h1", requested_hypervisor_hostname="other"), {})


def test_capacity_filter_sees_what_the_request_consumed(conf):
    check = capacity_filter.CapacityFilter(conf)
    host = _host(vcpus=2)
    wanted = {"VCPU": 2, "MEMORY_MB": 512}
    assert check.host_passes(host, _spec(), wanted)
    host.consume(wanted)
    assert not check.host_passes(host, _spec(), wanted)
    assert not check.host_passes(_host(), _spec(), {"VGPU": 1})


def test_unknown_filter_names_are_refused(conf):
    conf.set_override("enabled_filters", ["ComputeFilter", "NoSuchFilter"],
                      group="filter_scheduler")
    with pytest.raises(ValueError, match="NoSuchFilter"):
        filters.load_filters(conf)


def test_ram_weigher_spreads_and_stacks(conf):
    lean, roomy = _host("a", free_ram=1024), _host("bb", free_ram=8192)
    ranked = weighers.weigh(weighers.load_weighers(conf), [lean, roomy])
    assert [host for _w, host in ranked] == [roomy, lean]
    assert [weight for weight, _h in ranked] == [1.0, 0.0]
    conf.set_override("ram_weight_multiplier", -1.0, group="filter_scheduler")
    ranked = weighers.weigh(weighers.load_weighers(conf), [lean, roomy])
    assert [host for _w, host in ranked] == [lean, roomy]


def test_resources_of_a_request():
    spec = _spec(vcpus=2, memory_mb=1024, root_gb=10)
    spec.flavor.ephemeral_gb, spec.flavor.swap = 5, 1500
    assert request_resources.from_request_spec(spec) == {
        "VCPU": 2, "MEMORY_MB": 1024, "DISK_GB": 17}
    spec.is_bfv = True
    spec.flavor.extra_specs = {"resources:VCPU": "0",
                               "resources:CUSTOM_GPU": "1", "hw:x": "y"}
    assert request_resources.from_request_spec(spec) == {
        "MEMORY_MB": 1024, "DISK_GB": 7, "CUSTOM_GPU": 1}
