"""/os-tenant-networks (Nova's policies/tenant_networks.py)."""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-tenant-networks:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.PROJECT_READER_OR_ADMIN,
                  "List project networks (deprecated proxy to the network "
                  "service)", [("GET", "/os-tenant-networks")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a project network (deprecated proxy to the "
                  "network service)",
                  [("GET", "/os-tenant-networks/{network_id}")]),
    ]
