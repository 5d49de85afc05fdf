"""Neutron's default rules for routers (router.py): members make and
change their routers; the gateway's SNAT switch and fixed addresses on
the external network are the administrator's."""
from stratus.policies.network_service import base

_COLLECTION = "/routers"
_RESOURCE = "/routers/{id}"
# external_gateway_info's members only an administrator sets.
ADMIN_GATEWAY_FIELDS = ("enable_snat", "external_fixed_ips")


def list_rules():
    rules = base.crud_rules(
        "router", _COLLECTION, create=base.ADMIN_OR_PROJECT_MEMBER,
        get=base.ADMIN_OR_PROJECT_READER, update=base.ADMIN_OR_PROJECT_MEMBER,
        delete=base.ADMIN_OR_PROJECT_MEMBER) + [
        base.rule("add_router_interface", base.ADMIN_OR_PROJECT_MEMBER,
                  "Add an interface to a router",
                  [("PUT", _RESOURCE + "/add_router_interface")]),
        base.rule("remove_router_interface", base.ADMIN_OR_PROJECT_MEMBER,
                  "Remove an interface from a router",
                  [("PUT", _RESOURCE + "/remove_router_interface")]),
    ]
    for verb, method, path in (("create", "POST", _COLLECTION),
                               ("update", "PUT", _RESOURCE)):
        rules.append(base.rule(
            "%s_router:external_gateway_info" % verb,
            base.ADMIN_OR_PROJECT_MEMBER,
            "%s ``external_gateway_info`` of a router" % verb.capitalize(),
            [(method, path)]))
        rules.append(base.rule(
            "%s_router:external_gateway_info:network_id" % verb,
            base.ADMIN_OR_PROJECT_MEMBER,
            "%s ``network_id`` of a router's ``external_gateway_info``"
            % verb.capitalize(), [(method, path)]))
        for field in ADMIN_GATEWAY_FIELDS:
            rules.append(base.rule(
                "%s_router:external_gateway_info:%s" % (verb, field),
                base.ADMIN,
                "%s ``%s`` of a router's ``external_gateway_info``"
                % (verb.capitalize(), field), [(method, path)]))
    return rules
