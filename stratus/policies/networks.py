"""/os-networks (Nova's policies/networks.py): the reads are proxies to
the network service; the writes are gone (410) and checked by no rule."""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-networks:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.PROJECT_READER_OR_ADMIN,
                  "List networks for the project (deprecated proxy to the "
                  "network service)", [("GET", "/os-networks")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show a network (deprecated proxy to the network "
                  "service)", [("GET", "/os-networks/{network_id}")]),
    ]
