"""/v2.0/security-group-rules: the rules of security groups, validated
as Neutron validates them. Rules cannot be updated (no PUT, as in
Neutron: 405)."""
import ipaddress

from stratus.api import errors
from stratus.api.network import resource
from stratus.api.network import security_groups
from stratus.api.network.resource import Attribute
from stratus.network import exception as net_exception
from stratus.network.store import security_groups as sg_store

ETHERTYPES = ("IPv4", "IPv6")
# The protocols that have ports, and the IPv6-only ones.
PORT_PROTOCOLS = ("tcp", "udp", "dccp", "sctp", "udplite")
IPV6_ONLY_PROTOCOLS = ("ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6",
                       "ipv6-nonxt", "ipv6-opts", "ipv6-route")
ANY_PROTOCOL = "any"


def _supported_protocols():
    return [None, ANY_PROTOCOL] + list(sg_store.PROTOCOLS)


def to_protocol(value):
    """A protocol name in lower case, a number 1-255 as a string, or None
    for any ("any" or 0, as the API reference says) (Neutron's
    convert_protocol)."""
    if isinstance(value, str) and value.lower() == ANY_PROTOCOL:
        return None
    if not isinstance(value, bool):
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            number = None
        else:
            if number == 0:
                return None
            if 0 < number <= 255:
                return str(number)
        if number is None and isinstance(value, str) and (
                value.lower() in sg_store.PROTOCOLS):
            return value.lower()
    raise net_exception.SecurityGroupRuleInvalidProtocol(
        protocol=errors.truncate(value, 255), values=_supported_protocols())


def to_port(value):
    """A port number 0-65535 (Neutron's convert_validate_port_value)."""
    if not isinstance(value, bool):
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            number = None
        if number is not None and 0 <= number <= 65535:
            return number
    raise net_exception.SecurityGroupInvalidPortValue(
        port=errors.truncate(value, 255))


def to_ethertype(value):
    if isinstance(value, str):
        for ethertype in ETHERTYPES:
            if ethertype.lower() == value.lower():
                return ethertype
    raise net_exception.SecurityGroupRuleInvalidEtherType(
        ethertype=errors.truncate(value, 255), values=list(ETHERTYPES))


def to_cidr(value):
    """An address or prefix as its network (10.0.0.5/24 -> 10.0.0.0/24,
    10.0.0.5 -> 10.0.0.5/32)."""
    if isinstance(value, str) and value:
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            pass
    if value in ("", None):
        return None
    raise net_exception.InvalidCIDR(input=errors.truncate(value, 255))


def _check_protocol_and_ethertype(rule):
    if rule["protocol"] is None or rule["ethertype"] != "IPv4":
        return
    if (rule["protocol"] in IPV6_ONLY_PROTOCOLS
            or rule["protocol"] in {str(sg_store.PROTOCOLS[name])
                                    for name in IPV6_ONLY_PROTOCOLS}):
        raise net_exception.SecurityGroupEthertypeConflictWithProtocol(
            ethertype=rule["ethertype"], protocol=rule["protocol"])


def _check_ports(rule):
    low, high = rule["port_range_min"], rule["port_range_max"]
    if low is None and high is None:
        return
    if rule["protocol"] is None:
        raise net_exception.SecurityGroupProtocolRequiredWithPorts()
    number = sg_store.protocol_number(rule["protocol"], rule["ethertype"])
    if number in {sg_store.PROTOCOLS[name] for name in PORT_PROTOCOLS}:
        if low == 0 or high == 0:
            raise net_exception.SecurityGroupInvalidPortValue(port=0)
        if low is None or high is None or low > high:
            raise net_exception.SecurityGroupInvalidPortRange()
    elif number in (sg_store.ICMP, sg_store.IPV6_ICMP):
        for value, attr, field in ((low, "port_range_min", "type"),
                                   (high, "port_range_max", "code")):
            if value is not None and not 0 <= value <= 255:
                raise net_exception.SecurityGroupInvalidIcmpValue(
                    field=field, attr=attr, value=value)
        if low is None:
            raise net_exception.SecurityGroupMissingIcmpType(value=high)
    else:
        raise net_exception.SecurityGroupInvalidProtocolForPort(
            protocol=rule["protocol"], valid_port_protocols=", ".join(
                name.upper() for name in PORT_PROTOCOLS))


def _check_remote(req, rule):
    prefix = rule["remote_ip_prefix"]
    if prefix is not None and rule["ethertype"] != "IPv%d" % (
            ipaddress.ip_network(prefix).version):
        raise net_exception.SecurityGroupRuleParameterConflict(
            ethertype=rule["ethertype"], cidr=prefix)
    if prefix is not None and rule["remote_group_id"] is not None:
        raise net_exception.SecurityGroupRemoteGroupAndRemoteIpPrefix()
    if rule["remote_group_id"] is not None:
        security_groups.SECURITY_GROUP.find(req, rule["remote_group_id"])


def _check(req, values, existing):
    """Neutron's checks of a new rule, in its order; in a bulk request all
    rules are of one group, and no two alike."""
    _check_protocol_and_ethertype(values)
    _check_ports(values)
    _check_remote(req, values)
    group = security_groups.SECURITY_GROUP.find(
        req, values["security_group_id"])
    seen = req.environ.setdefault("stratus.security_group_rules", [])
    if seen and seen[0][0] != group["id"]:
        raise net_exception.SecurityGroupNotSingleGroupRules()
    key = sg_store.rule_key(values)
    if any(key == other for _, other in seen):
        raise net_exception.DuplicateSecurityGroupRuleInPost()
    seen.append((group["id"], key))


def _target(req, item):
    """The project of the rule's group, as ``security_group:tenant_id``."""
    projects = req.environ.setdefault("stratus.security_group_projects", {})
    group_id = item.get("security_group_id")
    if group_id not in projects:
        projects.update(req.app.stores["security_groups"].project_of(
            [group_id]))
    return {"security_group:tenant_id": projects.get(group_id)}


_OPTIONAL_STRING = {"type": ["string", "null"], "maxLength": 255}
_PORT = {"type": ["integer", "null"]}

SECURITY_GROUP_RULE = resource.Resource(
    "security_group_rule", "security_group_rules", [
        Attribute("security_group_id", post=True,
                  default=resource.REQUIRED,
                  schema={"type": "string", "maxLength": 255}),
        Attribute("remote_group_id", post=True, schema=_OPTIONAL_STRING),
        Attribute("direction", post=True, default=resource.REQUIRED,
                  schema={"enum": ["ingress", "egress"]}),
        Attribute("protocol", post=True, convert=to_protocol,
                  schema=_OPTIONAL_STRING),
        Attribute("port_range_min", post=True, convert=to_port,
                  schema=_PORT),
        Attribute("port_range_max", post=True, convert=to_port,
                  schema=_PORT),
        Attribute("ethertype", post=True, default="IPv4",
                  convert=to_ethertype, schema={"enum": list(ETHERTYPES)}),
        Attribute("remote_ip_prefix", post=True, convert=to_cidr,
                  schema=_OPTIONAL_STRING),
    ], quota="security_group_rule", target=_target, check=_check)

(list_security_group_rules, create_security_group_rule,
 show_security_group_rule, _update,
 delete_security_group_rule) = SECURITY_GROUP_RULE.handlers()
