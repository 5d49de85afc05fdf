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
from stratus.policies.network_service import routers
from stratus.policies.network_service import floatingips
from stratus.policies.network_service import auto_allocate
from stratus.policies.network_service import ip_availability

MODULES = [base, networks, subnets, ports, security_groups, quotas, routers,
           floatingips, auto_allocate, ip_availability]


def list_rules():
    rules = []
    for module in MODULES:
        rules.extend(module.list_rules())
    return rules
