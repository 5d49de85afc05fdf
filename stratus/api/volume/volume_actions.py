"""POST /v3/volumes/{id}/action: os-extend (in-use from 3.42),
os-set_bootable, os-reset_status and os-force_delete (administrators),
os-update_readonly_flag, os-reimage (3.68),
os-extend_volume_completion (3.71) and os-migrate_volume_completion
(administrators: the end of Nova's swap of a server's volume)."""
from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.api.volume import views
from stratus.api.volume import volumes as volume_handlers
from stratus.volume import exception as vol_exception

VOLUME_STATUSES = ("creating", "available", "deleting", "error",
                   "error_deleting", "error_managing", "managing",
                   "attaching", "in-use", "detaching", "maintenance",
                   "reserved", "restoring-backup", "error_restoring",
                   "extending", "error_extending", "downloading",
                   "uploading", "retyping", "backing-up",
                   "awaiting-transfer")


def _value(req, name):
    value = req.json_document()[name]
    return value if value is not None else {}


def _object(req, name):
    value = _value(req, name)
    if not isinstance(value, dict):
        raise validation.bad("%s must be an object." % name)
    return value


def _target(volume):
    return {"project_id": volume["project_id"]}


def extend(req, volume_id):
    body = _object(req, "os-extend")
    if "new_size" not in body:
        raise validation.bad("Missing required element 'new_size'.")
    new_size = validation.integer(body["new_size"], "new_size", minimum=1)
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:extend", _target(volume))
    in_use = volume["status"] == "in-use"
    if in_use and req.api_version >= (3, 42):
        req.authorize("volume:extend_attached_volume", _target(volume))
    volume = req.app.volumes.begin_extend(req.context, volume_id, new_size,
                                          req.api_version >= (3, 42))
    req.app.worker.extend_volume(volume, new_size, req.context)
    return wsgi.empty_response(req, status=202)


def extend_volume_completion(req, volume_id):
    if req.api_version < (3, 71):
        raise validation.bad("There is no such action: "
                             "os-extend_volume_completion")
    body = _object(req, "os-extend_volume_completion")
    error = validation.boolean(body.get("error", False), "error")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume_extension:volume_actions:extend_volume_completion",
                  _target(volume))
    done = "in-use" if views.volume_attachments(volume) \
        else "available"
    if not req.app.volumes.set_status(
            volume_id, ("extending",),
            {"status": "error_extending" if error else done,
             "new_size": None}):
        raise vol_exception.InvalidVolume(reason=(
            "Volume status must be 'extending', currently %s."
            % volume["status"]))
    return wsgi.empty_response(req, status=202)


def set_bootable(req, volume_id):
    body = _object(req, "os-set_bootable")
    if "bootable" not in body:
        raise validation.bad("Must specify bootable in request.")
    bootable = validation.boolean(body["bootable"], "bootable")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume_extension:volume_actions:set_bootable",
                  _target(volume))
    req.app.volumes.update(req.context, volume_id, {"bootable": bootable})
    return wsgi.empty_response(req, status=200)


def reset_status(req, volume_id):
    body = _object(req, "os-reset_status")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume_extension:volume_admin_actions:reset_status",
                  _target(volume))
    values = {}
    if body.get("status") is not None:
        status = validation.string(body["status"], "status").lower()
        if status not in VOLUME_STATUSES:
            raise validation.bad("Invalid status: %s" % status[:64])
        values["status"] = status
    if body.get("attach_status") is not None:
        attach_status = validation.string(body["attach_status"],
                                          "attach_status").lower()
        if attach_status not in ("attached", "detached"):
            raise validation.bad("Must specify a valid attach status")
        values["attach_status"] = attach_status
    if "migration_status" in body:
        migration = validation.string(body["migration_status"],
                                      "migration_status")
        values["migration_status"] = (None if migration in (None, "none")
                                      else migration.lower())
    if not values:
        raise validation.bad("Must specify 'status', 'attach_status' or "
                             "'migration_status' for update.")
    req.app.volumes.set_status(volume_id, None, values)
    return wsgi.empty_response(req, status=202)


def force_delete(req, volume_id):
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume_extension:volume_admin_actions:force_delete",
                  _target(volume))
    volume_handlers.start_delete(req, volume_id, cascade=True, force=True)
    return wsgi.empty_response(req, status=202)


def update_readonly_flag(req, volume_id):
    body = _object(req, "os-update_readonly_flag")
    if "readonly" not in body:
        raise validation.bad("Must specify readonly in request.")
    readonly = validation.boolean(body["readonly"], "readonly")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:update_readonly_flag", _target(volume))
    req.app.volumes.update(req.context, volume_id, {"readonly": readonly})
    return wsgi.empty_response(req, status=202)


def reimage(req, volume_id):
    if req.api_version < (3, 68):
        raise validation.bad("There is no such action: os-reimage")
    body = _object(req, "os-reimage")
    image_id = validation.uuid(body.get("image_id"), "image_id")
    reserved = validation.boolean(body.get("reimage_reserved", False),
                                  "reimage_reserved")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:reimage", _target(volume))
    allowed = ("available", "error")
    if reserved:
        req.authorize("volume:reimage_reserved", _target(volume))
        allowed += ("reserved",)
    image = volume_handlers.image_for(req, image_id, volume["size"])
    status_after = ("reserved" if volume["status"] == "reserved"
                    else "available")
    if not req.app.volumes.set_status(volume_id, allowed,
                                      {"status": "downloading"}):
        raise vol_exception.InvalidVolume(reason=(
            "Volume status must be %s to reimage, currently %s."
            % (" or ".join(allowed), volume["status"])))
    req.app.worker.reimage_volume(req.context, volume, image, status_after)
    return wsgi.empty_response(req, status=202)


def migrate_volume_completion(req, volume_id):
    """Nova's swap of a server's volume ends with it: nothing is being
    migrated here, so the new volume is the one to keep, as Cinder
    answers Nova."""
    body = _object(req, "os-migrate_volume_completion")
    new_volume_id = validation.uuid(body.get("new_volume"), "new_volume")
    error = validation.boolean(body.get("error", False), "error")
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume_extension:volume_admin_actions:"
                  "migrate_volume_completion", _target(volume))
    req.app.volumes.get(req.context, new_volume_id)
    return wsgi.json_response(req, {"save_volume_id": volume_id if error
                                    else new_volume_id})


ACTIONS = {
    "os-migrate_volume_completion": migrate_volume_completion,
    "os-extend": extend,
    "os-extend_volume_completion": extend_volume_completion,
    "os-set_bootable": set_bootable,
    "os-reset_status": reset_status,
    "os-force_delete": force_delete,
    "os-update_readonly_flag": update_readonly_flag,
    "os-reimage": reimage,
}


def volume_action(req, volume_id):
    return wsgi.dispatch_action(req, ACTIONS, volume_id)
