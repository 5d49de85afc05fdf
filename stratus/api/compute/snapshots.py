"""/os-snapshots (deprecated; up to 2.35, 404 above, as in Nova): Nova's
proxy to the volume snapshots of the block storage service, in Nova's
shape (volumeId, displayName, size: the volume's ...)."""
from stratus.api.compute import volumes
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import volumes as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception


def snapshot_view(snapshot):
    return {
        "id": snapshot["id"],
        "volumeId": snapshot.get("volume_id"),
        "status": snapshot.get("status"),
        "size": snapshot.get("size"),
        "createdAt": snapshot.get("created_at"),
        "displayName": snapshot.get("name"),
        "displayDescription": snapshot.get("description"),
    }


def _authorize(req, rule):
    volumes.authorize(req, "snapshots:" + rule)


@validation.query_schema(schemas.index_query, "2.1", "2.35")
def list_snapshots(req):
    _authorize(req, "list")
    return _list(req)


@validation.query_schema(schemas.index_query, "2.1", "2.35")
def list_snapshots_detail(req):
    _authorize(req, "detail")
    return _list(req)


def _list(req):
    return volumes.list_answer(req, "snapshots",
                               req.app.volume_api.get_all_snapshots,
                               snapshot_view)


@validation.query_schema(schemas.show_query, "2.1", "2.35")
def show_snapshot(req, snapshot_id):
    _authorize(req, "show")
    try:
        snapshot = req.app.volume_api.get_snapshot(req.context, snapshot_id)
    except client_exception.SnapshotNotFound as error:
        raise errors.not_found(error.format_message()) from None
    return wsgi.json_response(req, {"snapshot": snapshot_view(snapshot)})


@validation.schema(schemas.create_snapshot, "2.1", "2.35")
def create_snapshot(req):
    _authorize(req, "create")
    wanted = req.json_document()["snapshot"]
    create = req.app.volume_api.create_snapshot
    if common.to_bool(wanted.get("force", False)):
        create = req.app.volume_api.create_snapshot_force
    try:
        snapshot = create(req.context, wanted["volume_id"],
                          wanted.get("display_name"),
                          wanted.get("display_description"))
    except client_exception.VolumeLimitExceeded as error:
        raise errors.forbidden(error.format_message()) from None
    except client_exception.VolumeNotFound as error:
        raise errors.not_found(error.format_message()) from None
    except (client_exception.VolumeServiceBadRequest,
            client_exception.VolumeServiceConflict) as error:
        raise errors.bad_request(error.format_message()) from None
    return wsgi.json_response(req, {"snapshot": snapshot_view(snapshot)})


def delete_snapshot(req, snapshot_id):
    _authorize(req, "delete")
    try:
        req.app.volume_api.delete_snapshot(req.context, snapshot_id)
    except client_exception.SnapshotNotFound as error:
        raise errors.not_found(error.format_message()) from None
    except (client_exception.VolumeServiceBadRequest,
            client_exception.VolumeServiceConflict) as error:
        raise errors.bad_request(error.format_message()) from None
    return wsgi.empty_response(req, 202)
