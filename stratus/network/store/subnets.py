"""Subnets: a network's address ranges, with Neutron's rules.

``settle(values, existing)`` completes and checks a subnet's addresses
before it is written: the cidr against the IP version, the gateway (the
first address unless given; null for none), the allocation pools (ipam's
defaults unless given; inside the cidr, not overlapping each other, not
holding the gateway), the DNS servers and host routes. Two subnets of one
network may not overlap (checked in the writing transaction).

A subnet is seen by its project, by the owner of its network and, when
its network is shared, by everyone.
"""
import ipaddress

import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common
from stratus.network.store import ipam

# Neutron's defaults of max_dns_nameservers and max_subnet_host_routes.
MAX_DNS_NAMESERVERS = 5
MAX_HOST_ROUTES = 20
IPV6_MODES = ("slaac", "dhcpv6-stateful", "dhcpv6-stateless")
# Ports whose addresses go with their subnet (Neutron's auto-deleted
# owners); any other port's address makes a subnet in use.
AUTO_DELETED_OWNERS = ("network:dhcp",)

# A POST that leaves gateway_ip or allocation_pools out gets Neutron's
# defaults; null is a value of its own (no gateway).
NOT_SPECIFIED = "<not specified>"


def _invalid(message):
    return net_exception.InvalidInput(error_message=message)


def parse_cidr(cidr):
    """The network of a cidr as Neutron's validator takes it: host bits
    set are refused with the cidr it recommends."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except (ValueError, TypeError):
        raise _invalid("'%s' is not a valid IP subnet" % cidr) from None
    if "/" not in cidr:
        raise _invalid("'%s' is not a valid IP subnet" % cidr)
    if ipaddress.ip_interface(cidr).ip != network.network_address:
        raise _invalid("'%s' isn't a recognized IP subnet cidr, '%s' is "
                       "recommended" % (cidr, network))
    return network


def parse_address(value, what):
    try:
        return ipaddress.ip_address(value)
    except (ValueError, TypeError):
        raise _invalid("'%s' is not a valid IP address for %s"
                       % (value, what)) from None


def _pool_text(pool):
    return "%s-%s" % (pool["start"], pool["end"])


def _check_pools(network, pools, gateway):
    """Neutron's allocation pool checks, in its order."""
    ranges = []
    if network.version == 4 and network.prefixlen < 31:
        first = network.network_address + 1
        last = network.broadcast_address - 1
    else:
        first, last = network.network_address, network.broadcast_address
    for pool in pools:
        try:
            start = ipaddress.ip_address(pool["start"])
            end = ipaddress.ip_address(pool["end"])
        except (ValueError, TypeError):
            raise net_exception.InvalidAllocationPool(
                pool=_pool_text(pool)) from None
        if (start.version != network.version or end.version != network.version
                or start > end):
            raise net_exception.InvalidAllocationPool(pool=_pool_text(pool))
        if start < first or end > last:
            raise net_exception.OutOfBoundsAllocationPool(
                pool=_pool_text(pool), subnet_cidr=str(network))
        ranges.append((start, end, pool))
    ranges.sort(key=lambda entry: entry[0])
    for (_, end_1, pool_1), (start_2, _, pool_2) in zip(ranges, ranges[1:]):
        if start_2 <= end_1:
            raise net_exception.OverlappingAllocationPools(
                pool_1=_pool_text(pool_1), pool_2=_pool_text(pool_2),
                subnet_cidr=str(network))
    if gateway is not None:
        for start, end, pool in ranges:
            if start <= gateway <= end:
                raise net_exception.GatewayConflictWithAllocationPools(
                    ip_address=str(gateway), pool=_pool_text(pool))


def _check_nameservers(servers, subnet_id):
    if len(servers) > MAX_DNS_NAMESERVERS:
        raise net_exception.DNSNameServersExhausted(
            subnet_id=subnet_id, quota=MAX_DNS_NAMESERVERS)
    seen = set()
    for server in servers:
        parse_address(server, "dns_nameservers")
        if server in seen:
            raise _invalid("Duplicate nameserver '%s'" % server)
        seen.add(server)


def _check_routes(routes, subnet_id, version):
    if len(routes) > MAX_HOST_ROUTES:
        raise net_exception.HostRoutesExhausted(subnet_id=subnet_id,
                                                quota=MAX_HOST_ROUTES)
    seen = set()
    for route in routes:
        destination = parse_cidr(route["destination"])
        nexthop = parse_address(route["nexthop"], "host_routes")
        if destination.version != version or nexthop.version != version:
            raise _invalid("Host route %s-%s does not match the subnet's IP "
                           "version" % (route["destination"],
                                        route["nexthop"]))
        key = (str(destination), str(nexthop))
        if key in seen:
            raise _invalid("Duplicate hostroute '%s'" % route["destination"])
        seen.add(key)


def _check_ipv6_modes(version, ra_mode, address_mode):
    if version == 4:
        if ra_mode or address_mode:
            raise _invalid("ipv6_ra_mode or ipv6_address_mode cannot be set "
                           "when ip_version is 4")
        return
    if ra_mode and address_mode and ra_mode != address_mode:
        raise _invalid("ipv6_ra_mode set to '%s' with ipv6_address_mode set "
                       "to '%s' is not valid. If both attributes are set, "
                       "they must be the same value"
                       % (ra_mode, address_mode))


def settle(values, existing=None):
    """Complete values (a POST's, or a PUT's over the existing subnet)
    with Neutron's defaults, and check them; values changes in place."""
    merged = dict(existing or {}, **values)
    network = parse_cidr(merged["cidr"])
    if network.version != merged["ip_version"]:
        raise _invalid("Cidr %s does not match the subnet's ip_version %s"
                       % (merged["cidr"], merged["ip_version"]))
    if existing is None:
        values["cidr"] = str(network)
    gateway_ip = merged.get("gateway_ip")
    if gateway_ip == NOT_SPECIFIED:
        gateway_ip = str(network.network_address + 1) if (
            network.num_addresses > 2) else None
        values["gateway_ip"] = gateway_ip
    gateway = None
    if gateway_ip is not None:
        gateway = parse_address(gateway_ip, "gateway_ip")
        if gateway.version != network.version:
            raise _invalid("Gateway IP version inconsistent with allocation "
                           "pool version")
        if network.version == 4 and network.prefixlen < 31 and gateway in (
                network.network_address, network.broadcast_address):
            raise _invalid("Gateway is not valid on subnet")
        values["gateway_ip"] = gateway_ip = str(gateway)
    pools = merged.get("allocation_pools")
    if pools == NOT_SPECIFIED or pools is None:
        values["allocation_pools"] = ipam.default_pools(str(network),
                                                        gateway_ip)
    else:
        _check_pools(network, pools, gateway)
        if "allocation_pools" in values:
            values["allocation_pools"] = [
                {"start": str(ipaddress.ip_address(pool["start"])),
                 "end": str(ipaddress.ip_address(pool["end"]))}
                for pool in pools]
    subnet_id = merged.get("id", "")
    _check_nameservers(merged.get("dns_nameservers") or [], subnet_id)
    _check_routes(merged.get("host_routes") or [], subnet_id,
                  network.version)
    _check_ipv6_modes(network.version, merged.get("ipv6_ra_mode"),
                      merged.get("ipv6_address_mode"))
    return values


class SubnetStore(common.ResourceStore):
    model = models.Subnet

    def not_found(self, resource_id):
        return net_exception.SubnetNotFound(subnet_id=resource_id)

    def visible(self, ctx, query):
        if ctx.is_admin:
            return query
        networks = sa.select(models.Network.id).where(sa.or_(
            models.Network.project_id == ctx.project_id,
            models.Network.shared.is_(True)))
        return query.where(sa.or_(models.Subnet.project_id == ctx.project_id,
                                  models.Subnet.network_id.in_(networks)))

    def to_dicts(self, session, rows):
        return [dict(
            common.standard_attributes(row),
            id=row.id,
            name=row.name,
            network_id=row.network_id,
            ip_version=row.ip_version,
            cidr=row.cidr,
            gateway_ip=row.gateway_ip,
            allocation_pools=list(row.allocation_pools or []),
            dns_nameservers=list(row.dns_nameservers or []),
            host_routes=list(row.host_routes or []),
            enable_dhcp=row.enable_dhcp,
            ipv6_ra_mode=row.ipv6_ra_mode,
            ipv6_address_mode=row.ipv6_address_mode,
            subnetpool_id=None,
            segment_id=None,
            service_types=list(row.service_types or []),
        ) for row in rows]

    def network_owner(self, network_id):
        """(project_id, shared) of a network, or None."""
        with self.db.reader() as session:
            row = session.execute(
                sa.select(models.Network.project_id, models.Network.shared)
                .where(models.Network.id == network_id)).first()
        return tuple(row) if row is not None else None

    def create(self, ctx, values):
        network = parse_cidr(values["cidr"])
        with self.db.writer() as session:
            # The network's row locked: two overlapping subnets made at
            # once on one network cannot both pass the overlap check.
            network_row = session.execute(
                sa.select(models.Network.id)
                .where(models.Network.id == values["network_id"])
                .with_for_update()).first()
            if network_row is None:
                raise net_exception.NetworkNotFound(
                    net_id=values["network_id"])
            for other in ipam.subnets_of(session, values["network_id"]):
                if network.overlaps(ipaddress.ip_network(other.cidr)):
                    raise _invalid(
                        "Requested subnet with cidr: %s for network: %s "
                        "overlaps with another subnet"
                        % (values["cidr"], values["network_id"]))
            row = self.insert(session, **self.to_columns(values))
            return self.to_dicts(session, [row])[0]

    def delete(self, ctx, resource_id):
        """Refused while a port other than an auto-deleted one (DHCP)
        holds an address of the subnet; those lose theirs."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            owners = sa.select(models.Port.id).where(
                models.Port.device_owner.in_(AUTO_DELETED_OWNERS))
            in_use = session.execute(
                sa.select(sa.func.count()).select_from(models.IPAllocation)
                .where(models.IPAllocation.subnet_id == resource_id,
                       models.IPAllocation.port_id.notin_(owners))).scalar()
            if in_use:
                raise net_exception.SubnetInUse(
                    subnet_id=resource_id, reason="One or more ports have an "
                    "IP allocation from this subnet")
            session.execute(sa.delete(models.IPAllocation).where(
                models.IPAllocation.subnet_id == resource_id))
            session.delete(row)
