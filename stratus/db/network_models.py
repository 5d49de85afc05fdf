"""Tables of the built-in network service (the Neutron v2.0 API), in the
API database: networks, subnets, ports and their addresses and bindings,
security groups, routers, floating IPs, network quotas.

Every resource has Neutron's standard attributes: ``project_id``,
``description``, ``revision_number`` (bumped on each change), timestamps.
Ports are owned by a network (deleted with it once it has no other ports);
a subnet's addresses are handed out through ``network_ip_allocations``,
unique per network, so two ports never get the same address even when two
requests race.
"""
import sqlalchemy as sa

from stratus.db.api_models import Base
from stratus.db.api_models import Timestamps
from stratus.db.types import JsonText


class StandardAttributes(Timestamps):
    project_id = sa.Column(sa.String(255), nullable=False, index=True)
    description = sa.Column(sa.String(255), nullable=False, default="")
    revision_number = sa.Column(sa.Integer, nullable=False, default=0)


class Network(StandardAttributes, Base):
    __tablename__ = "network_networks"
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, default="")
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    status = sa.Column(sa.String(16), nullable=False, default="ACTIVE")
    shared = sa.Column(sa.Boolean, nullable=False, default=False)
    external = sa.Column(sa.Boolean, nullable=False, default=False)
    # The network auto-allocated-topology takes its gateway from.
    is_default = sa.Column(sa.Boolean, nullable=False, default=False)
    mtu = sa.Column(sa.Integer, nullable=False, default=1500)
    port_security_enabled = sa.Column(sa.Boolean, nullable=False,
                                      default=True)
    network_type = sa.Column(sa.String(32), nullable=False, default="local")
    physical_network = sa.Column(sa.String(64))
    segmentation_id = sa.Column(sa.Integer)
    dns_domain = sa.Column(sa.String(255), nullable=False, default="")
    tags = sa.Column(JsonText, nullable=False, default=list)


class Subnet(StandardAttributes, Base):
    __tablename__ = "network_subnets"
    id = sa.Column(sa.String(36), primary_key=True)
    network_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_networks.id", ondelete="CASCADE"), nullable=False,
        index=True)
    name = sa.Column(sa.String(255), nullable=False, default="")
    ip_version = sa.Column(sa.Integer, nullable=False)
    cidr = sa.Column(sa.String(64), nullable=False)
    gateway_ip = sa.Column(sa.String(64))
    enable_dhcp = sa.Column(sa.Boolean, nullable=False, default=True)
    ipv6_ra_mode = sa.Column(sa.String(16))
    ipv6_address_mode = sa.Column(sa.String(16))
    # [{"start": ..., "end": ...}]
    allocation_pools = sa.Column(JsonText, nullable=False, default=list)
    dns_nameservers = sa.Column(JsonText, nullable=False, default=list)
    # [{"destination": ..., "nexthop": ...}]
    host_routes = sa.Column(JsonText, nullable=False, default=list)
    service_types = sa.Column(JsonText, nullable=False, default=list)
    tags = sa.Column(JsonText, nullable=False, default=list)


class Port(StandardAttributes, Base):
    __tablename__ = "network_ports"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "mac_address",
                            name="uniq_network_ports0network_id0mac"),
        sa.Index("network_ports_device_id_idx", "device_id"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    network_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_networks.id", ondelete="CASCADE"), nullable=False,
        index=True)
    name = sa.Column(sa.String(255), nullable=False, default="")
    mac_address = sa.Column(sa.String(32), nullable=False)
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    status = sa.Column(sa.String(16), nullable=False, default="DOWN")
    device_id = sa.Column(sa.String(255), nullable=False, default="")
    device_owner = sa.Column(sa.String(255), nullable=False, default="")
    port_security_enabled = sa.Column(sa.Boolean, nullable=False,
                                      default=True)
    # [{"ip_address": ..., "mac_address": ...}]
    allowed_address_pairs = sa.Column(JsonText, nullable=False, default=list)
    dns_name = sa.Column(sa.String(255), nullable=False, default="")
    tags = sa.Column(JsonText, nullable=False, default=list)


class IPAllocation(Base):
    """A fixed IP of a port: unique per network."""
    __tablename__ = "network_ip_allocations"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "ip_address",
                            name="uniq_network_ip_allocations0network0ip"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    port_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_ports.id", ondelete="CASCADE"), nullable=False, index=True)
    subnet_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_subnets.id", ondelete="CASCADE"), nullable=False,
        index=True)
    network_id = sa.Column(sa.String(36), nullable=False)
    ip_address = sa.Column(sa.String(64), nullable=False)


class PortBinding(Timestamps, Base):
    """A port's binding to a host (binding:*). A port has one ACTIVE
    binding, and during a live migration an INACTIVE one on the
    destination (Neutron's binding-extended)."""
    __tablename__ = "network_port_bindings"
    port_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_ports.id", ondelete="CASCADE"), primary_key=True)
    host = sa.Column(sa.String(255), primary_key=True)
    status = sa.Column(sa.String(16), nullable=False, default="ACTIVE")
    vif_type = sa.Column(sa.String(64), nullable=False, default="unbound")
    vnic_type = sa.Column(sa.String(64), nullable=False, default="normal")
    profile = sa.Column(JsonText, nullable=False, default=dict)
    vif_details = sa.Column(JsonText, nullable=False, default=dict)


class SecurityGroup(StandardAttributes, Base):
    __tablename__ = "network_security_groups"
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, default="")
    stateful = sa.Column(sa.Boolean, nullable=False, default=True)
    tags = sa.Column(JsonText, nullable=False, default=list)


class DefaultSecurityGroup(Base):
    """The one ``default`` group of a project (its primary key makes the
    first use's creation race-safe)."""
    __tablename__ = "network_default_security_groups"
    project_id = sa.Column(sa.String(255), primary_key=True)
    security_group_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_security_groups.id", ondelete="CASCADE"), nullable=False)


class SecurityGroupRule(StandardAttributes, Base):
    __tablename__ = "network_security_group_rules"
    id = sa.Column(sa.String(36), primary_key=True)
    security_group_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_security_groups.id", ondelete="CASCADE"), nullable=False,
        index=True)
    direction = sa.Column(sa.String(16), nullable=False)
    ethertype = sa.Column(sa.String(16), nullable=False, default="IPv4")
    protocol = sa.Column(sa.String(40))
    port_range_min = sa.Column(sa.Integer)
    port_range_max = sa.Column(sa.Integer)
    remote_ip_prefix = sa.Column(sa.String(64))
    remote_group_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_security_groups.id", ondelete="CASCADE"))
    remote_address_group_id = sa.Column(sa.String(36))


class PortSecurityGroup(Base):
    __tablename__ = "network_port_security_groups"
    port_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_ports.id", ondelete="CASCADE"), primary_key=True)
    security_group_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_security_groups.id", ondelete="CASCADE"), primary_key=True,
        index=True)


class Router(StandardAttributes, Base):
    __tablename__ = "network_routers"
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, default="")
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    status = sa.Column(sa.String(16), nullable=False, default="ACTIVE")
    # The external gateway: its network, and the gateway port (whose
    # fixed IPs are the gateway's external_fixed_ips).
    gw_network_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_networks.id"))
    gw_port_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_ports.id", ondelete="SET NULL"))
    enable_snat = sa.Column(sa.Boolean, nullable=False, default=True)
    # [{"destination": ..., "nexthop": ...}]
    routes = sa.Column(JsonText, nullable=False, default=list)
    tags = sa.Column(JsonText, nullable=False, default=list)


class FloatingIP(StandardAttributes, Base):
    __tablename__ = "network_floating_ips"
    __table_args__ = (
        sa.UniqueConstraint(
            "floating_network_id", "floating_ip_address",
            name="uniq_network_floating_ips0network0address"),
        sa.Index("network_floating_ips_fixed_port_id_idx", "fixed_port_id"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    floating_network_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_networks.id"), nullable=False)
    floating_ip_address = sa.Column(sa.String(64), nullable=False)
    # The port on the external network that holds the address.
    floating_port_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_ports.id", ondelete="CASCADE"), nullable=False)
    fixed_port_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_ports.id", ondelete="SET NULL"))
    fixed_ip_address = sa.Column(sa.String(64))
    router_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_routers.id", ondelete="SET NULL"))
    status = sa.Column(sa.String(16), nullable=False, default="DOWN")
    dns_name = sa.Column(sa.String(255), nullable=False, default="")
    dns_domain = sa.Column(sa.String(255), nullable=False, default="")
    tags = sa.Column(JsonText, nullable=False, default=list)


class NetworkQuota(Timestamps, Base):
    """A project's limit of one network resource (network, subnet, port,
    router, floatingip, security_group, security_group_rule)."""
    __tablename__ = "network_quotas"
    project_id = sa.Column(sa.String(255), primary_key=True)
    resource = sa.Column(sa.String(255), primary_key=True)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class AutoAllocatedTopology(Timestamps, Base):
    __tablename__ = "network_auto_allocated_topologies"
    project_id = sa.Column(sa.String(255), primary_key=True)
    network_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_networks.id", ondelete="CASCADE"), nullable=False)
    router_id = sa.Column(sa.String(36), sa.ForeignKey(
        "network_routers.id", ondelete="SET NULL"))
