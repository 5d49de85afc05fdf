"""/os-security-groups and /os-security-group-rules (deprecated; up to
2.35, 404 above, as in Nova), GET /servers/{id}/os-security-groups and
the addSecurityGroup / removeSecurityGroup server actions (every
microversion): Nova's proxies to the security groups of
the network service, in nova-network's shape.

Nova shows a group's ingress rules only, each as ip_protocol, from_port
and to_port (1-65535 for a TCP or UDP rule without ports, -1 for
another protocol), and either ip_range {cidr} (0.0.0.0/0 when the rule
has no prefix) or group {name, tenant_id} (the remote group). Errors of
the network service are answered as Nova maps them: a 409 on create is
a 403 (over quota, the default group), a 409 on delete a 400 (in use).
"""
import contextlib
import ipaddress

from oslo_utils import uuidutils

from stratus.api.compute import links
from stratus.api.compute import networks
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import security_groups as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception
from stratus.policies import security_groups as policies

_PORT_PROTOCOLS = ("TCP", "UDP")
_PROTOCOLS = ("TCP", "UDP", "ICMP")


# Views ----------------------------------------------------------------------

def _ports(rule):
    protocol = rule.get("protocol")
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if protocol and low is None and high is None:
        if protocol.upper() in _PORT_PROTOCOLS:
            return 1, 65535
        return -1, -1
    return low, high


def rule_view(rule, groups):
    """Nova's view of a Neutron ingress rule; groups: {id: group} of the
    remote groups known (None when the remote group is gone: Nova leaves
    such a rule out)."""
    from_port, to_port = _ports(rule)
    view = {"id": rule["id"], "parent_group_id": rule["security_group_id"],
            "ip_protocol": rule.get("protocol"), "from_port": from_port,
            "to_port": to_port, "group": {}, "ip_range": {}}
    remote = rule.get("remote_group_id")
    if remote:
        group = groups.get(remote)
        if group is None:
            return None
        view["group"] = {"name": group.get("name"),
                         "tenant_id": group.get("project_id",
                                                group.get("tenant_id"))}
    else:
        view["ip_range"] = {"cidr": rule.get("remote_ip_prefix")
                            or "0.0.0.0/0"}
    return view


def group_view(group, groups):
    rules = [rule_view(rule, groups)
             for rule in group.get("security_group_rules") or ()
             if rule.get("direction") == "ingress"]
    return {"id": group["id"], "name": group.get("name"),
            "description": group.get("description"),
            "tenant_id": group.get("project_id", group.get("tenant_id")),
            "rules": [rule for rule in rules if rule is not None]}


def _remote_groups(req, listed):
    """{id: group} of the remote groups the listed groups' rules name."""
    known = {group["id"]: group for group in listed}
    wanted = {rule["remote_group_id"] for group in listed
              for rule in group.get("security_group_rules") or ()
              if rule.get("remote_group_id")} - set(known)
    for group_id in wanted:
        try:
            known[group_id] = req.app.network_api.show_security_group(
                req.context, group_id)
        except client_exception.NetworkResourceNotFound:
            pass
    return known


def _sorted_views(req, groups):
    known = _remote_groups(req, groups)
    views = [group_view(group, known) for group in groups]
    return sorted(views, key=lambda view: (view["tenant_id"] or "",
                                           view["name"] or ""))


# Helpers --------------------------------------------------------------------

def _authorize(req, rule):
    networks.authorize(req, policies.POLICY_ROOT % rule)


def _valid_id(group_id):
    if not uuidutils.is_uuid_like(group_id):
        raise errors.bad_request("Security group id should be uuid")
    return group_id


def _get_group(req, group_id):
    try:
        return req.app.network_api.show_security_group(
            req.context, _valid_id(group_id))
    except client_exception.NetworkResourceNotFound as error:
        raise errors.not_found(error.format_message()) from None


def _from_body(req, key):
    body = req.json_body_or_none()
    if not body:
        raise errors.bad_request("The request body can't be empty")
    value = body.get(key) if isinstance(body, dict) else None
    if value is None:
        raise errors.bad_request("Missing parameter %s" % key)
    if not isinstance(value, dict):
        raise errors.bad_request("Missing parameter dict")
    return value


def _property(values, name):
    """A group's name or description as Nova checks it (a string of at
    most 255 characters)."""
    value = values.get(name)
    if not isinstance(value, str):
        raise errors.bad_request("%s is not a string or unicode" % name)
    if len(value) > 255:
        raise errors.bad_request("%s has %d characters, more than 255."
                                 % (name, len(value)))
    return value


def _group_fields(req):
    values = _from_body(req, "security_group")
    return {"name": _property(values, "name"),
            "description": _property(values, "description")}


# /os-security-groups --------------------------------------------------------

@validation.query_schema(schemas.index_query, "2.1", "2.35")
def list_security_groups(req):
    _authorize(req, "get")
    filters = {}
    if not (req.context.is_admin and "all_tenants" in req.GET):
        filters["project_id"] = req.context.project_id
    groups = req.app.network_api.list_security_groups(req.context,
                                                      **filters)
    # Nova's common.limited: a limit of 0 is no limit but [api] max_limit.
    limit = links.limit_and_marker(req)[0] or req.app.conf.api.max_limit
    offset = int(req.GET.get("offset", 0))
    return wsgi.json_response(req, {"security_groups": _sorted_views(
        req, groups[offset:offset + limit])})


def show_security_group(req, security_group_id):
    _authorize(req, "show")
    group = _get_group(req, security_group_id)
    return wsgi.json_response(req, {"security_group": _sorted_views(
        req, [group])[0]})


def create_security_group(req):
    _authorize(req, "create")
    fields = _group_fields(req)
    try:
        group = req.app.network_api.create_security_group(req.context,
                                                          fields)
    except client_exception.NetworkServiceBadRequest as error:
        raise errors.bad_request(error.format_message()) from None
    except client_exception.NetworkServiceConflict as error:
        raise errors.forbidden(error.format_message()) from None
    return wsgi.json_response(req, {"security_group": _sorted_views(
        req, [group])[0]})


def update_security_group(req, security_group_id):
    _authorize(req, "update")
    group = _get_group(req, security_group_id)
    fields = _group_fields(req)
    try:
        group = req.app.network_api.update_security_group(
            req.context, group["id"], fields)
    except client_exception.NetworkResourceNotFound as error:
        raise errors.not_found(error.format_message()) from None
    except (client_exception.NetworkServiceBadRequest,
            client_exception.NetworkServiceConflict) as error:
        raise errors.bad_request(error.format_message()) from None
    return wsgi.json_response(req, {"security_group": _sorted_views(
        req, [group])[0]})


def delete_security_group(req, security_group_id):
    _authorize(req, "delete")
    group = _get_group(req, security_group_id)
    with _deletion_errors():
        req.app.network_api.delete_security_group(req.context, group["id"])
    return wsgi.empty_response(req, 202)


@contextlib.contextmanager
def _deletion_errors():
    """Nova's answers to a deletion the network service refused: 404 for
    a resource gone, 400 for one in use or refused."""
    try:
        yield
    except client_exception.NetworkResourceNotFound as error:
        raise errors.not_found(error.format_message()) from None
    except (client_exception.NetworkServiceConflict,
            client_exception.NetworkServiceBadRequest) as error:
        raise errors.bad_request(error.format_message()) from None


# /os-security-group-rules ---------------------------------------------------

def _port_number(value, protocol):
    try:
        return int(value)
    except (TypeError, ValueError):
        if protocol.upper() == "ICMP":
            reason = "Type and Code must be integers for ICMP protocol type"
        else:
            reason = "To and From ports must be integers"
        raise errors.bad_request("Invalid input received: %s"
                                 % reason) from None


def _bad_range(from_port, to_port, why):
    return errors.bad_request("Invalid port range %s:%s. %s"
                              % (from_port, to_port, why))


def _ingress_rule(protocol, from_port, to_port, group_id=None, cidr=None):
    """Nova's checks of a new ingress rule; None when a cidr rule lacks
    its protocol or ports (not enough to build one)."""
    values = {}
    if group_id:
        values["group_id"] = group_id
        upper = protocol.upper() if isinstance(protocol, str) else ""
        if from_port is None and to_port is None:
            if upper == "ICMP":
                from_port = to_port = -1
            elif upper in _PORT_PROTOCOLS:
                from_port, to_port = 1, 65535
    else:
        values["cidr"] = cidr
    if not (protocol and from_port is not None and to_port is not None):
        return None if cidr else values
    protocol = str(protocol)
    from_port = _port_number(from_port, protocol)
    to_port = _port_number(to_port, protocol)
    upper = protocol.upper()
    if upper not in _PROTOCOLS:
        raise errors.bad_request("Invalid IP protocol %s." % protocol)
    if upper in _PORT_PROTOCOLS:
        if from_port > to_port:
            raise _bad_range(from_port, to_port,
                             "Former value cannot be greater than the "
                             "later")
        if from_port < 1 or to_port > 65535:
            raise _bad_range(from_port, to_port,
                             "Valid %s ports should be between 1-65535"
                             % upper)
    if upper == "ICMP" and not (-1 <= from_port <= 255
                                and -1 <= to_port <= 255):
        raise _bad_range(from_port, to_port,
                         "For ICMP, the type:code must be valid")
    values.update(protocol=protocol, from_port=from_port, to_port=to_port)
    return values


def _cidr(value):
    """Nova's parse_cidr: a network with its prefix length (0.0.0.0/0 when
    none is given), else 400."""
    if not value:
        return "0.0.0.0/0"
    text = str(value)
    address, _, prefix = text.partition("/")
    try:
        if not prefix:
            raise ValueError(text)
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise errors.bad_request("%s is not a valid IP network."
                                 % text) from None
    if prefix == "0" and address not in ("0.0.0.0", "::"):
        raise errors.bad_request("Bad prefix for network in cidr %s" % text)
    return str(network)


def _neutron_rule(parent_id, values):
    cidr = values.get("cidr")
    rule = {"direction": "ingress", "security_group_id": parent_id,
            "protocol": values.get("protocol"),
            "ethertype": "IPv4", "remote_ip_prefix": cidr,
            "remote_group_id": values.get("group_id")}
    if cidr:
        rule["ethertype"] = "IPv%d" % ipaddress.ip_network(
            cidr, strict=False).version
    if values.get("from_port", -1) != -1:
        rule["port_range_min"] = values["from_port"]
    if values.get("to_port", -1) != -1:
        rule["port_range_max"] = values["to_port"]
    return rule


def create_security_group_rule(req):
    _authorize(req, "rule:create")
    body = _from_body(req, "security_group_rule")
    parent = _get_group(req, body.get("parent_group_id"))
    group_id = body.get("group_id")
    remote = None
    if group_id is not None:
        remote = _get_group(req, group_id)
        values = _ingress_rule(body.get("ip_protocol"), body.get("from_port"),
                               body.get("to_port"), group_id=group_id)
    else:
        values = _ingress_rule(body.get("ip_protocol"), body.get("from_port"),
                               body.get("to_port"),
                               cidr=_cidr(body.get("cidr")))
    if values is None:
        raise errors.bad_request("Not enough parameters to build a valid "
                                 "rule.")
    try:
        rule = req.app.network_api.create_security_group_rule(
            req.context, _neutron_rule(parent["id"], values))
    except client_exception.NetworkResourceNotFound as error:
        raise errors.not_found(error.format_message()) from None
    except client_exception.NetworkServiceBadRequest as error:
        raise errors.bad_request(error.format_message()) from None
    except client_exception.NetworkServiceConflict as error:
        raise errors.forbidden(error.format_message()) from None
    known = {remote["id"]: remote} if remote else {}
    return wsgi.json_response(req, {"security_group_rule": rule_view(
        rule, known)})


def delete_security_group_rule(req, rule_id):
    _authorize(req, "rule:delete")
    _valid_id(rule_id)
    with _deletion_errors():
        rule = req.app.network_api.show_security_group_rule(req.context,
                                                            rule_id)
        req.app.network_api.delete_security_group_rule(req.context,
                                                       rule["id"])
    return wsgi.empty_response(req, 202)


# A server's groups ----------------------------------------------------------

def _server_ports(req, instance):
    ports = req.app.network_api.list_ports(req.context,
                                           device_id=instance.uuid)
    if not ports:
        raise errors.not_found("instance_id %s could not be found as device "
                               "id on any ports" % instance.uuid)
    return ports


@validation.query_schema(schemas.server_query)
def list_server_security_groups(req, server_id):
    # Not one of the deprecated proxies: Nova serves it at every
    # microversion (api-ref "Servers Security Groups").
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % "list", instance)
    group_ids = sorted({group_id for port in req.app.network_api.list_ports(
        req.context, device_id=instance.uuid)
        for group_id in port.get("security_groups") or ()})
    groups = req.app.network_api.list_security_groups(
        req.context, id=group_ids) if group_ids else []
    return wsgi.json_response(req, {"security_groups": _sorted_views(
        req, groups)})


def _group_name(body, action):
    value = body[action]
    if not isinstance(value, dict):
        raise errors.bad_request("Missing parameter dict")
    if "name" not in value:
        raise errors.bad_request("Security group not specified")
    name = value["name"]
    if not name or not isinstance(name, str) or not name.strip():
        raise errors.bad_request("Security group name cannot be empty")
    return name


def _find_group(req, name):
    """The id of the caller's group named (by name or id), as Neutron's
    client finds it: 404, or 409 when the name is not unique."""
    api = req.app.network_api
    if uuidutils.is_uuid_like(name):
        try:
            return api.show_security_group(req.context, name)["id"]
        except client_exception.NetworkResourceNotFound:
            pass
    found = api.list_security_groups(req.context, name=name,
                                     project_id=req.context.project_id)
    if len(found) > 1:
        raise errors.conflict("Multiple security_group matches found for "
                              "name '%s', use an ID to be more specific."
                              % name)
    if not found:
        raise errors.not_found("Security group %s is not found for project "
                               "%s" % (name, req.context.project_id))
    return found[0]["id"]


def _update_groups(req, port, groups):
    try:
        req.app.network_api.update_port(req.context, port["id"],
                                        {"security_groups": groups})
    except client_exception.NetworkServiceBadRequest as error:
        raise errors.bad_request(error.format_message()) from None


_CANNOT_APPLY = ("Network requires port_security_enabled and subnet "
                 "associated in order to apply security groups.")


@validation.schema(schemas.add_security_group)
def add_security_group(req, server_id, body):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % "add", instance)
    name = _group_name(body, "addSecurityGroup")
    group_id = _find_group(req, name)
    for port in _server_ports(req, instance):
        if not port.get("port_security_enabled", True) or \
                not port.get("fixed_ips"):
            raise errors.bad_request(_CANNOT_APPLY)
        groups = list(port.get("security_groups") or ())
        if group_id not in groups:
            _update_groups(req, port, groups + [group_id])
    return wsgi.empty_response(req, 202)


@validation.schema(schemas.remove_security_group)
def remove_security_group(req, server_id, body):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % "remove", instance)
    name = _group_name(body, "removeSecurityGroup")
    group_id = _find_group(req, name)
    found = False
    for port in _server_ports(req, instance):
        groups = list(port.get("security_groups") or ())
        if group_id in groups:
            groups.remove(group_id)
            _update_groups(req, port, groups)
            found = True
    if not found:
        raise errors.not_found("Security group %s not associated with the "
                               "instance %s" % (name, instance.uuid))
    return wsgi.empty_response(req, 202)


ACTIONS = {"addSecurityGroup": add_security_group,
           "removeSecurityGroup": remove_security_group}
