import json

from stratus.scheduler.filters import compute_capabilities_filter
from tests.unit.scheduler import fakes

CPU_INFO = json.dumps({"arch": "x86_64", "vendor": "Intel",
                       "features": ["vmx", "avx2"],
                       "topology": {"sockets": 2, "cores": 8}})


def _passes(conf, extra_specs, **host):
    check = compute_capabilities_filter.ComputeCapabilitiesFilter(conf)
    return fakes.passes(check, fakes.host(**host),
                        fakes.spec(extra_specs=extra_specs))


def test_scoped_capabilities(conf):
    assert _passes(conf, {"capabilities:hypervisor_type": "fake"})
    assert not _passes(conf, {"capabilities:hypervisor_type": "QEMU"})
    assert _passes(conf, {"capabilities:hypervisor_type": "<or> kvm <or> fake"})
    assert _passes(conf, {"capabilities:hypervisor_version": ">= 1000"})
    assert _passes(conf, {"capabilities:hypervisor_version": "s== 1000",
                          "capabilities:hypervisor_type": "s!= kvm"})
    assert not _passes(conf, {"capabilities:hypervisor_version": ">= 2000"})


def test_nested_json_capabilities(conf):
    assert _passes(conf, {"capabilities:cpu_info:arch": "x86_64"},
                   cpu_info=CPU_INFO)
    assert _passes(conf, {"capabilities:cpu_info:features": "<in> avx2"},
                   cpu_info=CPU_INFO)
    assert _passes(conf, {"capabilities:cpu_info:topology:cores": ">= 8"},
                   cpu_info=CPU_INFO)
    assert not _passes(conf, {"capabilities:cpu_info:topology:cores": "== 4"},
                       cpu_info=CPU_INFO)
    assert not _passes(conf, {"capabilities:cpu_info:arch": "x86_64"},
                       cpu_info="not json")


def test_missing_capability_fails_and_stats_are_looked_up(conf):
    assert not _passes(conf, {"capabilities:no_such_thing": "1"})
    assert _passes(conf, {"capabilities:gpu_count": ">= 2"},
                   stats={"gpu_count": "2"})
    assert not _passes(conf, {"capabilities:gpu_count": ">= 3"},
                       stats={"gpu_count": "2"})


def test_unscoped_keys_count_only_when_the_host_has_them(conf):
    assert _passes(conf, {"free_ram_mb": ">= 1024"}, memory_mb=2048)
    assert not _passes(conf, {"free_ram_mb": ">= 4096"}, memory_mb=2048)
    assert _passes(conf, {"something_else": "x"})


def test_other_scopes_are_ignored(conf):
    assert _passes(conf, {"hw:cpu_policy": "dedicated",
                          "resources:VCPU": "2",
                          "aggregate_instance_extra_specs:ssd": "true"})


def test_no_extra_specs_skips_the_filter(conf):
    check = compute_capabilities_filter.ComputeCapabilitiesFilter(conf)
    assert check.for_request(None, fakes.spec()) is None
