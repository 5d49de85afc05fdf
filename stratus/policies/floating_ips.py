"""/os-floating-ips and the addFloatingIp / removeFloatingIp actions
(Nova's policies/floating_ips.py)."""
from stratus.policies import base

BASE_POLICY_NAME = "os_compute_api:os-floating-ips:%s"


def list_rules():
    reader, member = base.PROJECT_READER_OR_ADMIN, base.PROJECT_MEMBER_OR_ADMIN
    deprecated = " (deprecated proxy to the network service)"
    return [
        base.rule(BASE_POLICY_NAME % "add", member,
                  "Associate a floating IP to a server" + deprecated,
                  [("POST", "/servers/{server_id}/action")]),
        base.rule(BASE_POLICY_NAME % "remove", member,
                  "Disassociate a floating IP from a server" + deprecated,
                  [("POST", "/servers/{server_id}/action")]),
        base.rule(BASE_POLICY_NAME % "list", reader,
                  "List floating IPs" + deprecated,
                  [("GET", "/os-floating-ips")]),
        base.rule(BASE_POLICY_NAME % "create", member,
                  "Create a floating IP" + deprecated,
                  [("POST", "/os-floating-ips")]),
        base.rule(BASE_POLICY_NAME % "show", reader,
                  "Show a floating IP" + deprecated,
                  [("GET", "/os-floating-ips/{floating_ip_id}")]),
        base.rule(BASE_POLICY_NAME % "delete", member,
                  "Delete a floating IP" + deprecated,
                  [("DELETE", "/os-floating-ips/{floating_ip_id}")]),
    ]
