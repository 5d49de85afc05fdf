from oslo_policy import policy

# Nova's base rules: the building blocks of every operation's default.
ADMIN = "rule:context_is_admin"
PROJECT_MEMBER = "rule:project_member_api"
PROJECT_READER = "rule:project_reader_api"
PROJECT_MEMBER_OR_ADMIN = "rule:project_member_or_admin"
PROJECT_READER_OR_ADMIN = "rule:project_reader_or_admin"
ANY = "@"
# Other services (a network or block storage service) calling the compute
# API: Nova's default for its service APIs.
SERVICE_ROLE = "role:service"

RULES = [
    policy.RuleDefault("context_is_admin", "role:admin",
                       "Decides what is required for the 'is_admin:True' check to succeed."),
    policy.RuleDefault("admin_api", "is_admin:True or role:admin",
                       "Default rule for most Admin APIs."),
    policy.RuleDefault("project_member_api",
                       "role:member and project_id:%(project_id)s",
                       "Default rule for Project level non admin APIs."),
    policy.RuleDefault("project_reader_api",
                       "role:reader and project_id:%(project_id)s",
                       "Default rule for Project level read only APIs."),
    policy.RuleDefault("project_member_or_admin",
                       "rule:project_member_api or rule:context_is_admin",
                       "Default rule for Project Member or admin APIs."),
    policy.RuleDefault("project_reader_or_admin",
                       "rule:project_reader_api or rule:context_is_admin",
                       "Default rule for Project reader or admin APIs."),
]


def list_rules():
    return RULES


def rule(name, check_str, description, operations):
    """A documented per-operation default."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{"method": m, "path": p} for m, p in operations],
        scope_types=["project"])
