"""Request schemas of the flavor access actions."""
from stratus.api.schemas import common


def _tenant_action(action):
    return {
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": {
                    "tenant": dict(common.text, minLength=1,
                                   maxLength=255),
                },
                "required": ["tenant"],
                "additionalProperties": False,
            },
        },
        "required": [action],
        "additionalProperties": False,
    }


add_tenant_access = _tenant_action("addTenantAccess")
remove_tenant_access = _tenant_action("removeTenantAccess")
