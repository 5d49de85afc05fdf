"""What every Stratus cloud's built-in image service starts with.

The image ``stratus-tiny``: public, an empty 1 GiB qcow2 disk, owned by
the admin project (as DevStack's images are in Glance). The fake driver
boots anything; a guest booted from it by a real hypervisor finds a blank
disk.

A few metadata definitions namespaces (default_metadefs.json beside this
file), the names, properties and enums of Glance's own
(``etc/metadefs``), kept to what Stratus honours or what states plain
facts: OS::Compute::Hypervisor and OS::Compute::LibvirtImage for images
(the ImagePropertiesFilter, the libvirt driver), OS::Compute::
HostCapabilities for flavors (the ComputeCapabilitiesFilter) and
OS::Software::Runtimes for images, volumes and instances (the launch
wizard's Metadata step). Public and protected, owned by the admin project.
"""
import json
import os
import struct
import uuid

from stratus import context as stratus_context
from stratus import exception
from stratus.image import exception as image_exception
from stratus.image import metadefs
from stratus.image import store as image_store

DEFAULT_IMAGE_NAME = "stratus-tiny"
# Fixed, so that every cloud (and its Tempest config) knows it in advance.
DEFAULT_IMAGE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL,
                                  "stratus:image:" + DEFAULT_IMAGE_NAME))
VIRTUAL_SIZE = 1024 ** 3

_CLUSTER_BITS = 16


def empty_qcow2(virtual_size):
    """A qcow2 (version 2) image of virtual_size bytes with no data: the
    header, a refcount table and block, and an empty L1 table, one cluster
    each, as ``qemu-img create -f qcow2`` lays them out."""
    cluster = 1 << _CLUSTER_BITS
    entries_per_l2 = cluster // 8
    l1_size = -(-virtual_size // (cluster * entries_per_l2))
    header = struct.pack(
        ">4sIQIIQIIQQIIQ", b"QFI\xfb", 2, 0, 0, _CLUSTER_BITS, virtual_size,
        0, l1_size, 3 * cluster, cluster, 1, 0, 0)
    refcount_table = struct.pack(">Q", 2 * cluster)
    # Clusters 0-3 (header, refcount table, refcount block, L1) are in use.
    refcount_block = struct.pack(">4H", 1, 1, 1, 1)
    return b"".join([
        header.ljust(cluster, b"\0"),
        refcount_table.ljust(cluster, b"\0"),
        refcount_block.ljust(cluster, b"\0"),
        b"\0" * (l1_size * 8),
    ])


def admin_project_id(conf, databases):
    """The project that owns the images the cloud starts with: the
    built-in identity's admin project (noauth: the project named admin;
    with a real Keystone Stratus cannot know it: None)."""
    strategy = conf.api.auth_strategy
    if strategy == "noauth":
        return "admin"
    if strategy != "builtin":
        return None
    from stratus.identity import bootstrap as identity_bootstrap
    from stratus.identity import store as identity_store
    store = identity_store.IdentityStore(databases, None)
    try:
        return store.find_project(identity_bootstrap.ADMIN_PROJECT,
                                  identity_store.DEFAULT_DOMAIN.id).id
    except exception.NotFound:
        return None


def ensure_default_images(conf, databases):
    """Register and upload stratus-tiny unless it is there (idempotent,
    and safe when several processes start at once); give it its owner if
    an earlier release left it without one."""
    store = image_store.ImageStore(databases, image_store.data_dir(conf))
    ctx = stratus_context.get_admin_context()
    owner = admin_project_id(conf, databases)
    try:
        image = store.get(ctx, DEFAULT_IMAGE_ID)
    except exception.ImageNotFound:
        try:
            image = store.create(ctx, {
                "id": DEFAULT_IMAGE_ID, "name": DEFAULT_IMAGE_NAME,
                "visibility": "public", "owner": owner,
                "disk_format": "qcow2", "container_format": "bare",
                "properties": {}, "tags": []})
        except image_exception.ImageExists:
            image = store.get(ctx, DEFAULT_IMAGE_ID)
    if image.owner is None and owner is not None:
        image = store.update(ctx, DEFAULT_IMAGE_ID,
                             lambda found: setattr(found, "owner", owner))
    if image.status == "queued":
        try:
            store.store_data(ctx, DEFAULT_IMAGE_ID,
                             [empty_qcow2(VIRTUAL_SIZE)])
        except image_exception.InvalidImageStatus:
            pass  # another process is uploading it


DEFAULT_METADEFS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "default_metadefs.json")


def default_namespaces():
    """The namespaces every cloud starts with, as Glance's files are."""
    with open(DEFAULT_METADEFS) as defaults:
        return json.load(defaults)


def ensure_default_metadefs(conf, databases):
    """Create each default namespace the catalogue lacks (idempotent, safe
    when several processes start at once), as ``glance-manage
    db_load_metadefs`` does: one of that name, the administrator's
    changes to it included, is left as it is; a deleted one is back at
    the next start (make it private to hide it from users)."""
    catalogue = metadefs.MetadefStore(databases)
    ctx = stratus_context.get_admin_context()
    owner = admin_project_id(conf, databases)
    present = {row.namespace for row in catalogue.list(ctx)}
    for body in default_namespaces():
        if body["namespace"] in present:
            continue
        values = {"namespace": body["namespace"], "owner": owner,
                  "visibility": body["visibility"],
                  "protected": body["protected"]}
        try:
            catalogue.create(ctx, values, metadefs.namespace_document(body))
        except image_exception.MetadefDuplicateNamespace:
            pass  # another process created it
