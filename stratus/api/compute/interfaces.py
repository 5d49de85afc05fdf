"""/servers/{id}/os-interface: a server's ports (Nova's
interfaceAttachments) from its network info; attach (a new port on the
host's network, or with the network service: a new port on net_id, with
the fixed IP asked for, or the caller's free port port_id) and detach
hot-plug them through the server's compute (409 when its driver
cannot), each recorded as the server's instance action
(attach_interface, detach_interface) as Nova records them."""
import json
import uuid

from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import interfaces as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception
from stratus import exception
from stratus.objects import fields
from stratus.objects import instance_action
from stratus.policies import interfaces as policies

# Nova attaches and detaches in these states only.
CHANGEABLE_STATES = frozenset([fields.VMState.ACTIVE, fields.VMState.PAUSED,
                               fields.VMState.STOPPED])


def _server(req, server_id, rule):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def vifs(instance):
    """The server's cached network info (its VIFs)."""
    cache = instance.get("info_cache")
    return json.loads(cache) if cache else []


def fixed_addresses(instance):
    """(port id, address) of every fixed address of the server's cached
    network info, in order."""
    return [(vif["id"], ip["address"])
            for vif in vifs(instance)
            for subnet in (vif.get("network") or {}).get("subnets") or ()
            for ip in subnet.get("ips") or ()]


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


def port_view(port):
    """Nova's view of a port of the network service (Nova reads the
    server's ports from Neutron)."""
    return {"port_id": port["id"], "net_id": port.get("network_id"),
            "mac_addr": port.get("mac_address"),
            "port_state": port.get("status"),
            "fixed_ips": [{"subnet_id": ip.get("subnet_id"),
                           "ip_address": ip.get("ip_address")}
                          for ip in port.get("fixed_ips") or ()]}


def _with_tag(req, view, vif):
    if req.api_version >= (2, 70):
        view["tag"] = (vif or {}).get("tag")
    return view


def _tagged_port_view(req, instance, port):
    vif = next((vif for vif in vifs(instance) if vif["id"] == port["id"]),
               None)
    return _with_tag(req, port_view(port), vif)


def _server_port(req, network_api, instance, port_id):
    """The server's port in the network service; Nova's 404s."""
    try:
        port = network_api.show_port(req.context, port_id)
    except client_exception.NetworkResourceNotFound:
        raise exception.PortNotFoundForServer(port_id=port_id) from None
    if port.get("device_id") != instance.uuid:
        raise errors.not_found("Instance %s does not have a port with id %s"
                               % (instance.uuid, port_id))
    return port


def list_interfaces(req, server_id):
    instance = _server(req, server_id, "list")
    network_api = req.app.compute_api.network_api
    if network_api is not None:
        ports = network_api.list_ports(req.context, device_id=instance.uuid)
        return wsgi.json_response(req, {"interfaceAttachments": [
            _tagged_port_view(req, instance, port) for port in ports]})
    return wsgi.json_response(req, {"interfaceAttachments": [
        _with_tag(req, interface_view(vif), vif)
        for vif in vifs(instance)]})


def _attached(instance, port_id):
    for vif in vifs(instance):
        if vif["id"] == port_id:
            return vif
    raise errors.not_found("Instance %s is not attached to port %s."
                           % (instance.uuid, port_id))


def show_interface(req, server_id, port_id):
    instance = _server(req, server_id, "show")
    network_api = req.app.compute_api.network_api
    if network_api is not None:
        port = _server_port(req, network_api, instance, port_id)
        return wsgi.json_response(req, {
            "interfaceAttachment": _tagged_port_view(req, instance, port)})
    vif = _attached(instance, port_id)
    return wsgi.json_response(req, {
        "interfaceAttachment": _with_tag(req, interface_view(vif), vif)})


def check_changeable(req, instance, action):
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
    check_changeable(req, instance, "attach_interface")
    port_id = attachment.get("port_id")
    fixed_ip = None
    if attachment.get("fixed_ips"):
        fixed_ip = attachment["fixed_ips"][0]["ip_address"]
    network_api = req.app.compute_api.network_api
    if network_api is None:
        # The built-in provider has no ports but those of servers.
        if port_id:
            raise exception.AttachPortNotFound(port_id=port_id)
        if fixed_ip:
            raise errors.bad_request("Requesting a fixed IP address is not "
                                     "supported by the built-in network "
                                     "provider")
    elif port_id:
        _check_port(req, network_api, port_id)
    _record(req, instance, instance_action.ATTACH_INTERFACE)
    vif = req.app.compute_api.compute_rpcapi.attach_interface(
        req.context, instance, network_id=attachment.get("net_id"),
        port_id=port_id or None, fixed_ip=fixed_ip)
    if network_api is not None:
        # As Nova: the attached port as the network service shows it.
        view = port_view(network_api.show_port(req.context, vif["id"]))
    else:
        view = interface_view(vif)
    return wsgi.json_response(req, {
        "interfaceAttachment": _with_tag(req, view, vif)})


def _record(req, instance, action):
    """The request's instance action on the server, in its cell."""
    with req.context.target_cell(instance.cell_uuid) as cctx:
        instance_action.InstanceAction.action_start(cctx, instance.uuid,
                                                    action)


def _check_port(req, network_api, port_id):
    """The port is the caller's (404 otherwise) and free (409)."""
    try:
        port = network_api.show_port(req.context, port_id)
    except client_exception.NetworkResourceNotFound:
        raise exception.AttachPortNotFound(port_id=port_id) from None
    if port.get("device_id"):
        raise exception.PortInUse(port_id=port_id)


def delete_interface(req, server_id, port_id):
    instance = _server(req, server_id, "delete")
    check_changeable(req, instance, "detach_interface")
    _attached(instance, port_id)
    _record(req, instance, instance_action.DETACH_INTERFACE)
    req.app.compute_api.compute_rpcapi.detach_interface(
        req.context, instance, port_id)
    return wsgi.empty_response(req, 202)
