"""Cinder's default rules for listing volume transfers and generic
volume groups (stratus/api/volume/empty_lists.py)."""
from stratus.policies.volume_service import base

RULES = [
    ("volume:get_all_transfers", base.ADMIN_OR_PROJECT_READER,
     "List volume transfer.",
     [("GET", "/os-volume-transfer"), ("GET", "/os-volume-transfer/detail"),
      ("GET", "/volume-transfers"), ("GET", "/volume-transfers/detail")]),
    ("group:get_all", base.ADMIN_OR_PROJECT_READER, "List groups.",
     [("GET", "/groups"), ("GET", "/groups/detail")]),
]


def list_rules():
    return base.rules_of(RULES)
