import pytest

from stratus.scheduler.filters import image_props_filter
from tests.unit.scheduler import fakes

SUPPORTED = [["x86_64", "kvm", "hvm"], ["i686", "kvm", "hvm"]]


def _passes(conf, properties, supported=SUPPORTED, version=6000000):
    check = image_props_filter.ImagePropertiesFilter(conf)
    return fakes.passes(check, fakes.host(
        supported_instances=supported, hypervisor_version=version),
        fakes.spec(image_properties=properties))


def test_image_without_requirements_runs_anywhere(conf):
    assert _passes(conf, {})
    assert _passes(conf, {"os_distro": "ubuntu"}, supported=None)
    check = image_props_filter.ImagePropertiesFilter(conf)
    assert check.for_request(None, fakes.spec()) is None


@pytest.mark.parametrize("properties,expected", [
    ({"hw_architecture": "x86_64"}, True),
    ({"architecture": "x86_64"}, True),
    ({"hw_architecture": "amd64"}, True),
    ({"hw_architecture": "i386"}, True),
    ({"hw_architecture": "aarch64"}, False),
    ({"img_hv_type": "kvm"}, True),
    ({"hypervisor_type": "KVM"}, True),
    ({"img_hv_type": "xen"}, False),
    ({"hw_vm_mode": "hvm"}, True),
    ({"vm_mode": "hv"}, True),
    ({"hw_vm_mode": "exe"}, False),
    ({"hw_architecture": "x86_64", "img_hv_type": "kvm",
      "hw_vm_mode": "hvm"}, True),
    ({"hw_architecture": "i686", "img_hv_type": "qemu"}, False),
])
def test_architecture_hypervisor_type_and_vm_mode(conf, properties,
                                                  expected):
    assert _passes(conf, properties) is expected


def test_host_reporting_nothing_runs_only_unconstrained_images(conf):
    assert not _passes(conf, {"hw_architecture": "x86_64"}, supported=None)


@pytest.mark.parametrize("requirement,expected", [
    (">=6.0", True), (">=6.1", False), ("<7", True), ("==6.0.0", True),
    (">=5.2,<6.1", True), (">=5.2,<6.0", False), ("!=6.0", False),
    ("six", False),
])
def test_hypervisor_version(conf, requirement, expected):
    assert _passes(conf, {"img_hv_type": "kvm",
                          "img_hv_requested_version": requirement}) is expected
    assert _passes(conf, {"hypervisor_version_requires": requirement}) \
        is expected


def test_version_as_nova_encodes_it():
    assert image_props_filter.version_tuple(1002003) == (1, 2, 3)
    assert image_props_filter.version_tuple(6000000) == (6, 0, 0)
