"""Request pre-filters: what each asks of placement, by its option."""
import pytest

from stratus import context
from stratus import exception
from stratus.objects import image_meta as image_meta_obj
from stratus.scheduler import placement_query
from tests.unit.scheduler import hosts

RESOURCES = {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}


@pytest.fixture
def ctx(sqlite_databases):
    return context.get_admin_context(sqlite_databases)


def _group(ctx, conf, spec):
    query = placement_query.candidate_query(ctx, conf, spec, RESOURCES)
    [group] = query.groups
    return group


def _required(group):
    return set().union(*group.required)


def _image(disk_format="qcow2", **properties):
    return image_meta_obj.ImageMeta(
        id="6b7a7d5c-5f0c-4bd8-a1f0-3c8e1a0d2f11", disk_format=disk_format,
        properties=properties)


def _set(conf, **options):
    for name, value in options.items():
        conf.set_override(name, value, group="scheduler")


def test_by_default_only_traits_and_disabled_computes(ctx, conf):
    spec = hosts.request_spec(image=_image(hw_architecture="x86_64"),
                              availability_zone="az1")
    spec.flavor.extra_specs = {"trait:CUSTOM_FAST": "required",
                               "trait:CUSTOM_SLOW": "forbidden"}
    hosts.add_aggregate(ctx, "zone", [], availability_zone="az1")
    hosts.add_aggregate(ctx, "mine", [], filter_tenant_id="project")
    hosts.add_aggregate(ctx, "gpu", [], **{"trait:CUSTOM_GPU": "required"})
    group = _group(ctx, conf, spec)
    assert _required(group) == {"CUSTOM_FAST"}
    assert group.forbidden == {"CUSTOM_SLOW", "COMPUTE_STATUS_DISABLED"}
    assert (group.member_of, group.forbidden_aggregates) == ([], set())


def test_tenant_aggregates(ctx, conf):
    _set(conf, limit_tenants_to_placement_aggregate=True)
    mine = hosts.add_aggregate(ctx, "mine", [], filter_tenant_id="project")
    also = hosts.add_aggregate(ctx, "also", [],
                               filter_tenant_id_2="other, project")
    hosts.add_aggregate(ctx, "theirs", [], filter_tenant_id="other")
    hosts.add_aggregate(ctx, "unrelated", [], project="project")
    assert _group(ctx, conf, hosts.request_spec()).member_of == [{mine,
                                                                  also}]
    # A project no aggregate names goes anywhere, unless required.
    stranger = hosts.request_spec(project_id="stranger")
    assert _group(ctx, conf, stranger).member_of == []
    _set(conf, placement_aggregate_required_for_tenants=True)
    with pytest.raises(exception.NoValidHost):
        _group(ctx, conf, stranger)


def test_image_type_support(ctx, conf):
    _set(conf, query_placement_for_image_type_support=True)
    spec = hosts.request_spec(image=_image("qcow2"))
    assert "COMPUTE_IMAGE_TYPE_QCOW2" in _required(_group(ctx, conf, spec))
    # Volume-backed, unknown format, no format: nothing asked.
    for spec in (hosts.request_spec(image=_image("raw"), is_bfv=True),
                 hosts.request_spec(image=_image("floppy")),
                 hosts.request_spec(image=_image(None)),
                 hosts.request_spec(image=None)):
        assert _required(_group(ctx, conf, spec)) == set()


def test_image_properties_as_traits(ctx, conf):
    _set(conf, image_metadata_prefilter=True)
    spec = hosts.request_spec(image=_image(
        hw_architecture="x86_64", hw_emulation_architecture="aarch64",
        hw_disk_bus="virtio", hw_cdrom_bus="sata", hw_vif_model="e1000",
        hw_video_model="qxl", hw_viommu_model="intel",
        hw_machine_type="q35", hw_vm_mode="hvm", img_hv_type="kvm"))
    assert _required(_group(ctx, conf, spec)) == {
        "HW_ARCH_X86_64", "COMPUTE_ARCH_AARCH64",
        "COMPUTE_STORAGE_BUS_VIRTIO", "COMPUTE_STORAGE_BUS_SATA",
        "COMPUTE_NET_VIF_MODEL_E1000", "COMPUTE_GRAPHICS_MODEL_QXL",
        "COMPUTE_VIOMMU_MODEL_INTEL"}
    # Dashes as underscores; a value without a trait asks nothing.
    spec = hosts.request_spec(image=_image(hw_vif_model="ne2k-pci",
                                           hw_disk_bus="punchcard"))
    assert _required(_group(ctx, conf, spec)) == {
        "COMPUTE_NET_VIF_MODEL_NE2K_PCI"}


def test_isolated_aggregates(ctx, conf):
    _set(conf, enable_isolated_aggregate_filtering=True)
    gpu = hosts.add_aggregate(ctx, "gpu", [],
                              **{"trait:CUSTOM_GPU": "required"})
    both = hosts.add_aggregate(ctx, "both", [], **{
        "trait:CUSTOM_GPU": "required", "trait:CUSTOM_FPGA": "required"})
    hosts.add_aggregate(ctx, "optional", [],
                        **{"trait:CUSTOM_GPU": "forbidden"})
    plain = hosts.request_spec()
    assert _group(ctx, conf, plain).forbidden_aggregates == {gpu, both}
    wants_gpu = hosts.request_spec()
    wants_gpu.flavor.extra_specs = {"trait:CUSTOM_GPU": "required"}
    assert _group(ctx, conf, wants_gpu).forbidden_aggregates == {both}
    # Image traits count too.
    image = hosts.request_spec(image=_image(**{
        "trait:CUSTOM_GPU": "required", "trait:CUSTOM_FPGA": "required"}))
    assert _group(ctx, conf, image).forbidden_aggregates == set()


def test_availability_zone(ctx, conf):
    _set(conf, query_placement_for_availability_zone=True)
    zone = hosts.add_aggregate(ctx, "zone", [], availability_zone="az1")
    assert _group(ctx, conf, hosts.request_spec(
        availability_zone="az1")).member_of == [{zone}]
    assert _group(ctx, conf, hosts.request_spec(
        availability_zone="nova")).member_of == []
