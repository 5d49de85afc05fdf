"""/v3/attachments (3.27+): create reserves the volume, update with a
connector answers the connection_info (a file, see
stratus.virt.driver.VolumeAttach), os-complete (3.44) marks it in-use,
delete detaches; list, detail and show with filters."""
from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.api.volume import views
from stratus.volume.store import attachments as attachment_store

SORT_KEYS = ("id", "created_at", "updated_at", "attach_status",
             "instance_uuid", "volume_id")


def _connector(value):
    if not isinstance(value, dict):
        raise validation.bad("connector must be an object.")
    if len(str(value)) > 65535:
        raise validation.bad("connector is too large.")
    return value


def _render(req, attachment, volume=None, status=200):
    if volume is None and attachment["connector"] is not None:
        volume = req.app.volumes.get_any(attachment["volume_id"])
    return wsgi.json_response(req, {"attachment": views.attachment(
        req, attachment, volume)}, status=status)


def create_attachment(req):
    body = validation.body_of(req, "attachment")
    volume_id = validation.uuid(body.get("volume_uuid"), "volume_uuid")
    instance_uuid = body.get("instance_uuid")
    if instance_uuid is not None:
        validation.uuid(instance_uuid, "instance_uuid")
    mode = "rw"
    if "mode" in body:
        if req.api_version < (3, 54):
            raise validation.bad("mode needs microversion 3.54.")
        mode = body["mode"]
        if mode not in ("rw", "ro"):
            raise validation.bad("Invalid mode %s: rw or ro."
                                 % str(mode)[:16])
    connector = body.get("connector")
    if connector is not None:
        connector = _connector(connector)
    volume = req.app.volumes.get(req.context, volume_id)
    req.authorize("volume:attachment_create",
                  {"project_id": volume["project_id"]})
    attachment = req.app.attachments.create(req.context, volume_id,
                                            instance_uuid, mode)
    volume = None
    if connector is not None:
        attachment, volume = req.app.attachments.connect(
            req.context, attachment["id"], connector)
    return _render(req, attachment, volume)


def _get(req, attachment_id, rule):
    attachment = req.app.attachments.get(req.context, attachment_id)
    req.authorize(rule, {"project_id": attachment["project_id"]})
    return attachment


def update_attachment(req, attachment_id):
    body = validation.body_of(req, "attachment")
    if "connector" not in body:
        raise validation.bad("Missing required element 'connector' in "
                             "request body.")
    connector = _connector(body["connector"])
    _get(req, attachment_id, "volume:attachment_update")
    attachment, volume = req.app.attachments.connect(
        req.context, attachment_id, connector)
    return _render(req, attachment, volume)


def attachment_action(req, attachment_id):
    body = req.json_document()
    if not isinstance(body, dict) or list(body) != ["os-complete"]:
        raise validation.bad("Invalid action: only os-complete is "
                             "supported.")
    _get(req, attachment_id, "volume:attachment_complete")
    req.app.attachments.complete(req.context, attachment_id)
    return wsgi.empty_response(req, status=204)


def delete_attachment(req, attachment_id):
    _get(req, attachment_id, "volume:attachment_delete")
    remaining = req.app.attachments.delete(req.context, attachment_id)
    return wsgi.json_response(req, {"attachments": [
        views.attachment_summary(attachment) for attachment in remaining]})


def show_attachment(req, attachment_id):
    return _render(req, _get(req, attachment_id, "volume:attachment_get"))


def _list(req, detail):
    req.authorize("volume:attachment_get")
    filters, all_projects, sort, limit, marker = validation.list_query(
        req, set(attachment_store.FILTERS), SORT_KEYS)
    attachments = req.app.attachments.list(req.context, filters,
                                           all_projects, sort, limit, marker)
    if detail:
        items = [views.attachment(req, attachment, req.app.volumes.get_any(
            attachment["volume_id"]) if attachment["connector"] is not None
            else None) for attachment in attachments]
    else:
        items = [views.attachment_summary(attachment)
                 for attachment in attachments]
    body = {"attachments": items}
    links = views.collection_links(req, "attachments", attachments, limit)
    if links:
        body["attachments_links"] = links
    return wsgi.json_response(req, body)


def list_attachments(req):
    return _list(req, detail=False)


def list_attachments_detail(req):
    return _list(req, detail=True)
