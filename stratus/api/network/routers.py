"""/v2.0/routers: routers with the ext-gw-mode (``enable_snat``) and
extraroute (``routes``) attributes, and PUT
``/v2.0/routers/{router_id}/add_router_interface`` and
``remove_router_interface`` (``{"subnet_id"}`` or ``{"port_id"}``).

Neutron's policy guards the members of ``external_gateway_info`` one by
one (``create_router:external_gateway_info:enable_snat`` ...): a member
may name the external network, only an administrator the SNAT switch
and the gateway's addresses.
"""
import ipaddress
import re

from stratus.api import errors
from stratus.api import wsgi
from stratus.api.network import resource
from stratus.api.network.resource import Attribute
from stratus.network import exception as net_exception

GATEWAY = "external_gateway_info"
_UUID = re.compile(resource.UUID["pattern"])


def is_uuid(value):
    return isinstance(value, str) and bool(_UUID.match(value))


def ip_address(value, name):
    try:
        if not isinstance(value, str):
            raise TypeError(value)
        return str(ipaddress.ip_address(value))
    except (TypeError, ValueError):
        raise net_exception.InvalidInput(error_message=(
            "Invalid input for %s. Reason: '%s' is not a valid IP address."
            % (name, errors.truncate(value, 255)))) from None


def _cidr(value, name):
    try:
        if not isinstance(value, str):
            raise TypeError(value)
        network = ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        network = None
    if network is None or str(network) != value:
        raise net_exception.InvalidInput(error_message=(
            "Invalid input for %s. Reason: '%s' is not a valid IP subnet."
            % (name, errors.truncate(value, 255))))
    return value


def fixed_ips(value, name):
    """Neutron's fixed_ips: [{"subnet_id"?, "ip_address"?}], addresses
    normalised."""
    if not isinstance(value, list):
        raise net_exception.InvalidInput(error_message=(
            "Invalid input for %s. Reason: must be a list." % name))
    entries = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"subnet_id",
                                                        "ip_address"}:
            raise net_exception.InvalidInput(error_message=(
                "Invalid input for %s. Reason: '%s' is not a valid fixed "
                "IP." % (name, errors.truncate(entry, 255))))
        entry = dict(entry)
        if "ip_address" in entry:
            entry["ip_address"] = ip_address(entry["ip_address"], name)
        entries.append(entry)
    return entries


def to_gateway(value):
    """external_gateway_info: null or {} (no gateway), else an object with
    network_id, enable_snat (a boolean) and external_fixed_ips."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise net_exception.InvalidInput(error_message=(
            "Invalid input for %s. Reason: '%s' is not a dictionary."
            % (GATEWAY, errors.truncate(value, 255))))
    value = dict(value)
    if "enable_snat" in value:
        value["enable_snat"] = resource.to_boolean(value["enable_snat"])
    if "external_fixed_ips" in value:
        value["external_fixed_ips"] = fixed_ips(value["external_fixed_ips"],
                                                GATEWAY)
    return value


def to_routes(value):
    """extraroute's routes: [{"destination": cidr, "nexthop": ip}], no
    route twice; null is none."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise net_exception.InvalidInput(error_message=(
            "Invalid input for routes. Reason: '%s' is not a list."
            % errors.truncate(value, 255)))
    routes = []
    for route in value:
        if not isinstance(route, dict) or set(route) != {"destination",
                                                         "nexthop"}:
            raise net_exception.InvalidInput(error_message=(
                "Invalid input for routes. Reason: Validation of "
                "dictionary's keys failed. Expected keys: {'destination', "
                "'nexthop'}"))
        route = {"destination": _cidr(route["destination"], "routes"),
                 "nexthop": ip_address(route["nexthop"], "routes")}
        if route in routes:
            raise net_exception.InvalidInput(error_message=(
                "Invalid input for routes. Reason: Duplicate hostroute "
                "'%s'." % route))
        routes.append(route)
    return routes


GATEWAY_SCHEMA = {
    "type": ["object", "null"],
    "properties": {
        "network_id": resource.UUID,
        "enable_snat": resource.BOOLEAN,
        "external_fixed_ips": {"type": "array", "maxItems": 16, "items": {
            "type": "object",
            "properties": {"subnet_id": resource.UUID,
                           "ip_address": {"type": "string"}}}},
    },
    "required": ["network_id"],
    "additionalProperties": False,
}


def _check(req, values, existing):
    """At most [neutron] max_routes routes."""
    routes = values.get("routes")
    limit = req.app.conf.neutron.max_routes
    if routes is not None and len(routes) > limit:
        raise net_exception.RoutesExhausted(
            router_id=existing["id"] if existing else "", quota=limit)


class RouterResource(resource.Resource):
    def authorize(self, req, verb, target, given=()):
        """And the rule of each member of external_gateway_info given."""
        super().authorize(req, verb, target, given)
        gateway = given.get(GATEWAY) if isinstance(given, dict) else None
        for field in sorted(gateway or {}):
            rule = "%s_router:%s:%s" % (verb, GATEWAY, field)
            if (rule in req.app.policy.enforcer.rules
                    and not req.can(rule, target)):
                raise net_exception.PolicyNotAuthorized(action=rule)


ROUTER = RouterResource("router", "routers", [
    Attribute("name", post=True, put=True, default="",
              schema=resource.NAME),
    Attribute("admin_state_up", post=True, put=True, default=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("status"),
    Attribute(GATEWAY, post=True, put=True, default=None, policy=True,
              convert=to_gateway, schema=GATEWAY_SCHEMA, filter=False,
              sort=False),
    Attribute("routes", put=True, convert=to_routes, filter=False,
              sort=False, schema={"type": ["array", "null"]}),
], quota="router", check=_check)

(list_routers, create_router, show_router, update_router,
 delete_router) = ROUTER.handlers()


def _interface_request(req, router_id, action, removing):
    """(store, subnet_id, port_id) of an interface request the caller may
    make on a router they see."""
    body = req.json_document()
    if not isinstance(body, dict):
        raise net_exception.BadRequest(resource="router", msg=(
            "Either subnet_id or port_id must be specified"))
    subnet_id, port_id = body.get("subnet_id"), body.get("port_id")
    if subnet_id is None and port_id is None:
        raise net_exception.BadRequest(resource="router", msg=(
            "Either subnet_id or port_id must be specified"))
    for value in (subnet_id, port_id):
        if value is not None and not is_uuid(value):
            raise net_exception.BadRequest(resource="router", msg=(
                "'%s' is not a valid UUID" % errors.truncate(value, 255)))
    if subnet_id is not None and port_id is not None and not removing:
        raise net_exception.BadRequest(resource="router", msg=(
            "Cannot specify both subnet-id and port-id"))
    router = ROUTER.find(req, router_id)
    if not req.can(action, ROUTER.target(req, router)):
        raise net_exception.PolicyNotAuthorized(action=action)
    return ROUTER.store(req), subnet_id, port_id


def add_router_interface(req, router_id):
    store, subnet_id, port_id = _interface_request(
        req, router_id, "add_router_interface", removing=False)
    return wsgi.json_response(req, store.add_interface(
        req.context, router_id, subnet_id=None if port_id else subnet_id,
        port_id=port_id))


def remove_router_interface(req, router_id):
    store, subnet_id, port_id = _interface_request(
        req, router_id, "remove_router_interface", removing=True)
    return wsgi.json_response(req, store.remove_interface(
        req.context, router_id, subnet_id=subnet_id, port_id=port_id))
