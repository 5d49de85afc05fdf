"""Cinder's default rules for volumes, their actions and metadata."""
from stratus.policies.volume_service import base

_C = "/volumes"
_R = "/volumes/{volume_id}"
_A = "/volumes/{volume_id}/action"
_M = "/volumes/{volume_id}/metadata"
MEMBER = base.ADMIN_OR_PROJECT_MEMBER
READER = base.ADMIN_OR_PROJECT_READER

RULES = [
    ("volume:create", MEMBER, "Create volume.", [("POST", _C)]),
    ("volume:create_from_image", MEMBER, "Create volume from image.",
     [("POST", _C)]),
    ("volume:get", READER, "Show volume.", [("GET", _R)]),
    ("volume:get_all", READER, "List volumes or get summary of volumes.",
     [("GET", _C), ("GET", _C + "/detail")]),
    ("volume:update", MEMBER, "Update volume.", [("PUT", _R)]),
    ("volume:delete", MEMBER, "Delete volume.", [("DELETE", _R)]),
    ("volume:force_delete", base.ADMIN, "Force Delete a volume.",
     [("DELETE", _R)]),
    ("volume:multiattach", MEMBER, "Multiattach a volume.",
     [("POST", _C)]),
    ("volume:extend", MEMBER, "Extend a volume.", [("POST", _A)]),
    ("volume:extend_attached_volume", MEMBER, "Extend a attached volume.",
     [("POST", _A)]),
    ("volume:update_readonly_flag", MEMBER,
     "Update volume read-only status.", [("POST", _A)]),
    ("volume:reimage", MEMBER, "Reimage a volume in 'available' or "
     "'error' status.", [("POST", _A)]),
    ("volume:reimage_reserved", MEMBER, "Reimage a volume in 'reserved' "
     "status.", [("POST", _A)]),
    ("volume_extension:volume_actions:extend_volume_completion",
     base.ADMIN, "Complete a volume extend operation.", [("POST", _A)]),
    ("volume_extension:volume_actions:set_bootable", MEMBER,
     "Update volume bootable status.", [("POST", _A)]),
    ("volume_extension:volume_admin_actions:reset_status", base.ADMIN,
     "Reset status of a volume.", [("POST", _A)]),
    ("volume_extension:volume_admin_actions:force_delete", base.ADMIN,
     "Force delete a volume.", [("POST", _A)]),
    ("volume_extension:volume_admin_actions:migrate_volume_completion",
     base.ADMIN, "Return volume from migrated volume.", [("POST", _A)]),
    ("volume:get_volume_metadata", READER, "Show volume's metadata or "
     "one specified metadata with a given key.",
     [("GET", _M), ("GET", _M + "/{key}")]),
    ("volume:create_volume_metadata", MEMBER, "Create volume metadata.",
     [("POST", _M)]),
    ("volume:update_volume_metadata", MEMBER, "Replace a volume's "
     "metadata dictionary or update a single metadatum with a given key.",
     [("PUT", _M), ("PUT", _M + "/{key}")]),
    ("volume:delete_volume_metadata", MEMBER, "Delete a volume's metadatum "
     "with the given key.", [("DELETE", _M + "/{key}")]),
    ("volume_extension:volume_host_attribute", base.ADMIN,
     "List or show volume with host attribute.", [("GET", _R)]),
    ("volume_extension:volume_tenant_attribute", READER,
     "List or show volume with tenant attribute.", [("GET", _R)]),
    ("volume_extension:volume_mig_status_attribute", base.ADMIN,
     "List or show volume with migration status attribute.",
     [("GET", _R)]),
    ("volume_extension:volume_image_metadata:show", READER,
     "Include volume's image metadata in volume detail response.",
     [("GET", _R)]),
]


def list_rules():
    return base.rules_of(RULES)
