from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-keypairs:%s"
# Keypairs belong to users: admins may act for anyone (2.10 user_id).
ADMIN_OR_OWNER = "(%s) or user_id:%%(user_id)s" % base.ADMIN


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", ADMIN_OR_OWNER, "List keypairs",
                  [("GET", "/os-keypairs")]),
        base.rule(POLICY_ROOT % "create", ADMIN_OR_OWNER,
                  "Create or import a keypair", [("POST", "/os-keypairs")]),
        base.rule(POLICY_ROOT % "show", ADMIN_OR_OWNER, "Show a keypair",
                  [("GET", "/os-keypairs/{keypair_name}")]),
        base.rule(POLICY_ROOT % "delete", ADMIN_OR_OWNER, "Delete a keypair",
                  [("DELETE", "/os-keypairs/{keypair_name}")]),
    ]
