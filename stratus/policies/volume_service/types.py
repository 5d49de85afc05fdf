"""Cinder's default rules for volume types and their extra specs."""
from stratus.policies.volume_service import base

_C = "/types"
_R = "/types/{type_id}"
_S = "/types/{type_id}/extra_specs"

RULES = [
    ("volume_extension:types_manage", base.ADMIN, "Create, update and "
     "delete volume type.", [("POST", _C), ("PUT", _R), ("DELETE", _R)]),
    ("volume_extension:type_get", base.ANY, "Get one specific volume "
     "type.", [("GET", _R)]),
    ("volume_extension:type_get_all", base.ANY, "List volume types.",
     [("GET", _C), ("GET", "/types/default")]),
    ("volume_extension:access_types_extra_specs", base.ANY, "Include the "
     "volume type's extra_specs attribute in the volume type list or "
     "show requests.", [("GET", _R)]),
    ("volume_extension:types_extra_specs:index", base.ANY, "List type "
     "extra specs.", [("GET", _S)]),
    ("volume_extension:types_extra_specs:create", base.ADMIN, "Create "
     "type extra specs.", [("POST", _S)]),
    ("volume_extension:types_extra_specs:show", base.ANY, "Show one "
     "specified type extra specs.", [("GET", _S + "/{key}")]),
    ("volume_extension:types_extra_specs:update", base.ADMIN, "Update "
     "type extra specs.", [("PUT", _S + "/{key}")]),
    ("volume_extension:types_extra_specs:delete", base.ADMIN, "Delete "
     "type extra specs.", [("DELETE", _S + "/{key}")]),
    ("volume_extension:volume_type_encryption:get", base.ADMIN, "Show a "
     "volume type's encryption type.", [("GET", _R + "/encryption")]),
]


def list_rules():
    return base.rules_of(RULES)
