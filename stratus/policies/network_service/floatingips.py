"""Neutron's default rules for floating IPs (floatingip.py): a chosen
address is the administrator's to ask for."""
from stratus.policies.network_service import base

_COLLECTION = "/floatingips"


def list_rules():
    return base.crud_rules(
        "floatingip", _COLLECTION, create=base.ADMIN_OR_PROJECT_MEMBER,
        get=base.ADMIN_OR_PROJECT_READER, update=base.ADMIN_OR_PROJECT_MEMBER,
        delete=base.ADMIN_OR_PROJECT_MEMBER) + [
        base.rule("create_floatingip:floating_ip_address", base.ADMIN,
                  "Create a floating IP with a specific IP address",
                  [("POST", _COLLECTION)]),
    ]
