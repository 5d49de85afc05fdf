"""The 2.86 extra spec validation table."""
import pytest

from stratus.api.schemas import flavor_extra_specs
from stratus import exception


@pytest.mark.parametrize("name, value", [
    ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2"),
    ("hw:numa_cpus.0", "0-3,^2"), ("hw:numa_mem.1", "2048"),
    ("hw:mem_page_size", "2MB"), ("hw:boot_menu", "Yes"),
    ("resources:VCPU", "2"), ("resources_gpu1:CUSTOM_GPU", "1"),
    ("trait:HW_CPU_X86_AVX2", "required"), ("quota:disk_read_iops_sec", "5"),
    ("capabilities:hypervisor_type", "s== QEMU"),
    ("aggregate_instance_extra_specs:ssd", "true"),
    ("pci_passthrough:alias", "gpu:2, nic:1"), ("group_policy", "isolate"),
    ("unknown_namespace:anything", "x"), ("no_namespace", "x"),
])
def test_valid_specs(name, value):
    flavor_extra_specs.validate_extra_spec(name, value)


@pytest.mark.parametrize("name, value, message", [
    ("hw:cpu_policy", "sometimes", "'sometimes' is not one of: dedicated"),
    ("hw:numa_nodes", "0", "is less than the min value of '1'"),
    ("hw:numa_nodes", "two", "'two' is not a valid integer value"),
    ("hw:redirected_usb_ports", "16", "greater than the max value of '15'"),
    ("hw:boot_menu", "perhaps", "not a valid boolean-like value"),
    ("hw:numa_cpus.0", "a-b", "is not of the format"),
    ("hw:made_up", "1", "'hw:made_up' does not appear to be a valid"),
    ("resources:VCPU", "-1", "less than the min value"),
    ("trait:lowercase", "required", "does not appear to be a valid"),
])
def test_invalid_specs(name, value, message):
    with pytest.raises(exception.ValidationError) as raised:
        flavor_extra_specs.validate_extra_spec(name, value)
    assert raised.value.code == 400
    assert message in raised.value.format_message()
