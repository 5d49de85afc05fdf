"""/os-assisted-volume-snapshots (the block storage service's call, role
service): a snapshot of an attached volume that a file-based Cinder
driver asks the server's compute to take (qcow2 overlays under the
guest).

Nova asks the compute (a cast) and answers at once; a compute whose
driver cannot snapshot that volume marks the Cinder snapshot ``error``
(``error_deleting`` for a delete) through os-update_snapshot_status.
No Stratus virt driver takes assisted snapshots, so the API gives that
outcome itself: the same checks as Nova (400 when the volume is attached
to no server, or to several), then the snapshot's status, then Nova's
answer (200 {"snapshot": {"id", "volumeId"}}; 204 for a delete)."""
import json
import logging

from stratus.api import errors
from stratus.api.schemas import volumes as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception
from stratus.policies import assisted_volume_snapshots as policies

LOG = logging.getLogger(__name__)


def _attached(req, volume_id):
    """The volume's only attachment; Nova's 400s when the volume is not
    attached (VolumeBDMNotFound) or is multi-attached."""
    try:
        volume = req.app.volume_api.get(req.context, volume_id)
    except client_exception.VolumeNotFound:
        volume = {}
    attachments = volume.get("attachments") or ()
    if not attachments:
        raise errors.bad_request("No volume Block Device Mapping with id "
                                 "%s." % volume_id)
    if len(attachments) > 1:
        raise errors.bad_request(
            "Block Device Mapping %s is a multi-attach volume and is not "
            "valid for this operation." % volume_id)
    return attachments[0]


def _mark(req, snapshot_id, status):
    """The snapshot's status as the compute would set it (a snapshot not
    in creating / deleting keeps its own: Cinder refuses, and Nova's
    compute only logs that)."""
    try:
        req.app.volume_api.update_snapshot_status(req.context, snapshot_id,
                                                  status)
    except (client_exception.SnapshotNotFound, client_exception.VolumeServiceBadRequest,
            client_exception.VolumeServiceConflict,
            client_exception.VolumeServiceError) as error:
        LOG.info("Snapshot %s not marked %s: %s", snapshot_id, status,
                 error)


@validation.schema(schemas.create_assisted_snapshot)
def create_assisted_volume_snapshot(req):
    req.authorize(policies.POLICY_ROOT % "create", {})
    snapshot = req.json_document()["snapshot"]
    volume_id = snapshot["volume_id"]
    create_info = snapshot["create_info"]
    _attached(req, volume_id)
    _mark(req, create_info["snapshot_id"], "error")
    return wsgi.json_response(req, {"snapshot": {
        "id": create_info.get("id"), "volumeId": volume_id}})


@validation.query_schema(schemas.delete_assisted_query, "2.1", "2.74")
@validation.query_schema(schemas.delete_assisted_query_v275, "2.75")
def delete_assisted_volume_snapshot(req, snapshot_id):
    req.authorize(policies.POLICY_ROOT % "delete", {})
    try:
        delete_info = json.loads(req.GET["delete_info"])
        volume_id = delete_info["volume_id"]
    except KeyError as error:
        raise errors.bad_request(str(error)) from None
    except (ValueError, TypeError) as error:
        raise errors.bad_request(str(error)) from None
    if not isinstance(volume_id, str):
        raise errors.bad_request("volume_id must be a string")
    _attached(req, volume_id)
    _mark(req, snapshot_id, "error_deleting")
    return wsgi.empty_response(req, 204)
