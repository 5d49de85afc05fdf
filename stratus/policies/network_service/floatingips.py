"""Neutron's default rules for floating IPs (floatingip.py): a chosen
address is the administrator's to ask for."""
from stratus.policies.network_service import base

_COLLECTION = "/floatingips"
_RESOURCE = "/floatingips/{id}"


def list_rules():
    return [
        base.rule("create_floatingip", base.ADMIN_OR_PROJECT_MEMBER,
                  "Create a floating IP", [("POST", _COLLECTION)]),
        base.rule("create_floatingip:floating_ip_address", base.ADMIN,
                  "Create a floating IP with a specific IP address",
                  [("POST", _COLLECTION)]),
        base.rule("get_floatingip", base.ADMIN_OR_PROJECT_READER,
                  "Get a floating IP",
                  [("GET", _COLLECTION), ("GET", _RESOURCE)]),
        base.rule("update_floatingip", base.ADMIN_OR_PROJECT_MEMBER,
                  "Update a floating IP", [("PUT", _RESOURCE)]),
        base.rule("delete_floatingip", base.ADMIN_OR_PROJECT_MEMBER,
                  "Delete a floating IP", [("DELETE", _RESOURCE)]),
    ]
