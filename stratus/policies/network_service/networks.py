"""Neutron's default rules for networks."""
from stratus.policies.network_service import base

_COLLECTION = "/networks"
_RESOURCE = "/networks/{id}"
# Attributes only an administrator sets or reads.
ADMIN_ATTRIBUTES = ("provider:network_type", "provider:physical_network",
                    "provider:segmentation_id")


def list_rules():
    rules = [
        base.rule("create_network", base.ADMIN_OR_PROJECT_MEMBER,
                  "Create a network", [("POST", _COLLECTION)]),
        base.rule("create_network:shared", base.ADMIN,
                  "Create a shared network", [("POST", _COLLECTION)]),
        base.rule("create_network:router:external", base.ADMIN,
                  "Create an external network", [("POST", _COLLECTION)]),
        base.rule("create_network:is_default", base.ADMIN,
                  "Specify ``is_default`` attribute when creating a network",
                  [("POST", _COLLECTION)]),
        base.rule("create_network:port_security_enabled",
                  base.ADMIN_OR_PROJECT_MEMBER,
                  "Specify ``port_security_enabled`` when creating a "
                  "network", [("POST", _COLLECTION)]),
        base.rule("get_network",
                  "(%s) or rule:shared or rule:external"
                  % base.ADMIN_OR_PROJECT_READER,
                  "Get a network",
                  [("GET", _COLLECTION), ("GET", _RESOURCE)]),
        base.rule("get_network:router:external", base.ANY,
                  "Get ``router:external`` attribute of a network",
                  [("GET", _COLLECTION), ("GET", _RESOURCE)]),
        base.rule("update_network", base.ADMIN_OR_PROJECT_MEMBER,
                  "Update a network", [("PUT", _RESOURCE)]),
        base.rule("update_network:shared", base.ADMIN,
                  "Update ``shared`` attribute of a network",
                  [("PUT", _RESOURCE)]),
        base.rule("update_network:router:external", base.ADMIN,
                  "Update ``router:external`` attribute of a network",
                  [("PUT", _RESOURCE)]),
        base.rule("update_network:is_default", base.ADMIN,
                  "Update ``is_default`` attribute of a network",
                  [("PUT", _RESOURCE)]),
        base.rule("update_network:port_security_enabled",
                  base.ADMIN_OR_PROJECT_MEMBER,
                  "Update ``port_security_enabled`` attribute of a network",
                  [("PUT", _RESOURCE)]),
        base.rule("delete_network", base.ADMIN_OR_PROJECT_MEMBER,
                  "Delete a network", [("DELETE", _RESOURCE)]),
    ]
    for attribute in ADMIN_ATTRIBUTES:
        for verb, method, path in (("create", "POST", _COLLECTION),
                                   ("get", "GET", _RESOURCE),
                                   ("update", "PUT", _RESOURCE)):
            rules.append(base.rule(
                "%s_network:%s" % (verb, attribute), base.ADMIN,
                "%s ``%s`` attribute of a network" % (verb.capitalize(),
                                                      attribute),
                [(method, path)]))
    return rules
