"""/servers/{id}/os-interface: a server's ports (Nova's
interfaceAttachments) from its network info; attach (a new port on the
host's network) and detach hot-plug them through the server's compute
(409 when its driver cannot)."""
import json
import uuid

from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import interfaces as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import fields
from stratus.policies import interfaces as policies

# Nova attaches and detaches in these states only.
CHANGEABLE_STATES = frozenset([fields.VMState.ACTIVE, fields.VMState.PAUSED,
                               fields.VMState.STOPPED])


def _server(req, server_id, rule):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def _vifs(instance):
    cache = instance.get("info_cache")
    return json.loads(cache) if cache else []


def _subnet_id(network, subnet):
    # The built-in provider's subnets have no ids of their own: a stable
    # one from the network and the prefix.
    return subnet.get("id") or str(uuid.uuid5(
        uuid.UUID(network["id"]), subnet.get("cidr") or ""))


def interface_view(vif):
    network = vif.get("network") or {}
    return {
        "port_id": vif["id"],
        "net_id": network.get("id"),
        "mac_addr": vif.get("address"),
        "port_state": "ACTIVE" if vif.get("active", True) else "DOWN",
        "fixed_ips": [
            {"subnet_id": _subnet_id(network, subnet),
             "ip_address": ip["address"]}
            for subnet in network.get("subnets") or []
            for ip in subnet.get("ips") or []],
    }


def _with_tag(req, view, vif):
    if req.api_version >= (2, 70):
        view["tag"] = vif.get("tag")
    return view


def list_interfaces(req, server_id):
    instance = _server(req, server_id, "list")
    return wsgi.json_response(req, {"interfaceAttachments": [
        _with_tag(req, interface_view(vif), vif)
        for vif in _vifs(instance)]})


def _attached(instance, port_id):
    for vif in _vifs(instance):
        if vif["id"] == port_id:
            return vif
    raise errors.not_found("Instance %s is not attached to port %s."
                           % (instance.uuid, port_id))


def show_interface(req, server_id, port_id):
    instance = _server(req, server_id, "show")
    vif = _attached(instance, port_id)
    return wsgi.json_response(req, {
        "interfaceAttachment": _with_tag(req, interface_view(vif), vif)})


def _check_changeable(req, instance, action):
    if instance.locked and not req.context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
    if instance.vm_state not in CHANGEABLE_STATES or \
            instance.task_state is not None:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance.uuid, attr="vm_state",
            state=instance.vm_state)


@validation.schema(schemas.create, "2.1", "2.48")
@validation.schema(schemas.create_v249, "2.49")
def create_interface(req, server_id):
    attachment = (req.json_document() or {}).get("interfaceAttachment") or {}
    instance = _server(req, server_id, "create")
    if attachment.get("fixed_ips") and not attachment.get("net_id"):
        raise errors.bad_request("Must input network_id when request IP "
                                 "address")
    if attachment.get("net_id") and attachment.get("port_id"):
        raise errors.bad_request("Must not input both network_id and "
                                 "port_id")
    _check_changeable(req, instance, "attach_interface")
    if attachment.get("port_id"):
        # The built-in provider has no ports but those of servers.
        raise exception.AttachPortNotFound(port_id=attachment["port_id"])
    if attachment.get("fixed_ips"):
        raise errors.bad_request("Requesting a fixed IP address is not "
                                 "supported by the built-in network "
                                 "provider")
    vif = req.app.compute_api.compute_rpcapi.attach_interface(
        req.context, instance, network_id=attachment.get("net_id"))
    return wsgi.json_response(req, {
        "interfaceAttachment": _with_tag(req, interface_view(vif), vif)})


def delete_interface(req, server_id, port_id):
    instance = _server(req, server_id, "delete")
    _check_changeable(req, instance, "detach_interface")
    _attached(instance, port_id)
    req.app.compute_api.compute_rpcapi.detach_interface(
        req.context, instance, port_id)
    return wsgi.empty_response(req, 202)
