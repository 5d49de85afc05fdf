"""Cinder's default rules for quota sets, limits and availability
zones."""
from stratus.policies.volume_service import base

_Q = "/os-quota-sets/{project_id}"

RULES = [
    ("volume_extension:quotas:show", base.ADMIN_OR_PROJECT_READER,
     "Show project quota (including usage and default).",
     [("GET", _Q), ("GET", _Q + "/default")]),
    ("volume_extension:quotas:update", base.ADMIN, "Update project quota.",
     [("PUT", _Q)]),
    ("volume_extension:quotas:delete", base.ADMIN, "Delete project quota.",
     [("DELETE", _Q)]),
    ("limits_extension:used_limits", base.ADMIN_OR_PROJECT_READER,
     "Show limits with used limit attributes.", [("GET", "/limits")]),
    ("volume_extension:availability_zone_list", base.ANY,
     "List availability zones.", [("GET", "/os-availability-zone")]),
]


def list_rules():
    return base.rules_of(RULES)
