"""Neutron's default rules for the quotas API: a project reads its own
quotas without a rule; reading another's, the list, setting and resetting
are for administrators."""
from stratus.policies.network_service import base

_COLLECTION = "/quota"
_RESOURCE = "/quota/{id}"


def list_rules():
    return [
        base.rule("get_quota", base.ADMIN, "Get a resource quota",
                  [("GET", _COLLECTION), ("GET", _RESOURCE)]),
        base.rule("update_quota", base.ADMIN, "Update a resource quota",
                  [("PUT", _RESOURCE)]),
        base.rule("delete_quota", base.ADMIN, "Delete a resource quota",
                  [("DELETE", _RESOURCE)]),
    ]
