"""What the dataplane (stratus/network/dataplane/) reads and writes in the
network service's database: the whole State in one read, and the DHCP
ports of its networks."""
import sqlalchemy as sa

from stratus.db import api as db_api
from stratus.db import network_models as models
from stratus.network.dataplane import state
from stratus.network.store import bindings
from stratus.network.store import ipam
from stratus.network.store import ports as port_store

DHCP_OWNER = "network:dhcp"


def _pairs(values, first, second):
    return tuple((item.get(first), item.get(second))
                 for item in values or ())


def _all(session, model):
    return session.execute(sa.select(model)).scalars().all()


def read_state(databases):
    """The State of every network, subnet, port, group, router and
    floating IP, read in one transaction."""
    with databases.api.reader() as session:
        networks = tuple(
            state.Network(id=row.id, name=row.name, external=row.external,
                          mtu=row.mtu, admin_state_up=row.admin_state_up)
            for row in _all(session, models.Network))
        subnets = tuple(
            state.Subnet(
                id=row.id, network_id=row.network_id, cidr=row.cidr,
                ip_version=row.ip_version, gateway_ip=row.gateway_ip,
                enable_dhcp=row.enable_dhcp,
                dns_nameservers=tuple(row.dns_nameservers or ()),
                host_routes=_pairs(row.host_routes, "destination",
                                   "nexthop"),
                allocation_pools=_pairs(row.allocation_pools, "start",
                                        "end"))
            for row in _all(session, models.Subnet))
        port_rows = _all(session, models.Port)
        ids = [row.id for row in port_rows]
        addresses = port_store.fixed_ips(session, ids)
        active = bindings.active(session, ids)
        groups = {}
        for port_id, group_id in session.execute(sa.select(
                models.PortSecurityGroup.port_id,
                models.PortSecurityGroup.security_group_id)):
            groups.setdefault(port_id, []).append(group_id)
        ports = {row.id: state.Port(
            id=row.id, network_id=row.network_id,
            mac_address=row.mac_address, device_id=row.device_id,
            device_owner=row.device_owner, project_id=row.project_id,
            fixed_ips=tuple(state.FixedIP(ip["subnet_id"], ip["ip_address"])
                            for ip in addresses[row.id]),
            admin_state_up=row.admin_state_up,
            port_security_enabled=row.port_security_enabled,
            security_group_ids=tuple(sorted(groups.get(row.id, ()))),
            allowed_address_pairs=_pairs(row.allowed_address_pairs,
                                         "ip_address", "mac_address"),
            host=active[row.id].host if row.id in active else "")
            for row in port_rows}
        rules = {}
        for row in _all(session, models.SecurityGroupRule):
            rules.setdefault(row.security_group_id, []).append(
                state.SecurityGroupRule(
                    id=row.id, security_group_id=row.security_group_id,
                    direction=row.direction, ethertype=row.ethertype,
                    protocol=row.protocol,
                    port_range_min=row.port_range_min,
                    port_range_max=row.port_range_max,
                    remote_ip_prefix=row.remote_ip_prefix,
                    remote_group_id=row.remote_group_id))
        security_groups = tuple(
            state.SecurityGroup(
                id=row.id, project_id=row.project_id, stateful=row.stateful,
                rules=tuple(sorted(rules.get(row.id, ()),
                                   key=lambda rule: rule.id)))
            for row in _all(session, models.SecurityGroup))
        routers = tuple(
            state.Router(
                id=row.id, project_id=row.project_id,
                admin_state_up=row.admin_state_up,
                gateway_port=ports.get(row.gw_port_id),
                enable_snat=row.enable_snat,
                interface_ports=tuple(
                    port for port in ports.values()
                    if port.device_id == row.id
                    and port.device_owner.startswith(
                        "network:router_interface")),
                routes=_pairs(row.routes, "destination", "nexthop"))
            for row in _all(session, models.Router))
        floating_ips = tuple(
            state.FloatingIP(
                id=row.id, floating_ip_address=row.floating_ip_address,
                floating_network_id=row.floating_network_id,
                router_id=row.router_id, port_id=row.fixed_port_id,
                fixed_ip_address=row.fixed_ip_address)
            for row in _all(session, models.FloatingIP))
    return state.State(networks=networks, subnets=subnets,
                       ports=tuple(ports.values()),
                       security_groups=security_groups, routers=routers,
                       floating_ips=floating_ips)


def ensure_dhcp_port(databases, network_id, device_id, subnet_ids):
    """The network's DHCP port of device_id with an address on each of
    subnet_ids (made, or made again when the subnets changed): (id, MAC,
    {subnet_id: address}), or None when the network is gone."""
    def ensure():
        with databases.api.writer() as session:
            network = session.get(models.Network, network_id)
            if network is None:
                return None
            rows = session.execute(sa.select(models.Port).where(
                models.Port.network_id == network_id,
                models.Port.device_owner == DHCP_OWNER,
                models.Port.device_id == device_id)).scalars().all()
            wanted = set(subnet_ids)
            for row in rows:
                have = {ip["subnet_id"]: ip["ip_address"] for ip in
                        port_store.fixed_ips(session, [row.id])[row.id]}
                if set(have) == wanted:
                    return row.id, row.mac_address, have
                port_store.remove_port(session, row.id)
            session.flush()
            row = port_store.add_port(
                session, network_id, network.project_id,
                fixed_ips=[{"subnet_id": subnet_id}
                           for subnet_id in sorted(wanted)],
                device_owner=DHCP_OWNER, device_id=device_id,
                name="", port_security_enabled=False, status="ACTIVE")
            bindings.set_active(session, row.id, "", "normal", {},
                                bindings.UNBOUND, {})
            have = {ip["subnet_id"]: ip["ip_address"] for ip in
                    port_store.fixed_ips(session, [row.id])[row.id]}
            return row.id, row.mac_address, have
    return ipam.retry_on_conflict(db_api.retry_on_deadlock(ensure))

