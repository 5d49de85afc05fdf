"""Neutron's default rules for subnets: the network's owner makes and
changes them; its project, the network's owner and, on a shared
network, everyone reads them."""
from stratus.policies.network_service import base

_COLLECTION = "/subnets"
_RESOURCE = "/subnets/{id}"
ADMIN_OR_NET_OWNER_MEMBER = "(%s) or (%s)" % (base.ADMIN,
                                              base.NETWORK_OWNER_MEMBER)
# Attributes only an administrator sets or reads.
ADMIN_ATTRIBUTES = (("create", "POST", _COLLECTION, "segment_id"),
                    ("create", "POST", _COLLECTION, "service_types"),
                    ("get", "GET", _RESOURCE, "segment_id"),
                    ("update", "PUT", _RESOURCE, "segment_id"),
                    ("update", "PUT", _RESOURCE, "service_types"))


def list_rules():
    rules = [
        base.rule("create_subnet", ADMIN_OR_NET_OWNER_MEMBER,
                  "Create a subnet", [("POST", _COLLECTION)]),
        base.rule("get_subnet",
                  "(%s) or (%s) or rule:shared" % (
                      base.ADMIN_OR_PROJECT_READER,
                      base.NETWORK_OWNER_READER),
                  "Get a subnet",
                  [("GET", _COLLECTION), ("GET", _RESOURCE)]),
        base.rule("update_subnet", ADMIN_OR_NET_OWNER_MEMBER,
                  "Update a subnet", [("PUT", _RESOURCE)]),
        base.rule("delete_subnet", ADMIN_OR_NET_OWNER_MEMBER,
                  "Delete a subnet", [("DELETE", _RESOURCE)]),
    ]
    for verb, method, path, attribute in ADMIN_ATTRIBUTES:
        rules.append(base.rule(
            "%s_subnet:%s" % (verb, attribute), base.ADMIN,
            "%s ``%s`` attribute of a subnet" % (verb.capitalize(),
                                                 attribute),
            [(method, path)]))
    return rules
