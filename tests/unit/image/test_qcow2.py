import struct

from stratus.image import bootstrap
from stratus.image import store


def test_empty_qcow2_layout():
    data = bootstrap.empty_qcow2(1024 ** 3)
    cluster = 64 * 1024
    (magic, version, backing_offset, _, cluster_bits, size, crypt, l1_size,
     l1_offset, refcount_offset, refcount_clusters, snapshots,
     _) = struct.unpack(">4sIQIIQIIQQIIQ", data[:72])
    assert (magic, version, backing_offset, crypt, snapshots) == (
        b"QFI\xfb", 2, 0, 0, 0)
    assert 1 << cluster_bits == cluster
    assert size == 1024 ** 3
    assert l1_size == 2   # one L2 table covers 512 MiB
    assert (refcount_offset, refcount_clusters, l1_offset) == (
        cluster, 1, 3 * cluster)
    assert struct.unpack(">Q", data[cluster:cluster + 8])[0] == 2 * cluster
    refcounts = struct.unpack(">5H", data[2 * cluster:2 * cluster + 10])
    assert refcounts == (1, 1, 1, 1, 0)
    assert len(data) == 3 * cluster + l1_size * 8
    assert data[3 * cluster:] == b"\0" * 16


def test_virtual_size_from_a_header():
    assert store.qcow2_virtual_size(bootstrap.empty_qcow2(10 ** 10)) == (
        10 ** 10)
    assert store.qcow2_virtual_size(b"raw data, not qcow2 at all" * 2) is None
    assert store.qcow2_virtual_size(b"QFI\xfb") is None
