"""Neutron's default rules for ports and their bindings (binding and
binding-extended): a member makes ports on networks it sees; the network's
owner picks addresses, MACs and port security; where a port is bound is
for administrators and the service role (Nova) only."""
from oslo_policy import policy

from stratus.policies.network_service import base

_COLLECTION = "/ports"
_RESOURCE = "/ports/{id}"
_BINDINGS = "/ports/{port_id}/bindings"
_BINDING = "/ports/{port_id}/bindings/{host}"
SERVICE = "role:service"
ADMIN_OR_SERVICE = "(%s) or (%s)" % (base.ADMIN, SERVICE)
ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE = "(%s) or (%s) or (%s)" % (
    base.ADMIN, base.NETWORK_OWNER_MEMBER, SERVICE)
_NOT_NETWORK_DEVICE = "not rule:network_device"

# (attribute, create rule, update rule); get rules below.
_ATTRIBUTES = [
    ("device_owner",
     "(%s) or (%s)" % (_NOT_NETWORK_DEVICE,
                       ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE),
     "(%s) or (%s)" % (_NOT_NETWORK_DEVICE,
                       ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE)),
    ("mac_address", ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE, ADMIN_OR_SERVICE),
    ("fixed_ips:ip_address", ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE,
     ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE),
    ("fixed_ips:subnet_id",
     "(%s) or rule:shared" % ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE,
     "(%s) or rule:shared" % ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE),
    ("port_security_enabled", ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE,
     ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE),
    ("binding:host_id", ADMIN_OR_SERVICE, ADMIN_OR_SERVICE),
    ("binding:profile", ADMIN_OR_SERVICE, ADMIN_OR_SERVICE),
    ("binding:vnic_type", "(%s) or (%s)" % (base.ADMIN_OR_PROJECT_MEMBER,
                                            SERVICE),
     "(%s) or (%s)" % (base.ADMIN_OR_PROJECT_MEMBER, SERVICE)),
    ("allowed_address_pairs", ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE,
     ADMIN_OR_NET_OWNER_MEMBER_OR_SERVICE),
]
# Attributes only an administrator or the service role reads.
_HIDDEN = ("binding:vif_type", "binding:vif_details", "binding:host_id",
           "binding:profile")


def list_rules():
    rules = [
        policy.RuleDefault("network_device",
                           "field:port:device_owner=~^network:",
                           "Definition of port with network device_owner"),
        base.rule("create_port", "(%s) or (%s)" % (
            base.ADMIN_OR_PROJECT_MEMBER, SERVICE),
            "Create a port", [("POST", _COLLECTION)]),
        base.rule("get_port", "(%s) or (%s) or (%s)" % (
            base.ADMIN_OR_PROJECT_READER, base.NETWORK_OWNER_READER,
            SERVICE), "Get a port",
            [("GET", _COLLECTION), ("GET", _RESOURCE)]),
        base.rule("update_port", "(%s) or (%s)" % (
            base.ADMIN_OR_PROJECT_MEMBER, SERVICE),
            "Update a port", [("PUT", _RESOURCE)]),
        base.rule("delete_port", "(%s) or (%s) or (%s)" % (
            base.ADMIN_OR_PROJECT_MEMBER, base.NETWORK_OWNER_MEMBER,
            SERVICE), "Delete a port", [("DELETE", _RESOURCE)]),
        base.rule("get_port_binding", ADMIN_OR_SERVICE,
                  "Get port binding information",
                  [("GET", _BINDINGS), ("GET", _BINDING)]),
        base.rule("create_port_binding", ADMIN_OR_SERVICE,
                  "Create port binding on the host", [("POST", _BINDINGS)]),
        base.rule("delete_port_binding", ADMIN_OR_SERVICE,
                  "Delete port binding on the host",
                  [("DELETE", _BINDING)]),
        base.rule("activate", ADMIN_OR_SERVICE,
                  "Activate port binding on the host",
                  [("PUT", _BINDING + "/activate")]),
    ]
    for attribute, create, update in _ATTRIBUTES:
        rules.append(base.rule(
            "create_port:%s" % attribute, create,
            "Specify ``%s`` when creating a port" % attribute,
            [("POST", _COLLECTION)]))
        rules.append(base.rule(
            "update_port:%s" % attribute, update,
            "Update ``%s`` of a port" % attribute, [("PUT", _RESOURCE)]))
    for attribute in _HIDDEN:
        rules.append(base.rule(
            "get_port:%s" % attribute, ADMIN_OR_SERVICE,
            "Get ``%s`` of a port" % attribute,
            [("GET", _COLLECTION), ("GET", _RESOURCE)]))
    return rules
