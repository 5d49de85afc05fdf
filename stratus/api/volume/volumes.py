"""/v3/volumes: create (empty, from an image, a snapshot or a volume;
202 while the file is made), list, detail, summary, show, update,
delete (with cascade)."""
import math

from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.api.volume import views
from stratus import exception
from stratus.volume import exception as vol_exception
from stratus.volume.store import types as type_store
from stratus.volume.store import volumes as volume_store

GIB = 1024 ** 3
_CREATE_KEYS = ("size", "name", "description", "display_name",
                "display_description", "metadata", "volume_type",
                "availability_zone", "snapshot_id", "source_volid",
                "imageRef", "image_id", "multiattach", "backup_id",
                "consistencygroup_id", "group_id", "source_replica",
                "scheduler_hints")


def type_names(req):
    return {volume_type["id"]: volume_type["name"]
            for volume_type in req.app.types.list()}


def render(req, volume, status=200, names=None):
    return wsgi.json_response(req, {"volume": views.volume(
        req, volume, names or type_names(req))}, status=status)


def _target(volume):
    return {"project_id": volume["project_id"]}


def _size(given, name="size"):
    return validation.integer(given, name, minimum=1)


def image_for(req, image_ref, size):
    """The image's document; 400 when it cannot be used or is larger
    than the volume."""
    try:
        image = req.app.image_api.get(req.context, image_ref)
    except (exception.ImageNotFound, exception.Invalid,
            exception.NotAuthorized):
        raise vol_exception.InvalidImage() from None
    if image.get("status") != "active":
        raise vol_exception.InvalidInput(reason=(
            "Image %s is not active." % image_ref))
    image_gb = int(math.ceil((image.get("size") or 0) / GIB))
    if image_gb > size:
        raise vol_exception.InvalidInput(reason=(
            "Size of specified image %d GB is larger than volume size %d "
            "GB." % (image_gb, size)))
    if (image.get("min_disk") or 0) > size:
        raise vol_exception.InvalidInput(reason=(
            "Volume size %dGB cannot be smaller than the image minDisk size "
            "%dGB." % (size, image["min_disk"])))
    return image


def create_volume(req):
    body = validation.body_of(req, "volume")
    req.authorize("volume:create")
    name = validation.string(body.get("name", body.get("display_name")),
                             "name")
    description = validation.string(
        body.get("description", body.get("display_description")),
        "description")
    metadata = validation.metadata(body.get("metadata"))
    zone = validation.string(body.get("availability_zone"),
                             "availability_zone")
    default_zone = req.app.conf.cinder.storage_availability_zone
    if zone is not None and zone != default_zone:
        raise vol_exception.AvailabilityZoneNotFound(az=zone)
    for unsupported in ("backup_id", "group_id", "consistencygroup_id",
                        "source_replica"):
        if body.get(unsupported) is not None:
            raise vol_exception.InvalidInput(reason=(
                "%s is not supported by this block storage service."
                % unsupported))
    size = body.get("size")
    if size is not None:
        size = _size(size)
    source = None
    values = {}
    snapshot_id = body.get("snapshot_id")
    source_volid = body.get("source_volid")
    image_ref = body.get("imageRef") or body.get("image_id")
    if sum(1 for given in (snapshot_id, source_volid, image_ref)
           if given) > 1:
        raise vol_exception.InvalidInput(reason=(
            "Only one of snapshot_id, source_volid and imageRef may be "
            "given."))
    type_ref = validation.string(body.get("volume_type"), "volume_type")
    if snapshot_id:
        validation.uuid(snapshot_id, "snapshot_id")
        snapshot = req.app.snapshots.get(req.context, snapshot_id)
        if snapshot["status"] != "available":
            raise vol_exception.InvalidSnapshot(reason=(
                "Originating snapshot status must be one of 'available' "
                "values"))
        parent = req.app.volumes.get_any(snapshot["volume_id"])
        size = size or snapshot["size"]
        if size < snapshot["size"]:
            raise vol_exception.InvalidInput(reason=(
                "Volume size '%d'GB cannot be smaller than the snapshot size "
                "%dGB. They must be >= original snapshot size."
                % (size, snapshot["size"])))
        source = ("snapshot", snapshot, parent["file_format"])
        values.update(snapshot_id=snapshot_id,
                      volume_type_id=parent["volume_type_id"],
                      bootable=parent["bootable"],
                      volume_image_metadata=parent["volume_image_metadata"])
    elif source_volid:
        validation.uuid(source_volid, "source_volid")
        parent = req.app.volumes.get(req.context, source_volid)
        if parent["status"] not in ("available", "in-use"):
            raise vol_exception.InvalidVolume(reason=(
                "Source volume status must be available or in-use, but "
                "current status is: %s." % parent["status"]))
        size = size or parent["size"]
        if size < parent["size"]:
            raise vol_exception.InvalidInput(reason=(
                "Volume size '%d'GB cannot be smaller than original volume "
                "size %dGB. They must be >= original volume size."
                % (size, parent["size"])))
        source = ("volume", parent)
        values.update(source_volid=source_volid,
                      volume_type_id=parent["volume_type_id"],
                      bootable=parent["bootable"],
                      volume_image_metadata=parent["volume_image_metadata"])
    if size is None:
        raise vol_exception.InvalidInput(reason=(
            "Missing required element 'size' in request body."))
    if image_ref:
        validation.string(image_ref, "imageRef")
        req.authorize("volume:create_from_image")
        source = ("image", image_for(req, image_ref, size))
        values.update(image_id=source[1]["id"])
    if type_ref is not None:
        volume_type = req.app.types.find(type_ref)
    elif "volume_type_id" in values:
        volume_type = req.app.types.get(values["volume_type_id"])
    else:
        volume_type = req.app.default_type()
    multiattach = type_store.is_multiattach(volume_type)
    if body.get("multiattach") is not None:
        multiattach = multiattach or validation.boolean(
            body["multiattach"], "multiattach")
    if multiattach:
        req.authorize("volume:multiattach")
    values.update(name=name, description=description, size=size,
                  volume_metadata=metadata, availability_zone=default_zone,
                  volume_type_id=volume_type["id"], multiattach=multiattach,
                  file_format=req.app.conf.cinder.volume_format)
    volume = req.app.volumes.create(req.context, values)
    req.app.worker.create_volume(req.context, volume, source)
    return render(req, volume, status=202)


def _list(req, detail):
    req.authorize("volume:get_all")
    filters, all_projects, sort, limit, marker = validation.list_query(
        req, set(volume_store.FILTERS) | {"display_name"},
        volume_store.SORT_KEYS + ("name",))
    if "display_name" in filters:
        filters["name"] = filters.pop("display_name")
    for boolean in ("bootable", "multiattach"):
        if boolean in filters:
            filters[boolean] = validation.boolean(filters[boolean], boolean)
    metadata = None
    if "metadata" in req.GET:
        import ast
        try:
            metadata = ast.literal_eval(req.GET["metadata"])
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            metadata = None
        if not isinstance(metadata, dict):
            raise validation.bad("Invalid metadata filter.")
    volumes = req.app.volumes.list(req.context, filters, all_projects, sort,
                                   limit, marker, metadata)
    if detail:
        names = type_names(req)
        items = [views.volume(req, volume, names) for volume in volumes]
    else:
        items = [views.volume_summary(req, volume) for volume in volumes]
    body = {"volumes": items}
    links = views.collection_links(req, "volumes", volumes, limit)
    if links:
        body["volumes_links"] = links
    if req.api_version >= (3, 45) and "with_count" in req.GET and \
            validation.boolean(req.GET["with_count"], "with_count"):
        body["count"] = len(req.app.volumes.list(
            req.context, filters, all_projects, sort, None, None, metadata))
    return wsgi.json_response(req, body)


def list_volumes(req):
    return _list(req, detail=False)


def list_volumes_detail(req):
    return _list(req, detail=True)


def volumes_summary(req):
    req.authorize("volume:get_all")
    all_projects = validation.boolean(req.GET.get("all_tenants", "0"),
                                      "all_tenants")
    volumes = req.app.volumes.list(req.context, None, all_projects)
    summary = {"total_size": sum(volume["size"] for volume in volumes),
               "total_count": len(volumes)}
    if req.api_version >= (3, 36):
        summary["metadata"] = {}
        for volume in volumes:
            for key, value in volume["volume_metadata"].items():
                values = summary["metadata"].setdefault(key, [])
                if value not in values:
                    values.append(value)
    return wsgi.json_response(req, {"volume-summary": summary})


def show_volume(req, volume_id):
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:get", _target(volume))
    return render(req, volume)


def update_volume(req, volume_id):
    body = validation.body_of(req, "volume")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:update", _target(volume))
    values = validation.name_and_description(body)
    if "metadata" in body:
        values["volume_metadata"] = validation.metadata(body["metadata"])
    if not values:
        raise vol_exception.InvalidInput(reason=(
            "At least one of name, description or metadata must be given."))
    return render(req, req.app.volumes.update(req.context, volume_id,
                                              values))


def delete_volume(req, volume_id):
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:delete", _target(volume))
    cascade = validation.boolean(req.GET.get("cascade", "false"), "cascade")
    force = validation.boolean(req.GET.get("force", "false"), "force")
    if force:
        req.authorize("volume:force_delete", _target(volume))
    start_delete(req, volume_id, cascade, force)
    return wsgi.empty_response(req, status=202)


def start_delete(req, volume_id, cascade=False, force=False):
    volume, snapshots = req.app.volumes.begin_delete(
        req.context, volume_id, cascade, force)
    req.app.worker.delete_volume(volume, snapshots)
