"""Cinder's default rules for snapshots, their actions and metadata."""
from stratus.policies.volume_service import base

_C = "/snapshots"
_R = "/snapshots/{snapshot_id}"
_A = "/snapshots/{snapshot_id}/action"
_M = "/snapshots/{snapshot_id}/metadata"
MEMBER = base.ADMIN_OR_PROJECT_MEMBER
READER = base.ADMIN_OR_PROJECT_READER

RULES = [
    ("volume:create_snapshot", MEMBER, "Create snapshot.", [("POST", _C)]),
    ("volume:get_snapshot", READER, "Show snapshot.", [("GET", _R)]),
    ("volume:get_all_snapshots", READER, "List snapshots.",
     [("GET", _C), ("GET", _C + "/detail")]),
    ("volume:update_snapshot", MEMBER, "Update snapshot.", [("PUT", _R)]),
    ("volume:delete_snapshot", MEMBER, "Delete snapshot.",
     [("DELETE", _R)]),
    ("volume_extension:snapshot_admin_actions:reset_status", base.ADMIN,
     "Reset status of a snapshot.", [("POST", _A)]),
    ("snapshot_extension:snapshot_actions:update_snapshot_status", MEMBER,
     "Update database fields of snapshot.", [("POST", _A)]),
    ("volume_extension:extended_snapshot_attributes", READER,
     "List or show snapshots with extended attributes.", [("GET", _R)]),
    ("volume:get_snapshot_metadata", READER, "Show snapshot's metadata.",
     [("GET", _M)]),
    ("volume:update_snapshot_metadata", MEMBER, "Update snapshot's "
     "metadata.", [("PUT", _M), ("POST", _M)]),
    ("volume:delete_snapshot_metadata", MEMBER, "Delete snapshot's "
     "metadata.", [("DELETE", _M + "/{key}")]),
]


def list_rules():
    return base.rules_of(RULES)
