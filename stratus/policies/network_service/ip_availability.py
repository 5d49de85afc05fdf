"""Neutron's default rule for network IP availability: administrators
only."""
from stratus.policies.network_service import base


def list_rules():
    return [
        base.rule("get_network_ip_availability", base.ADMIN,
                  "Get the IP availability of networks",
                  [("GET", "/network-ip-availabilities"),
                   ("GET", "/network-ip-availabilities/{network_id}")]),
    ]
