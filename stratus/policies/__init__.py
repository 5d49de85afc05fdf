"""Default policy rules, one module per API resource.

Each module defines ``list_rules()``. Rule names follow Nova's
(os_compute_api:<resource>:<operation>) so operators' policy files carry
over.
"""
import importlib

from stratus.policies import base

POLICY_MODULES = [
    "aggregates",
    "availability_zone",
    "baremetal_nodes",
    "extensions",
    "flavor_access",
    "flavor_extra_specs",
    "flavor_manage",
    "floating_ip_pools",
    "hosts",
    "hypervisors",
    "images",
    "instance_actions",
    "instance_usage_audit_log",
    "interfaces",
    "keypairs",
    "limits",
    "migrations",
    "networks",
    "quota_class_sets",
    "quota_sets",
    "server_actions",
    "server_diagnostics",
    "server_external_events",
    "server_groups",
    "remote_consoles",
    "server_metadata",
    "server_password",
    "server_shares",
    "server_tags",
    "server_topology",
    "servers",
    "services",
    "simple_tenant_usage",
    "tenant_networks",
    "ips",
    "placement",
    "security_groups",
    "floating_ips",
    "multinic",
    "volume_attachments",
    "volumes",
    "assisted_volume_snapshots",
]


def list_rules():
    rules = list(base.list_rules())
    for name in POLICY_MODULES:
        try:
            module = importlib.import_module("stratus.policies." + name)
        except ModuleNotFoundError as exc:
            if exc.name != "stratus.policies." + name:
                raise
            continue
        rules.extend(module.list_rules())
    return rules
