"""Request schemas of /os-quota-class-sets: the resources of a quota set
update (without ``force``), fewer from 2.50 (no networking quotas) and
2.57 (no injected files)."""
from stratus.api.schemas import quota_sets


def _update(resources):
    return {
        "type": "object",
        "properties": {
            "quota_class_set": {
                "type": "object",
                "properties": {name: quota_sets.LIMIT for name in resources},
                "additionalProperties": False,
            },
        },
        "required": ["quota_class_set"],
        "additionalProperties": False,
    }


update = _update(quota_sets.RESOURCES_V21)
update_v250 = _update(quota_sets.RESOURCES_V236)
update_v257 = _update(quota_sets.RESOURCES_V257)
