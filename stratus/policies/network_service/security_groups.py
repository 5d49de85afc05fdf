"""Neutron's default rules for security groups and their rules (shared
groups through RBAC are not served: no ``rule:shared_security_group``
target ever holds)."""
from oslo_policy import policy

from stratus.policies.network_service import base

_SG_COLLECTION = "/security-groups"
_SG_RESOURCE = "/security-groups/{id}"
_RULE_COLLECTION = "/security-group-rules"
_RULE_RESOURCE = "/security-group-rules/{id}"
# A reader of the project that owns the rule's group.
SG_OWNER_READER = ("role:reader and "
                   "project_id:%(security_group:tenant_id)s")


def list_rules():
    return [
        policy.RuleDefault(
            "admin_or_sg_owner",
            "rule:context_is_admin or "
            "tenant_id:%(security_group:tenant_id)s",
            "Rule for admin or security group owner access"),
        policy.RuleDefault(
            "shared_security_group", "field:security_groups:shared=True",
            "Definition of a shared security group"),
        base.rule("create_security_group", base.ADMIN_OR_PROJECT_MEMBER,
                  "Create a security group", [("POST", _SG_COLLECTION)]),
        base.rule("get_security_group",
                  "(%s) or rule:shared_security_group"
                  % base.ADMIN_OR_PROJECT_READER,
                  "Get a security group",
                  [("GET", _SG_COLLECTION), ("GET", _SG_RESOURCE)]),
        base.rule("update_security_group", base.ADMIN_OR_PROJECT_MEMBER,
                  "Update a security group", [("PUT", _SG_RESOURCE)]),
        base.rule("delete_security_group", base.ADMIN_OR_PROJECT_MEMBER,
                  "Delete a security group", [("DELETE", _SG_RESOURCE)]),
        base.rule("create_security_group_rule",
                  base.ADMIN_OR_PROJECT_MEMBER,
                  "Create a security group rule",
                  [("POST", _RULE_COLLECTION)]),
        base.rule("get_security_group_rule",
                  "(%s) or (%s)" % (base.ADMIN_OR_PROJECT_READER,
                                    SG_OWNER_READER),
                  "Get a security group rule",
                  [("GET", _RULE_COLLECTION), ("GET", _RULE_RESOURCE)]),
        base.rule("delete_security_group_rule",
                  base.ADMIN_OR_PROJECT_MEMBER,
                  "Delete a security group rule",
                  [("DELETE", _RULE_RESOURCE)]),
    ]
