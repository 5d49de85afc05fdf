"""/v3/snapshots: create (force for an in-use volume), list, detail,
show, update, delete; actions os-reset_status (administrators) and
os-update_snapshot_status."""
from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.api.volume import views
from stratus.volume import exception as vol_exception
from stratus.volume.store import snapshots as snapshot_store

SORT_KEYS = ("id", "name", "size", "status", "created_at", "updated_at",
             "volume_id")
STATUSES = ("creating", "available", "deleting", "error", "error_deleting",
            "unmanaging", "backing-up", "restoring")


def _target(snapshot):
    return {"project_id": snapshot["project_id"]}


def _render(req, snapshot, status=200):
    return wsgi.json_response(req, {"snapshot": views.snapshot(
        req, snapshot)}, status=status)


def create_snapshot(req):
    body = validation.body_of(req, "snapshot")
    volume_id = validation.uuid(body.get("volume_id"), "volume_id")
    force = validation.boolean(body.get("force", False), "force")
    name = validation.string(body.get("name", body.get("display_name")),
                             "name")
    description = validation.string(
        body.get("description", body.get("display_description")),
        "description")
    metadata = validation.metadata(body.get("metadata"))
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:create_snapshot", _target(volume))
    if req.api_version >= (3, 66):
        force = True   # 3.66: in-use volumes need no force
    snapshot = req.app.snapshots.create(
        req.context, volume_id, {"name": name, "description": description,
                                 "snapshot_metadata": metadata}, force)
    req.app.worker.create_snapshot(snapshot, volume)
    return _render(req, snapshot, status=202)


def _list(req, detail):
    req.authorize("volume:get_all_snapshots")
    filters, all_projects, sort, limit, marker = validation.list_query(
        req, set(snapshot_store.FILTERS), SORT_KEYS)
    snapshots = req.app.snapshots.list(req.context, filters, all_projects,
                                       sort, limit, marker)
    body = {"snapshots": [views.snapshot(req, snapshot, detail)
                          for snapshot in snapshots]}
    links = views.collection_links(req, "snapshots", snapshots, limit)
    if links:
        body["snapshots_links"] = links
    return wsgi.json_response(req, body)


def list_snapshots(req):
    return _list(req, detail=False)


def list_snapshots_detail(req):
    return _list(req, detail=True)


def show_snapshot(req, snapshot_id):
    snapshot = req.app.snapshots.get(req.context, snapshot_id)
    req.authorize("volume:get_snapshot", _target(snapshot))
    return _render(req, snapshot)


def update_snapshot(req, snapshot_id):
    body = validation.body_of(req, "snapshot")
    snapshot = req.app.snapshots.get(req.context, snapshot_id)
    req.authorize("volume:update_snapshot", _target(snapshot))
    values = validation.name_and_description(body)
    if not values:
        raise validation.bad("Must specify name or description.")
    return _render(req, req.app.snapshots.update(req.context, snapshot_id,
                                                 values))


def delete_snapshot(req, snapshot_id):
    snapshot = req.app.snapshots.get(req.context, snapshot_id)
    req.authorize("volume:delete_snapshot", _target(snapshot))
    snapshot = req.app.snapshots.begin_delete(req.context, snapshot_id)
    req.app.worker.delete_snapshot(snapshot)
    return wsgi.empty_response(req, status=202)


def _action_body(req, name):
    value = req.json_document()[name]
    if not isinstance(value, dict):
        raise validation.bad("%s must be an object." % name)
    return value


def reset_status(req, snapshot_id):
    body = _action_body(req, "os-reset_status")
    snapshot = req.app.snapshots.get(req.context, snapshot_id)
    req.authorize("volume_extension:snapshot_admin_actions:reset_status",
                  _target(snapshot))
    status = validation.string(body.get("status"), "status", null=False)
    if status.lower() not in STATUSES:
        raise validation.bad("Invalid status: %s" % status[:64])
    req.app.snapshots.set_status(snapshot_id, None,
                                 {"status": status.lower()})
    return wsgi.empty_response(req, status=202)


def update_snapshot_status(req, snapshot_id):
    body = _action_body(req, "os-update_snapshot_status")
    snapshot = req.app.snapshots.get(req.context, snapshot_id)
    req.authorize("snapshot_extension:snapshot_actions:"
                  "update_snapshot_status", _target(snapshot))
    status = validation.string(body.get("status"), "status", null=False)
    allowed = {"creating": ("creating", "available", "error"),
               "deleting": ("deleting", "error_deleting")}
    if status not in allowed.get(snapshot["status"], ()):
        raise vol_exception.InvalidSnapshot(reason=(
            "Snapshot status %s not allowed for update_snapshot_status"
            % snapshot["status"]))
    values = {"status": status}
    if body.get("progress") is not None:
        values["progress"] = validation.string(body["progress"], "progress",
                                               max_length=16)
    req.app.snapshots.set_status(snapshot_id, (snapshot["status"],), values)
    return wsgi.empty_response(req, status=202)


ACTIONS = {"os-reset_status": reset_status,
           "os-update_snapshot_status": update_snapshot_status}


def snapshot_action(req, snapshot_id):
    return wsgi.dispatch_action(req, ACTIONS, snapshot_id)
