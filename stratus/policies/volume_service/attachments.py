"""Cinder's default rules for attachments (3.27+)."""
from stratus.policies.volume_service import base

_C = "/attachments"
_R = "/attachments/{attachment_id}"
MEMBER = base.ADMIN_OR_PROJECT_MEMBER
READER = base.ADMIN_OR_PROJECT_READER

RULES = [
    ("volume:attachment_create", MEMBER, "Create attachment.",
     [("POST", _C)]),
    ("volume:attachment_update", MEMBER, "Update attachment.",
     [("PUT", _R)]),
    ("volume:attachment_delete", MEMBER, "Delete attachment.",
     [("DELETE", _R)]),
    ("volume:attachment_complete", MEMBER, "Mark a volume attachment "
     "process as completed (in-use)", [("POST", _R + "/action")]),
    ("volume:multiattach_bootable_volume", MEMBER, "Allow multiattach of "
     "bootable volumes.", [("POST", _C)]),
    ("volume:attachment_get", READER, "Show or list attachments.",
     [("GET", _C), ("GET", _R)]),
]


def list_rules():
    return base.rules_of(RULES)
