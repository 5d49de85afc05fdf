"""What the dataplane makes real: a snapshot of the network service's
resources, read from its store in one go (``agent.read_state``) and
handed to each part (bridges, DHCP, firewall, routers) to converge on.

Plain values, no database rows: a part can be exercised with a snapshot
a test writes by hand.
"""
import dataclasses
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Subnet:
    id: str
    network_id: str
    cidr: str
    ip_version: int
    gateway_ip: Optional[str]
    enable_dhcp: bool
    dns_nameservers: tuple = ()
    # (destination, nexthop) pairs
    host_routes: tuple = ()
    # (start, end) pairs
    allocation_pools: tuple = ()


@dataclasses.dataclass(frozen=True)
class Network:
    id: str
    name: str
    external: bool
    mtu: int
    admin_state_up: bool = True


@dataclasses.dataclass(frozen=True)
class FixedIP:
    subnet_id: str
    ip_address: str


@dataclasses.dataclass(frozen=True)
class Port:
    id: str
    network_id: str
    mac_address: str
    device_id: str
    device_owner: str
    project_id: str
    fixed_ips: tuple = ()  # FixedIP
    admin_state_up: bool = True
    port_security_enabled: bool = True
    security_group_ids: tuple = ()
    # (ip_address or cidr, mac_address or None) pairs
    allowed_address_pairs: tuple = ()
    host: str = ""  # binding:host_id of the active binding


@dataclasses.dataclass(frozen=True)
class SecurityGroupRule:
    id: str
    security_group_id: str
    direction: str  # ingress | egress
    ethertype: str  # IPv4 | IPv6
    protocol: Optional[str] = None  # name or number, None = any
    port_range_min: Optional[int] = None
    port_range_max: Optional[int] = None
    remote_ip_prefix: Optional[str] = None
    remote_group_id: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class SecurityGroup:
    id: str
    project_id: str
    stateful: bool = True
    rules: tuple = ()  # SecurityGroupRule


@dataclasses.dataclass(frozen=True)
class Router:
    id: str
    project_id: str
    admin_state_up: bool = True
    # The gateway port on an external network (a Port), or None.
    gateway_port: Optional[Port] = None
    enable_snat: bool = True
    # Ports with device_owner network:router_interface* (Port)
    interface_ports: tuple = ()
    # (destination, nexthop) pairs
    routes: tuple = ()


@dataclasses.dataclass(frozen=True)
class FloatingIP:
    id: str
    floating_ip_address: str
    floating_network_id: str
    router_id: Optional[str] = None
    port_id: Optional[str] = None
    fixed_ip_address: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class State:
    networks: tuple = ()
    subnets: tuple = ()
    ports: tuple = ()
    security_groups: tuple = ()
    routers: tuple = ()
    floating_ips: tuple = ()

    def network(self, network_id):
        return next((n for n in self.networks if n.id == network_id), None)

    def subnets_of(self, network_id):
        return [s for s in self.subnets if s.network_id == network_id]

    def ports_of(self, network_id):
        return [p for p in self.ports if p.network_id == network_id]


def bridge_name(network_id):
    """The Linux bridge of a network (Neutron's linuxbridge naming)."""
    return ("brq" + network_id)[:14]


def device_name(prefix, port_id):
    """A port's device: tap (a guest's), ns- (DHCP), qr- (router
    interface), qg- (router gateway); at most 14 characters."""
    return (prefix + port_id)[:14]


def dhcp_namespace(network_id):
    return "qdhcp-" + network_id


def router_namespace(router_id):
    return "qrouter-" + router_id
