"""/v2.0/ports: a network's attachments, with their fixed IPs (IPAM),
MAC, security groups, port security, allowed address pairs and the
binding extension's ``binding:*`` attributes (stratus/network/store/
ports.py and bindings.py). A member sees its own ports and the ports on
its networks; only an administrator (or the service role, that Nova
uses) reads or sets where a port is bound."""
import ipaddress

from stratus.api.network import resource
from stratus.api.network import subnets
from stratus.api.network.resource import Attribute
from stratus.network import dataplane
from stratus.network import exception as net_exception
from stratus.network.store import bindings

_MAC = {"type": "string",
        "pattern": "^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$"}
_FIXED_IPS = {"type": "array", "maxItems": 1024, "items": {
    "type": "object", "additionalProperties": False,
    "properties": {"subnet_id": resource.UUID,
                   "ip_address": {"type": "string", "maxLength": 64}}}}
_PAIRS = {"type": "array", "maxItems": 1024, "items": {
    "type": "object", "required": ["ip_address"],
    "additionalProperties": False,
    "properties": {"ip_address": {"type": "string", "maxLength": 64},
                   "mac_address": _MAC}}}
_TEXT = {"type": "string", "maxLength": 255}


def _invalid(message):
    return net_exception.InvalidInput(error_message=message)


def _check_fixed_ips(req, entries, target, verb):
    """Each entry names a subnet or a valid address; Neutron's
    ``<verb>_port:fixed_ips:ip_address|subnet_id`` rules guard them."""
    for entry in entries:
        if "ip_address" in entry:
            try:
                entry["ip_address"] = str(ipaddress.ip_address(
                    entry["ip_address"]))
            except ValueError:
                raise _invalid("'%s' is not a valid IP address"
                               % entry["ip_address"]) from None
        elif "subnet_id" not in entry:
            raise _invalid("Exceeded maximum amount of fixed ips per port.")
        for key in ("ip_address", "subnet_id"):
            rule = "%s_port:fixed_ips:%s" % (verb, key)
            if key in entry and not req.can(rule, target):
                raise net_exception.PolicyNotAuthorized(action=rule)


def _check_pairs(pairs):
    for pair in pairs:
        try:
            ipaddress.ip_network(pair["ip_address"], strict=False)
        except ValueError:
            raise _invalid("'%s' is not a valid IP address"
                           % pair["ip_address"]) from None


def _check(req, values, existing):
    """Addresses, pairs and, when the binding changes, what the built-in
    dataplane binds it to."""
    merged = dict(existing or {}, **values)
    target = PORT.target(req, merged)
    verb = "update" if existing else "create"
    if values.get("fixed_ips") is not None:
        _check_fixed_ips(req, values["fixed_ips"], target, verb)
    _check_pairs(values.get("allowed_address_pairs") or [])
    if existing is None or any(field in values for field in (
            "binding:host_id", "binding:vnic_type")):
        vif_type, vif_details = bindings.bind(
            merged.get("binding:host_id") or "",
            merged.get("binding:vnic_type") or "normal",
            dataplane.port_bridge(req.app.conf, merged.get("network_id")))
        values["binding:vif_type"] = vif_type
        values["binding:vif_details"] = vif_details


PORT = resource.Resource("port", "ports", [
    Attribute("name", post=True, put=True, default="", schema=resource.NAME),
    Attribute("network_id", post=True, default=resource.REQUIRED,
              schema=resource.UUID),
    Attribute("admin_state_up", post=True, put=True, default=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("mac_address", post=True, policy=True, schema=_MAC),
    Attribute("fixed_ips", post=True, put=True, schema=_FIXED_IPS,
              sort=False),
    Attribute("device_id", post=True, put=True, default="", schema=_TEXT),
    Attribute("device_owner", post=True, put=True, default="",
              policy=True, schema=_TEXT),
    Attribute("status"),
    Attribute("security_groups", post=True, put=True, sort=False,
              schema={"type": "array", "maxItems": 1024,
                      "items": resource.UUID}),
    Attribute("port_security_enabled", post=True, put=True, policy=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("allowed_address_pairs", post=True, put=True, default=[],
              policy=True, schema=_PAIRS, filter=False, sort=False),
    # Nova unbinds a port with binding:host_id null.
    Attribute("binding:host_id", post=True, put=True, default="",
              policy=True, schema=_TEXT, null=""),
    Attribute("binding:profile", post=True, put=True, default={},
              policy=True, schema={"type": "object"}, filter=False,
              sort=False),
    Attribute("binding:vnic_type", post=True, put=True, default="normal",
              policy=True, schema={"enum": list(bindings.VNIC_TYPES)}),
    Attribute("binding:vif_type", policy=True),
    Attribute("binding:vif_details", policy=True, filter=False, sort=False),
], quota="port", target=subnets.network_target, check=_check)

(list_ports, create_port, show_port, update_port,
 delete_port) = PORT.handlers()
