"""Cinder's base rules and the check strings its defaults are made of."""
from oslo_policy import policy

from stratus.policies.base import rule  # noqa: F401 - the rules' maker

ADMIN = "rule:admin_api"
PROJECT_MEMBER = "role:member and project_id:%(project_id)s"
PROJECT_READER = "role:reader and project_id:%(project_id)s"
ADMIN_OR_PROJECT_MEMBER = "rule:xena_system_admin_or_project_member"
ADMIN_OR_PROJECT_READER = "rule:xena_system_admin_or_project_reader"
ANY = ""


def list_rules():
    return [
        policy.RuleDefault("context_is_admin", "role:admin",
                           "Decides what is required for the 'is_admin:"
                           "True' check to succeed."),
        policy.RuleDefault("admin_api", "is_admin:True or "
                                        "rule:context_is_admin",
                           "Default rule for most Admin APIs."),
        policy.RuleDefault("xena_system_admin_or_project_member",
                           "(rule:admin_api) or (%s)" % PROJECT_MEMBER,
                           "Default rule for most non-Admin APIs."),
        policy.RuleDefault("xena_system_admin_or_project_reader",
                           "(rule:admin_api) or (%s)" % PROJECT_READER,
                           "Default rule for most read-only APIs."),
    ]


def rules_of(table):
    """[(name, check string, description, [(method, path)])] -> rules."""
    return [rule(name, check, description, operations)
            for name, check, description, operations in table]
