"""Default policies of the built-in network service: Neutron's rule names
and defaults (admin / project member / project reader, shared and
external networks readable by all), one module per resource.

The network app has an enforcer of its own, as the image app does; an
operator's policy file may carry Neutron's rules, ``field:`` checks
included (see base.FieldCheck).
"""
from stratus.policies.network_service import base
from stratus.policies.network_service import networks
from stratus.policies.network_service import ports
from stratus.policies.network_service import quotas
from stratus.policies.network_service import security_groups
from stratus.policies.network_service import subnets

MODULES = [base, networks, subnets, ports, security_groups, quotas]


def list_rules():
    rules = []
    for module in MODULES:
        rules.extend(module.list_rules())
    return rules
