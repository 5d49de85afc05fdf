"""Placement's rules, with Placement's names. As in Placement, every
operation is for admins (and services) by default."""
from stratus.policies import base

ADMIN_OR_SERVICE = "%s or role:service" % base.ADMIN

_OPERATIONS = [
    ("resource_providers:list", "GET", "/resource_providers"),
    ("resource_providers:create", "POST", "/resource_providers"),
    ("resource_providers:show", "GET", "/resource_providers/{uuid}"),
    ("resource_providers:update", "PUT", "/resource_providers/{uuid}"),
    ("resource_providers:delete", "DELETE", "/resource_providers/{uuid}"),
    ("resource_providers:inventories:list", "GET",
     "/resource_providers/{uuid}/inventories"),
    ("resource_providers:inventories:create", "POST",
     "/resource_providers/{uuid}/inventories"),
    ("resource_providers:inventories:show", "GET",
     "/resource_providers/{uuid}/inventories/{resource_class}"),
    ("resource_providers:inventories:update", "PUT",
     "/resource_providers/{uuid}/inventories"),
    ("resource_providers:inventories:delete", "DELETE",
     "/resource_providers/{uuid}/inventories"),
    ("resource_providers:aggregates:list", "GET",
     "/resource_providers/{uuid}/aggregates"),
    ("resource_providers:aggregates:update", "PUT",
     "/resource_providers/{uuid}/aggregates"),
    ("resource_providers:usages", "GET", "/resource_providers/{uuid}/usages"),
    ("usages", "GET", "/usages"),
    ("resource_providers:traits:list", "GET",
     "/resource_providers/{uuid}/traits"),
    ("resource_providers:traits:update", "PUT",
     "/resource_providers/{uuid}/traits"),
    ("resource_providers:traits:delete", "DELETE",
     "/resource_providers/{uuid}/traits"),
    ("resource_providers:allocations:list", "GET",
     "/resource_providers/{uuid}/allocations"),
    ("allocations:list", "GET", "/allocations/{consumer_uuid}"),
    ("allocations:manage", "POST", "/allocations"),
    ("allocations:update", "PUT", "/allocations/{consumer_uuid}"),
    ("allocations:delete", "DELETE", "/allocations/{consumer_uuid}"),
    ("allocation_candidates:list", "GET", "/allocation_candidates"),
    ("resource_classes:list", "GET", "/resource_classes"),
    ("resource_classes:create", "POST", "/resource_classes"),
    ("resource_classes:show", "GET", "/resource_classes/{name}"),
    ("resource_classes:update", "PUT", "/resource_classes/{name}"),
    ("resource_classes:delete", "DELETE", "/resource_classes/{name}"),
    ("traits:list", "GET", "/traits"),
    ("traits:show", "GET", "/traits/{name}"),
    ("traits:update", "PUT", "/traits/{name}"),
    ("traits:delete", "DELETE", "/traits/{name}"),
    ("reshaper:reshape", "POST", "/reshaper"),
]


def list_rules():
    return [base.rule("placement:" + name, ADMIN_OR_SERVICE,
                      "%s %s" % (method, path), [(method, path)])
            for name, method, path in _OPERATIONS]
