"""Cinder's default rules for listing volume transfers, generic volume
groups and QoS specs (stratus/api/volume/empty_lists.py), and the
services (stratus/api/volume/services.py)."""
from stratus.policies.volume_service import base

RULES = [
    ("volume:get_all_transfers", base.ADMIN_OR_PROJECT_READER,
     "List volume transfer.",
     [("GET", "/os-volume-transfer"), ("GET", "/os-volume-transfer/detail"),
      ("GET", "/volume-transfers"), ("GET", "/volume-transfers/detail")]),
    ("group:get_all", base.ADMIN_OR_PROJECT_READER, "List groups.",
     [("GET", "/groups"), ("GET", "/groups/detail")]),
    ("group:get_all_group_snapshots", base.ADMIN_OR_PROJECT_READER,
     "List group snapshots.",
     [("GET", "/group_snapshots"), ("GET", "/group_snapshots/detail")]),
    ("volume_extension:qos_specs_manage:get_all", base.ADMIN,
     "List qos specs or list all associations.", [("GET", "/qos-specs")]),
    ("volume_extension:services:index", base.ADMIN,
     "List all services.", [("GET", "/os-services")]),
]


def list_rules():
    return base.rules_of(RULES)
