"""Neutron's default rules for the auto-allocated topology
(auto_allocated_topology.py)."""
from stratus.policies.network_service import base

_RESOURCE = "/auto-allocated-topology/{project_id}"


def list_rules():
    return [
        base.rule("get_auto_allocated_topology", base.ADMIN_OR_PROJECT_READER,
                  "Get a project's auto-allocated topology",
                  [("GET", _RESOURCE)]),
        base.rule("delete_auto_allocated_topology",
                  base.ADMIN_OR_PROJECT_MEMBER,
                  "Delete a project's auto-allocated topology",
                  [("DELETE", _RESOURCE)]),
    ]
