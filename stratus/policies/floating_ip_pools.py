"""/os-floating-ip-pools (Nova's policies/floating_ip_pools.py)."""
from stratus.policies import base

BASE_POLICY_NAME = "os_compute_api:os-floating-ip-pools"


def list_rules():
    return [
        base.rule(BASE_POLICY_NAME, base.ANY,
                  "List floating IP pools (deprecated proxy to the "
                  "network service)", [("GET", "/os-floating-ip-pools")]),
    ]
