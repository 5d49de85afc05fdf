"""/os-floating-ips (deprecated; up to 2.35, 404 above, as in Nova) and
the addFloatingIp / removeFloatingIp server actions (up to 2.43): Nova's
proxies to the floating IPs of the network service.

A floating IP shows as Nova shows it: id, ip, fixed_ip, instance_id (the
device of its port) and pool (its network's name, or id). A create
takes an address from the pool named (a network's name or id), else
from [neutron] default_floating_pool. Where Nova refreshes the server's
network info after an association changes, the server's compute is sent
a network-changed event for the port (it reads the ports again).
"""
import logging
import ipaddress

from oslo_utils import uuidutils

from stratus.api.compute import images
from stratus.api.compute import interfaces
from stratus.api.compute import networks
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import floating_ips as schemas
from stratus.api.schemas import security_groups as sg_schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception
from stratus import exception
from stratus.policies import floating_ips as policies

LOG = logging.getLogger(__name__)

# The actions are served to 2.43 (Nova's removal of the multinic and
# floating IP actions at 2.44).
MAX_ACTION_VERSION = (2, 43)


def floating_ip_view(floating_ip, network_names):
    details = floating_ip.get("port_details") or {}
    network_id = floating_ip["floating_network_id"]
    return {"id": floating_ip["id"],
            "ip": floating_ip["floating_ip_address"],
            "fixed_ip": floating_ip.get("fixed_ip_address"),
            "instance_id": (details.get("device_id") or None
                            if floating_ip.get("port_id") else None),
            "pool": network_names.get(network_id) or network_id}


def _network_names(req, found):
    ids = sorted({floating_ip["floating_network_id"] for floating_ip in found})
    if not ids:
        return {}
    return {network["id"]: network.get("name") for network in
            req.app.network_api.list_networks(req.context, id=ids)}


def _views(req, found):
    names = _network_names(req, found)
    return [floating_ip_view(floating_ip, names) for floating_ip in found]


def _authorize(req, rule):
    networks.authorize(req, policies.BASE_POLICY_NAME % rule)


def _not_found(floating_ip_id):
    return errors.not_found("Floating IP not found for ID %s"
                            % floating_ip_id)


def _get(req, floating_ip_id):
    try:
        return req.app.network_api.show_floating_ip(req.context,
                                                    floating_ip_id)
    except client_exception.NetworkResourceNotFound:
        raise _not_found(floating_ip_id) from None


@validation.query_schema(sg_schemas.server_query, "2.1", "2.35")
def list_floating_ips(req):
    _authorize(req, "list")
    found = req.app.network_api.list_floating_ips(
        req.context, project_id=req.context.project_id)
    return wsgi.json_response(req, {"floating_ips": _views(req, found)})


def show_floating_ip(req, floating_ip_id):
    _authorize(req, "show")
    return wsgi.json_response(req, {"floating_ip": _views(
        req, [_get(req, floating_ip_id)])[0]})


def _pool_id(req, pool):
    """The external network a pool names (by id or name); Nova's 404."""
    key = "id" if uuidutils.is_uuid_like(pool) else "name"
    found = req.app.network_api.list_networks(
        req.context, **{key: pool, "router:external": True})
    if not found:
        raise errors.not_found("Floating IP pool not found.")
    if len(found) > 1:
        raise errors.conflict("Multiple floating IP pools matches found "
                              "for name '%s'" % pool)
    return found[0]["id"]


def create_floating_ip(req):
    _authorize(req, "create")
    body = req.json_body_or_none()
    pool = body.get("pool") if isinstance(body, dict) else None
    if pool is not None and not isinstance(pool, str):
        raise errors.bad_request("Invalid input for field/attribute pool. "
                                 "Value: %s. It is not a string" % (pool,))
    named = pool
    pool = pool or req.app.conf.neutron.default_floating_pool
    network_id = _pool_id(req, pool)
    try:
        floating_ip = req.app.network_api.create_floating_ip(
            req.context, {"floating_network_id": network_id})
    except exception.NoMoreFixedIps:
        raise errors.not_found(("No more floating IPs in pool %s." % named)
                               if named else
                               "No more floating IPs available.") from None
    except client_exception.NetworkServiceBadRequest as error:
        if getattr(error, "neutron_type", None) == \
                "ExternalIpAddressExhausted":
            raise errors.not_found(
                ("No more floating IPs in pool %s." % named) if named
                else "No more floating IPs available.") from None
        raise errors.bad_request(error.format_message()) from None
    except client_exception.NetworkServiceConflict:
        raise errors.forbidden(("IP allocation over quota in pool %s."
                                % named) if named
                               else "IP allocation over quota.") from None
    return wsgi.json_response(req, {"floating_ip": _views(
        req, [floating_ip])[0]})


def delete_floating_ip(req, floating_ip_id):
    _authorize(req, "delete")
    floating_ip = _get(req, floating_ip_id)
    try:
        req.app.network_api.delete_floating_ip(req.context,
                                               floating_ip["id"])
    except client_exception.NetworkResourceNotFound:
        raise _not_found(floating_ip_id) from None
    device_id = (floating_ip.get("port_details") or {}).get("device_id")
    if floating_ip.get("port_id") and device_id:
        _refresh(req, device_id, floating_ip["port_id"])
    return wsgi.empty_response(req, 202)


# The server actions ---------------------------------------------------------

def _refresh(req, server_id, port_id):
    """The server's network info read again on its host (best effort: a
    server without a host has none to refresh)."""
    try:
        req.app.compute_api.external_instance_event(
            req.context, [{"server_uuid": server_id, "tag": port_id,
                           "name": "network-changed"}])
    except exception.StratusException:
        LOG.info("Could not refresh the network info of server %s",
                 server_id, exc_info=True)


def _by_address(req, address):
    found = req.app.network_api.list_floating_ips(
        req.context, floating_ip_address=address)
    if not found:
        raise errors.not_found("floating IP not found")
    if len(found) > 1:
        raise errors.conflict("Multiple floating IPs are found for address "
                              "%s." % address)
    return found[0]


def _check_action_version(req):
    images.require_version(req, MAX_ACTION_VERSION)


@validation.schema(schemas.add_floating_ip, "2.1", "2.43")
def add_floating_ip(req, server_id, body):
    _check_action_version(req)
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.BASE_POLICY_NAME % "add", instance)
    address = body["addFloatingIp"]["address"]
    if not interfaces.vifs(instance):
        raise errors.bad_request("Instance network is not ready yet")
    fixed = interfaces.fixed_addresses(instance)
    if not fixed:
        raise errors.bad_request("No fixed IPs associated to instance")
    wanted = body["addFloatingIp"].get("fixed_address")
    if wanted:
        chosen = [item for item in fixed if item[1] == wanted]
        if not chosen:
            raise errors.bad_request("Specified fixed address not assigned "
                                     "to instance")
    else:
        chosen = [item for item in fixed
                  if ipaddress.ip_address(item[1]).version == 4]
        if not chosen:
            raise errors.bad_request(
                "Unable to associate floating IP %s to any fixed IPs for "
                "instance %s. Instance has no fixed IPv4 addresses to "
                "associate." % (address, server_id))
    port_id, fixed_address = chosen[0]
    floating_ip = _by_address(req, address)
    try:
        req.app.network_api.update_floating_ip(
            req.context, floating_ip["id"],
            {"port_id": port_id, "fixed_ip_address": fixed_address})
    except client_exception.NetworkResourceNotFound:
        raise errors.not_found("floating IP not found") from None
    except client_exception.NetworkServiceForbidden as error:
        raise errors.forbidden(error.format_message()) from None
    except exception.StratusException as error:
        raise errors.bad_request(
            "Unable to associate floating IP %s to fixed IP %s for instance "
            "%s. Error: %s" % (address, fixed_address, server_id,
                               error.format_message())) from None
    _refresh(req, instance.uuid, port_id)
    previous = (floating_ip.get("port_details") or {}).get("device_id")
    if floating_ip.get("port_id") and previous and previous != instance.uuid:
        _refresh(req, previous, floating_ip["port_id"])
    return wsgi.empty_response(req, 202)


@validation.schema(schemas.remove_floating_ip, "2.1", "2.43")
def remove_floating_ip(req, server_id, body):
    _check_action_version(req)
    address = body["removeFloatingIp"]["address"]
    floating_ip = _by_address(req, address)
    instance = None
    device_id = (floating_ip.get("port_details") or {}).get("device_id")
    if floating_ip.get("port_id") and device_id:
        instance = servers.get_server(req, device_id)
    # Nova checks the rule on the server's project (an address of no
    # server: on the caller's own).
    req.authorize(policies.BASE_POLICY_NAME % "remove", {
        "project_id": (instance or req.context).project_id})
    if instance is None or instance.uuid != server_id:
        raise errors.conflict("Floating IP %s is not associated with "
                              "instance %s." % (address, server_id))
    req.app.network_api.update_floating_ip(req.context, floating_ip["id"],
                                           {"port_id": None})
    _refresh(req, instance.uuid, floating_ip["port_id"])
    return wsgi.empty_response(req, 202)


ACTIONS = {"addFloatingIp": add_floating_ip,
           "removeFloatingIp": remove_floating_ip}
