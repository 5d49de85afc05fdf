"""The bare metal proxy (max 2.35): admins only, as in Nova. Creating and
deleting nodes and their interfaces are refused (400) before any policy
check, so Nova has no rules for them."""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-baremetal-nodes:%s"
LIST = POLICY_ROOT % "list"
SHOW = POLICY_ROOT % "show"
_PROXY = "\n\nThese APIs are proxy calls to the Ironic service and are " \
    "deprecated."


def list_rules():
    return [
        base.rule(LIST, base.ADMIN,
                  "List and show details of bare metal nodes." + _PROXY,
                  [("GET", "/os-baremetal-nodes")]),
        base.rule(SHOW, base.ADMIN,
                  "Show details of a bare metal node." + _PROXY,
                  [("GET", "/os-baremetal-nodes/{node_id}")]),
    ]
