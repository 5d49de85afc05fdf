"""/servers/{id}/os-volume_attachments: a server's volumes (Nova's
volumeAttachments) from its block device mappings; attach, detach, swap
(an admin's PUT with another volumeId) and the update of
delete_on_termination (2.85) go through stratus/compute_api/volumes.py.

Fields per microversion as Nova: id/volumeId/serverId/device, tag
(2.70), delete_on_termination (2.79), attachment_id and bdm_uuid instead
of id (2.89). Attach answers 200 with the device the compute picked
(the caller waits for it) before 2.101, 202 at once from 2.101.
"""
from stratus.api.compute import links
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import volume_attachments as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.policies import volume_attachments as policies


def _server(req, server_id, rule):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def attachment_view(req, server_id, bdm):
    view = {"volumeId": bdm.volume_id, "serverId": server_id}
    if req.api_version < (2, 89):
        view["id"] = bdm.volume_id
    if bdm.get("device_name"):
        view["device"] = bdm.device_name
    if req.api_version >= (2, 70):
        view["tag"] = bdm.get("tag")
    if req.api_version >= (2, 79):
        view["delete_on_termination"] = bool(
            bdm.get("delete_on_termination"))
    if req.api_version >= (2, 89):
        view["attachment_id"] = bdm.get("attachment_id")
        view["bdm_uuid"] = bdm.uuid
    return view


def _mapping(req, instance, volume_id):
    try:
        return req.app.compute_api.volume_mapping(req.context, instance,
                                                  volume_id)
    except exception.VolumeBDMNotFound:
        raise errors.not_found(
            "Instance %s is not attached to volume %s"
            % (instance.uuid, volume_id)) from None


@validation.query_schema(schemas.index_query, "2.1", "2.74")
@validation.query_schema(schemas.index_query_v275, "2.75")
def list_volume_attachments(req, server_id):
    instance = _server(req, server_id, "index")
    bdms = req.app.compute_api.volume_mappings(req.context, instance)
    # Nova's common.limited: a limit of 0 is no limit but [api] max_limit.
    limit = links.limit_and_marker(req)[0] or req.app.conf.api.max_limit
    offset = int(req.GET.get("offset", 0))
    return wsgi.json_response(req, {"volumeAttachments": [
        attachment_view(req, instance.uuid, bdm)
        for bdm in bdms[offset:offset + limit]]})


def show_volume_attachment(req, server_id, volume_id):
    instance = _server(req, server_id, "show")
    bdm = _mapping(req, instance, volume_id)
    return wsgi.json_response(req, {
        "volumeAttachment": attachment_view(req, instance.uuid, bdm)})


@validation.schema(schemas.create, "2.1", "2.48")
@validation.schema(schemas.create_v249, "2.49", "2.78")
@validation.schema(schemas.create_v279, "2.79")
def create_volume_attachment(req, server_id):
    body = req.json_document()["volumeAttachment"]
    instance = _server(req, server_id, "create")
    volume_id = body["volumeId"]
    device = body.get("device")
    tag = body.get("tag")
    delete_on_termination = body.get("delete_on_termination", False)
    asynchronous = req.api_version >= (2, 101)
    device = req.app.compute_api.attach_volume(
        req.context, instance, volume_id, device=device, tag=tag,
        delete_on_termination=delete_on_termination,
        supports_multiattach=req.api_version >= (2, 60),
        wait=not asynchronous)
    if asynchronous:
        return wsgi.empty_response(req, 202)
    view = {"id": volume_id, "serverId": instance.uuid,
            "volumeId": volume_id, "device": device}
    if req.api_version >= (2, 70):
        view["tag"] = tag
    if req.api_version >= (2, 79):
        view["delete_on_termination"] = delete_on_termination
    return wsgi.json_response(req, {"volumeAttachment": view})


# Fields a 2.85 PUT may repeat but not change: body key -> view key.
_UNCHANGEABLE = ("id", "serverId", "device", "tag")


@validation.schema(schemas.update, "2.1", "2.84")
@validation.schema(schemas.update_v285, "2.85")
def update_volume_attachment(req, server_id, volume_id):
    body = req.json_document()["volumeAttachment"]
    new_volume_id = body["volumeId"]
    compute_api = req.app.compute_api
    if req.api_version < (2, 85) or new_volume_id != volume_id:
        # A swap: the admin's (Nova's swap policy).
        instance = _server(req, server_id, "swap")
        if req.api_version >= (2, 85):
            servers.authorize_for(req, policies.POLICY_ROOT % "update",
                                  instance)
        _swap(req, instance, volume_id, new_volume_id)
        return wsgi.empty_response(req, 202)
    instance = _server(req, server_id, "update")
    bdm = _mapping(req, instance, volume_id)
    current = attachment_view(req, instance.uuid, bdm)
    current.setdefault("id", bdm.volume_id)
    current.setdefault("device", None)
    current.setdefault("tag", bdm.get("tag"))
    for name in _UNCHANGEABLE:
        if name in body and body[name] != current.get(name):
            raise errors.bad_request(
                "The %s field of a volume attachment cannot be changed"
                % name)
    if "delete_on_termination" in body:
        compute_api.update_volume_attachment(
            req.context, instance, volume_id,
            body["delete_on_termination"])
    return wsgi.empty_response(req, 202)


def _swap(req, instance, old_volume_id, new_volume_id):
    try:
        req.app.compute_api.swap_volume(req.context, instance,
                                        old_volume_id, new_volume_id)
    except exception.VolumeBDMNotFound:
        raise errors.not_found("The volume was either invalid or not "
                               "attached to the instance.") from None


def delete_volume_attachment(req, server_id, volume_id):
    instance = _server(req, server_id, "delete")
    try:
        req.app.compute_api.detach_volume(req.context, instance, volume_id)
    except exception.VolumeBDMNotFound:
        raise errors.not_found("Instance %s is not attached to volume %s"
                               % (instance.uuid, volume_id)) from None
    return wsgi.empty_response(req, 202)
