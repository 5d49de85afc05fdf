"""/os-volumes (deprecated; up to 2.35, 404 above, as in Nova): Nova's
proxy to the volumes of the block storage service (req.app.volume_api,
stratus.volume.cinder), in Nova's shape (displayName, availabilityZone,
attachments ...)."""
from stratus.api.compute import images
from stratus.api.compute import links
from stratus.api import errors
from stratus.api.schemas import volumes as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception
from stratus.policies import volumes as policies

# Nova's MAX_PROXY_API_SUPPORT_VERSION.
MAX_VERSION = (2, 35)


def authorize(req, rule):
    images.require_version(req, MAX_VERSION)
    req.authorize(policies.POLICY_NAME % rule,
                  {"project_id": req.context.project_id})


def limited(req, items):
    """Nova's common.limited: offset, and a limit (0: none) capped by
    [api] max_limit."""
    limit = links.limit_and_marker(req)[0] or req.app.conf.api.max_limit
    limit = min(limit, req.app.conf.api.max_limit)
    offset = int(req.GET.get("offset", 0) or 0)
    return items[offset:offset + limit]


def volume_view(volume):
    """A Cinder volume as Nova shows it: its first attachment (by server),
    or [{}] when it has none."""
    attachments = [{}]
    for attachment in volume.get("attachments") or ():
        view = {"id": volume["id"], "volumeId": volume["id"],
                "serverId": attachment.get("server_id")}
        if attachment.get("device"):
            view["device"] = attachment["device"]
        attachments = [view]
        break
    return {
        "id": volume["id"],
        "status": volume.get("status"),
        "size": volume.get("size"),
        "availabilityZone": volume.get("availability_zone"),
        "createdAt": volume.get("created_at"),
        "attachments": attachments,
        "displayName": volume.get("name"),
        "displayDescription": volume.get("description"),
        "volumeType": volume.get("volume_type"),
        "snapshotId": volume.get("snapshot_id"),
        "metadata": dict(volume.get("metadata") or {}),
    }


def _not_found(error):
    return errors.not_found(error.format_message())


@validation.query_schema(schemas.index_query, "2.1", "2.35")
def list_volumes(req):
    authorize(req, "list")
    return _list(req)


@validation.query_schema(schemas.index_query, "2.1", "2.35")
def list_volumes_detail(req):
    authorize(req, "detail")
    return _list(req)


def _list(req):
    return list_answer(req, "volumes", req.app.volume_api.get_all,
                       volume_view)


def list_answer(req, key, fetch, view):
    """A proxy's list: fetch(ctx)'s documents, limited, as view shows
    them."""
    found = fetch(req.context)
    return wsgi.json_response(req, {key: [
        view(item) for item in limited(req, found)]})


@validation.query_schema(schemas.show_query, "2.1", "2.35")
def show_volume(req, volume_id):
    authorize(req, "show")
    try:
        volume = req.app.volume_api.get(req.context, volume_id)
    except client_exception.VolumeNotFound as error:
        raise _not_found(error) from None
    return wsgi.json_response(req, {"volume": volume_view(volume)})


@validation.schema(schemas.create_volume, "2.1", "2.35")
def create_volume(req):
    authorize(req, "create")
    wanted = req.json_document()["volume"]
    snapshot_id = wanted.get("snapshot_id")
    if snapshot_id is not None:
        try:
            req.app.volume_api.get_snapshot(req.context, snapshot_id)
        except client_exception.SnapshotNotFound as error:
            raise _not_found(error) from None
    try:
        volume = req.app.volume_api.create(
            req.context, int(wanted["size"]), wanted.get("display_name"),
            wanted.get("display_description"), snapshot_id=snapshot_id,
            volume_type=wanted.get("volume_type"),
            metadata=wanted.get("metadata"),
            availability_zone=wanted.get("availability_zone"))
    except client_exception.VolumeServiceBadRequest as error:
        raise errors.bad_request(error.format_message()) from None
    except client_exception.VolumeLimitExceeded as error:
        raise errors.forbidden(error.format_message()) from None
    except client_exception.VolumeServiceNotFound as error:
        raise errors.not_found(error.format_message()) from None
    location = "%s/%s" % (req.path_url, volume["id"])
    return wsgi.json_response(req, {"volume": volume_view(volume)},
                              headers={"Location": location})


def delete_volume(req, volume_id):
    authorize(req, "delete")
    try:
        req.app.volume_api.delete(req.context, volume_id)
    except client_exception.VolumeNotFound as error:
        raise _not_found(error) from None
    except (client_exception.VolumeServiceBadRequest,
            client_exception.VolumeServiceConflict) as error:
        raise errors.bad_request(error.format_message()) from None
    return wsgi.empty_response(req, 202)
