"""Host filters through the Compute API: what a user sees is ACTIVE on
the right hypervisor, or ERROR with NoValidHost in the fault."""
import json

import pytest

from tests.functional.scheduler.conftest import MAIN_HOST
from tests.functional.scheduler.conftest import host_of
from tests.functional.scheduler.conftest import node_of
from tests.functional.scheduler.conftest import upload_image

pytestmark = pytest.mark.slow
NO_VALID_HOST = "No valid host was found."


def _no_valid_host(server):
    assert server["status"] == "ERROR", server
    assert server["fault"]["message"].startswith(NO_VALID_HOST), server


def test_capabilities_extra_specs(stack):
    stack.start()
    fake = stack.flavor("on-fake", {"capabilities:hypervisor_type": "fake"})
    kvm = stack.flavor("on-kvm", {
        "capabilities:hypervisor_type": "<or> kvm <or> QEMU"})
    new = stack.flavor("new-enough", {
        "capabilities:hypervisor_version": ">= 1000",
        "capabilities:cpu_info:arch": "s== x86_64"})
    assert stack.boot("fake", fake)["status"] == "ACTIVE"
    assert stack.boot("new", new)["status"] == "ACTIVE"
    _no_valid_host(stack.boot("kvm", kvm))


def test_query_hint(stack):
    stack.start(nodes=3, filters=["ComputeFilter", "JsonFilter",
                                  "CapacityFilter"])
    wanted = MAIN_HOST + "-node2"
    server = stack.boot("picked", hints={"query": json.dumps(
        ["and", ["=", "$hypervisor_hostname", wanted],
         [">=", "$free_ram_mb", 512]])})
    assert (server["status"], node_of(server)) == ("ACTIVE", wanted)
    server = stack.boot("among", hints={"query": json.dumps(
        ["in", "$hypervisor_hostname", "elsewhere", wanted])})
    assert node_of(server) == wanted
    _no_valid_host(stack.boot("too-big", hints={"query": json.dumps(
        [">", "$free_ram_mb", 10 ** 9])}))
    _no_valid_host(stack.boot("garbled", hints={"query": "[not json"}))


def test_same_host_and_different_host(stack):
    stack.start(nodes=3, filters=["ComputeFilter", "SameHostFilter",
                                  "DifferentHostFilter", "CapacityFilter"])
    first = stack.boot("first")
    near = stack.boot("near", hints={"same_host": first["id"]})
    assert node_of(near) == node_of(first)
    away = stack.boot("away", hints={"different_host": [first["id"]]})
    further = stack.boot("further", hints={
        "different_host": [first["id"], away["id"]]})
    assert len({node_of(first), node_of(away), node_of(further)}) == 3
    _no_valid_host(stack.boot("nowhere", hints={
        "different_host": [first["id"], away["id"], further["id"]]}))


def test_simple_cidr_affinity(stack):
    stack.start(filters=["ComputeFilter", "SimpleCIDRAffinityFilter",
                         "CapacityFilter"])
    stack.add_compute("rack2", my_ip="10.2.0.7")
    server = stack.boot("near-rack2", hints={
        "build_near_host_ip": "10.2.0.1", "cidr": "/24"})
    assert host_of(server) == "rack2"
    server = stack.boot("near-main", hints={
        "build_near_host_ip": "127.0.0.9"})
    assert host_of(server) == MAIN_HOST


def test_aggregate_isolation_filters(stack):
    stack.start(filters=["ComputeFilter", "AggregateMultiTenancyIsolation",
                         "AggregateInstanceExtraSpecsFilter",
                         "AggregateTypeAffinityFilter", "CapacityFilter"])
    stack.add_compute("ssd-host")
    stack.add_aggregate("fast", ["ssd-host"], ssd="true",
                        instance_type="ssd.small")
    stack.add_aggregate("admins-only", [MAIN_HOST],
                        filter_tenant_id="admin")
    ssd = stack.flavor("ssd.small", {
        "aggregate_instance_extra_specs:ssd": "true"})
    assert host_of(stack.boot("fast", ssd)) == "ssd-host"
    # m1.tiny is not a flavor of the ssd host; the main host is admin's.
    assert host_of(stack.boot("admin's")) == MAIN_HOST
    demo = stack.api.as_user("demo:demo")
    server = demo.post("/servers", {"server": {
        "name": "demo's", "flavorRef": "1", "networks": "none",
        "imageRef": stack.api.first_image_id()}})["server"]
    _no_valid_host(demo.wait_for_status(server["id"], {"ACTIVE", "ERROR"}))


def test_num_instances_filter_within_one_multi_create(stack):
    stack.start(nodes=2, filters=["ComputeFilter", "NumInstancesFilter",
                                  "CapacityFilter"],
                filter_scheduler__max_instances_per_host=2)
    response = stack.api.post("/servers", {"server": {
        "name": "many", "flavorRef": "1", "networks": "none",
        "imageRef": stack.api.first_image_id(), "min_count": 4,
        "max_count": 4}})
    servers = [server for server in stack.api.get(
        "/servers/detail?name=many")["servers"]]
    assert response is not None and len(servers) == 4
    nodes = [node_of(stack.api.wait_for_status(server["id"], "ACTIVE"))
             for server in servers]
    assert sorted(nodes) == sorted([MAIN_HOST + "-node1"] * 2
                                   + [MAIN_HOST + "-node2"] * 2)


def test_image_properties_and_isolated_hosts(stack):
    stack.start(filters=["ComputeFilter", "ImagePropertiesFilter",
                         "IsolatedHostsFilter", "CapacityFilter"],
                filter_scheduler__isolated_hosts=["vault"])
    stack.add_compute("vault")
    arm = upload_image(stack.cloud, hw_architecture="aarch64")
    x86 = upload_image(stack.cloud, hw_architecture="x86_64",
                       img_hv_type="fake", hw_vm_mode="hvm",
                       img_hv_requested_version=">=1.0")
    newer = upload_image(stack.cloud, img_hv_requested_version=">=2.0")
    # isolated_images is empty: the vault host takes no image at all.
    server = stack.boot("x86", imageRef=x86)
    assert (server["status"], host_of(server)) == ("ACTIVE", MAIN_HOST)
    _no_valid_host(stack.boot("arm", imageRef=arm))
    _no_valid_host(stack.boot("newer", imageRef=newer))
