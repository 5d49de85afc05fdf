"""Cinder's documents of volumes, snapshots and attachments, as each
microversion shows them."""
from stratus.api import wsgi

HOST = "stratus@builtin#builtin"


def _links(req, collection, item_id):
    return [{"rel": "self",
             "href": "%s/v3/%s/%s" % (req.host_url, collection, item_id)},
            {"rel": "bookmark",
             "href": "%s/%s/%s" % (req.host_url, collection, item_id)}]


def collection_links(req, collection, items, limit):
    """Cinder's <collection>_links when a page is full."""
    if not limit or len(items) < limit:
        return None
    query = dict(req.GET)
    query["marker"] = items[-1]["id"]
    import urllib.parse
    return [{"rel": "next", "href": "%s%s?%s" % (
        req.host_url, req.path, urllib.parse.urlencode(query))}]


def volume_attachments(volume):
    return [{"server_id": attachment["instance_uuid"],
             "attachment_id": attachment["id"],
             "attached_at": wsgi.isotime(attachment["attach_time"], True),
             "host_name": attachment["attached_host"],
             "volume_id": volume["id"],
             "device": attachment["mountpoint"],
             "id": volume["id"]}
            for attachment in volume["attachments"]
            if attachment["attach_status"] == "attached"]


def volume_summary(req, volume):
    return {"id": volume["id"], "name": volume["name"],
            "links": _links(req, "volumes", volume["id"])}


def volume(req, volume, type_names):
    """The detailed document; type_names: {type id: name}."""
    body = {
        "id": volume["id"], "name": volume["name"],
        "description": volume["description"], "size": volume["size"],
        "status": volume["status"],
        "availability_zone": volume["availability_zone"],
        "created_at": wsgi.isotime(volume["created_at"], True),
        "updated_at": wsgi.isotime(volume["updated_at"], True),
        "attachments": volume_attachments(volume),
        "links": _links(req, "volumes", volume["id"]),
        "volume_type": type_names.get(volume["volume_type_id"]),
        "snapshot_id": volume["snapshot_id"],
        "source_volid": volume["source_volid"],
        "metadata": dict(volume["volume_metadata"],
                         **({"readonly": "True"} if volume["readonly"]
                            else {})),
        "bootable": "true" if volume["bootable"] else "false",
        "encrypted": False, "replication_status": None,
        "consistencygroup_id": None, "multiattach": volume["multiattach"],
        "user_id": volume["user_id"],
    }
    if volume["volume_image_metadata"] and req.can(
            "volume_extension:volume_image_metadata:show",
            {"project_id": volume["project_id"]}):
        body["volume_image_metadata"] = dict(
            volume["volume_image_metadata"])
    target = {"project_id": volume["project_id"]}
    if req.can("volume_extension:volume_tenant_attribute", target):
        body["os-vol-tenant-attr:tenant_id"] = volume["project_id"]
    if req.can("volume_extension:volume_host_attribute", target):
        body["os-vol-host-attr:host"] = HOST
    if req.can("volume_extension:volume_mig_status_attribute", target):
        body["os-vol-mig-status-attr:migstat"] = volume["migration_status"]
        body["os-vol-mig-status-attr:name_id"] = None
    version = req.api_version
    if version >= (3, 13):
        body["group_id"] = None
    if version >= (3, 21) and req.context.is_admin:
        body["provider_id"] = None
    if version >= (3, 48):
        body["service_uuid"] = "00000000-0000-0000-0000-000000000000"
        body["shared_targets"] = False
    if version >= (3, 61) and req.context.is_admin:
        body["cluster_name"] = None
    if version >= (3, 63):
        body["volume_type_id"] = volume["volume_type_id"]
    if version >= (3, 64):
        body["encryption_key_id"] = None
    if version >= (3, 65):
        body["consumes_quota"] = True
    return body


def snapshot(req, snapshot, detail=True):
    body = {"id": snapshot["id"], "name": snapshot["name"],
            "description": snapshot["description"],
            "volume_id": snapshot["volume_id"], "size": snapshot["size"],
            "status": snapshot["status"],
            "created_at": wsgi.isotime(snapshot["created_at"], True),
            "updated_at": wsgi.isotime(snapshot["updated_at"], True),
            "metadata": dict(snapshot["snapshot_metadata"])}
    if req.api_version >= (3, 14):
        body["group_snapshot_id"] = None
    if req.api_version >= (3, 41):
        body["user_id"] = snapshot["user_id"]
    if req.api_version >= (3, 65):
        body["consumes_quota"] = True
    if detail and req.can("volume_extension:extended_snapshot_attributes",
                          {"project_id": snapshot["project_id"]}):
        body["os-extended-snapshot-attributes:progress"] = \
            snapshot["progress"]
        body["os-extended-snapshot-attributes:project_id"] = \
            snapshot["project_id"]
    return body


def connection_info(attachment, volume):
    """The contract of stratus.virt.driver.VolumeAttach: a file on the
    host the connector named."""
    return {"driver_volume_type": "file", "data": {
        "device_path": volume["file_path"],
        "format": volume["file_format"],
        "access_mode": ("ro" if attachment["attach_mode"] == "ro"
                        or volume["readonly"] else "rw"),
        "multiattach": volume["multiattach"],
        "volume_id": volume["id"], "name": volume["name"],
        "attachment_id": attachment["id"]}}


def attachment_summary(attachment):
    return {"id": attachment["id"], "status": attachment["attach_status"],
            "instance": attachment["instance_uuid"],
            "volume_id": attachment["volume_id"]}


def attachment(req, attachment, volume=None):
    body = attachment_summary(attachment)
    body.update({
        "attached_at": wsgi.isotime(attachment["attach_time"], True),
        "detached_at": wsgi.isotime(attachment["detach_time"], True),
        "attach_mode": attachment["attach_mode"],
        "connection_info": (connection_info(attachment, volume)
                            if volume is not None
                            and attachment["connector"] is not None
                            else {})})
    return body


def volume_type(req, volume_type):
    body = {"id": volume_type["id"], "name": volume_type["name"],
            "description": volume_type["description"],
            "is_public": volume_type["is_public"],
            "os-volume-type-access:is_public": volume_type["is_public"],
            "qos_specs_id": None}
    if req.can("volume_extension:access_types_extra_specs"):
        body["extra_specs"] = dict(volume_type["extra_specs"])
    return body
