"""Computes' COMPUTE_* traits on their nodes' providers, as the
conductor's compute report writes them (bulk SQL: every database)."""
import os_traits
import pytest

from stratus.compute import capability_traits
from stratus import context
from stratus.conductor.tasks import compute_report
from stratus.objects import compute_node
from stratus.objects import service as service_obj
from stratus.placement import traits
from stratus.virt.fake import driver as fake_driver
from tests.unit.scheduler import hosts

DISABLED = os_traits.COMPUTE_STATUS_DISABLED


@pytest.fixture
def ctx(databases):
    return context.get_admin_context(databases)


def _report(ctx, host, host_traits, nodes=2):
    cell = hosts.cell1(ctx)
    return compute_report.compute_nodes_update(ctx, cell, host, [
        compute_node.ComputeNode(
            host=host, hypervisor_hostname="%s-%d" % (host, index), vcpus=4,
            memory_mb=4096, local_gb=40, cpu_allocation_ratio=1.0,
            ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
            hypervisor_type="fake", hypervisor_version=1,
            supported_instances='[["x86_64", "fake", "hvm"]]')
        for index in range(nodes)], host_traits)


def _service(ctx, host, disabled=False):
    compute_report.service_report(ctx, hosts.cell1(ctx), service_obj.Service(
        host=host, binary="nova-compute", topic="compute"))
    service = service_obj.Service.get_by_host_and_binary(
        ctx, host, "nova-compute")
    service.disabled = disabled
    service.save()


def test_capability_traits_are_kept_in_step_and_others_stay(ctx):
    _service(ctx, "cmp")
    first = [os_traits.COMPUTE_IMAGE_TYPE_RAW,
             os_traits.COMPUTE_IMAGE_TYPE_VHD,
             os_traits.COMPUTE_NET_ATTACH_INTERFACE]
    nodes = _report(ctx, "cmp", first)
    for node in nodes:
        assert traits.provider_traits(ctx, node.uuid)[0] == sorted(
            first + ["COMPUTE_ARCH_X86_64", "HW_ARCH_X86_64"])
    # An operator's custom and standard traits survive the compute's
    # reports; a capability the driver lost goes.
    node = nodes[0]
    names, generation = traits.provider_traits(ctx, node.uuid)
    traits.create_trait(ctx, "CUSTOM_RACK_7")
    traits.set_provider_traits(ctx, node.uuid, names + [
        "CUSTOM_RACK_7", os_traits.HW_CPU_X86_AVX2], generation)
    _report(ctx, "cmp", first)
    assert traits.provider_traits(ctx, node.uuid)[1] == generation + 1
    _report(ctx, "cmp", first[::2])
    names, new_generation = traits.provider_traits(ctx, node.uuid)
    assert names == sorted([
        os_traits.COMPUTE_IMAGE_TYPE_RAW, os_traits.COMPUTE_NET_ATTACH_INTERFACE,
        "COMPUTE_ARCH_X86_64", "HW_ARCH_X86_64", "CUSTOM_RACK_7",
        os_traits.HW_CPU_X86_AVX2])
    assert new_generation == generation + 2


def test_a_node_registered_while_disabled_is_marked_at_once(ctx):
    _service(ctx, "off", disabled=True)
    [node] = _report(ctx, "off", [], nodes=1)
    assert DISABLED in traits.provider_traits(ctx, node.uuid)[0]
    # Enabled (outside the API): the next report clears it; a compute
    # that sends no traits (RPC 1.2) still keeps the status in step.
    service = service_obj.Service.get_by_host_and_binary(
        ctx, "off", "nova-compute")
    service.disabled = False
    service.save()
    _report(ctx, "off", None, nodes=1)
    assert traits.provider_traits(ctx, node.uuid)[0] == [
        "COMPUTE_ARCH_X86_64", "HW_ARCH_X86_64"]


def test_fake_driver_capabilities_as_traits(conf):
    conf.set_override("nodes", 1, group="fake_driver")
    names = capability_traits.driver_traits(
        fake_driver.FakeDriver(conf, "cmp"))
    for trait in ("COMPUTE_IMAGE_TYPE_RAW", "COMPUTE_IMAGE_TYPE_QCOW2",
                  "COMPUTE_IMAGE_TYPE_AKI", "COMPUTE_IMAGE_TYPE_ARI",
                  "COMPUTE_IMAGE_TYPE_AMI", "COMPUTE_DEVICE_TAGGING",
                  "COMPUTE_NET_ATTACH_INTERFACE",
                  "COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG",
                  "COMPUTE_TRUSTED_CERTS", "COMPUTE_RESCUE_BFV",
                  "COMPUTE_STORAGE_BUS_VIRTIO",
                  "COMPUTE_VOLUME_ATTACH_WITH_TAG",
                  "COMPUTE_VOLUME_MULTI_ATTACH", "COMPUTE_VOLUME_EXTEND"):
        assert trait in names
    assert "COMPUTE_IMAGE_TYPE_VMDK" not in names
    assert all(capability_traits.owned(name) for name in names)
    assert not capability_traits.owned("CUSTOM_RACK_7")
