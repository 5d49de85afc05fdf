"""/os-security-groups, /os-security-group-rules, a server's groups and
the addSecurityGroup / removeSecurityGroup actions (Nova's
policies/security_groups.py)."""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-security-groups:%s"


def list_rules():
    reader, member = base.PROJECT_READER_OR_ADMIN, base.PROJECT_MEMBER_OR_ADMIN
    deprecated = " (deprecated proxy to the network service)"
    return [
        base.rule(POLICY_ROOT % "get", reader, "List security groups"
                  + deprecated, [("GET", "/os-security-groups")]),
        base.rule(POLICY_ROOT % "show", reader, "Show a security group"
                  + deprecated,
                  [("GET", "/os-security-groups/{security_group_id}")]),
        base.rule(POLICY_ROOT % "create", member, "Create a security group"
                  + deprecated, [("POST", "/os-security-groups")]),
        base.rule(POLICY_ROOT % "update", member, "Update a security group"
                  + deprecated,
                  [("PUT", "/os-security-groups/{security_group_id}")]),
        base.rule(POLICY_ROOT % "delete", member, "Delete a security group"
                  + deprecated,
                  [("DELETE", "/os-security-groups/{security_group_id}")]),
        base.rule(POLICY_ROOT % "rule:create", member,
                  "Create a security group rule" + deprecated,
                  [("POST", "/os-security-group-rules")]),
        base.rule(POLICY_ROOT % "rule:delete", member,
                  "Delete a security group rule" + deprecated,
                  [("DELETE", "/os-security-group-rules/{rule_id}")]),
        base.rule(POLICY_ROOT % "list", reader,
                  "List the security groups of a server" + deprecated,
                  [("GET", "/servers/{server_id}/os-security-groups")]),
        base.rule(POLICY_ROOT % "add", member,
                  "Add a security group to a server's ports",
                  [("POST", "/servers/{server_id}/action")]),
        base.rule(POLICY_ROOT % "remove", member,
                  "Remove a security group from a server's ports",
                  [("POST", "/servers/{server_id}/action")]),
    ]
