import json

import pytest

from stratus.scheduler.filters import json_filter
from tests.unit.scheduler import fakes


def _passes(conf, query, **host):
    check = json_filter.JsonFilter(conf)
    text = query if isinstance(query, str) else json.dumps(query)
    return fakes.passes(check, fakes.host(**host),
                        fakes.spec(hints={"query": text}))


HOST = dict(memory_mb=2048, memory_used=512, disk_gb=40, vcpus=4,
            vcpus_used=1, hypervisor_type="kvm",
            metrics={"cpu.percent": 0.25}, stats={"gpus": 2})


@pytest.mark.parametrize("query,expected", [
    (["=", "$hypervisor_type", "kvm"], True),
    (["=", "$hypervisor_type", "xen"], False),
    ([">=", "$free_ram_mb", 1536], True),
    ([">", "$free_ram_mb", 1536], False),
    (["<", "$vcpus_used", 2], True),
    (["<=", "$vcpus_total", 3], False),
    ([">=", "$free_disk_mb", 40 * 1024], True),
    (["in", "$hypervisor_type", "xen", "kvm"], True),
    (["in", "$hypervisor_type", "xen", "qemu"], False),
    (["not", ["=", "$hypervisor_type", "kvm"]], False),
    (["not", ["=", "$hypervisor_type", "xen"]], True),
    (["or", ["=", "$hypervisor_type", "xen"], [">", "$vcpus_total", 2]],
     True),
    (["and", ["=", "$hypervisor_type", "kvm"], [">", "$vcpus_total", 8]],
     False),
    (["and", [">=", "$free_ram_mb", 1024], [">=", "$free_disk_mb", 1024]],
     True),
    (["<", "$metrics.cpu.percent", 0.5], True),
    (["=", "$stats.gpus", 2], True),
    (["=", "$no_such_attribute", 2], False),
    ([], True),
])
def test_queries(conf, query, expected):
    assert _passes(conf, query, **HOST) is expected


def test_no_query_lets_every_host_pass(conf):
    check = json_filter.JsonFilter(conf)
    assert check.for_request(None, fakes.spec()) is None


@pytest.mark.parametrize("query", [
    "not json", json.dumps({"a": 1}), json.dumps(["~", 1, 2]),
    json.dumps(["<", "$hypervisor_type", 3]),
])
def test_bad_queries_let_no_host_pass(conf, query):
    assert not _passes(conf, query, **HOST)
