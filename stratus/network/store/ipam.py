"""IP address management: the fixed IPs of a new port, from its
network's subnets.

A port asks for addresses as Neutron's ``fixed_ips`` do: a list of
``{"subnet_id"?, "ip_address"?}``: a given address (checked to be in the
subnet and free), any free address of a given subnet, or, with no list,
one address of the network's first IPv4 subnet that has room and one of
each IPv6 subnet. Free means inside the subnet's allocation pools, not the
gateway, and not taken: addresses are unique per network in
``network_ip_allocations``, so two ports racing for one address make one
insert fail, and the caller tries again (``retry_on_conflict``).
"""
import ipaddress
import random

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import network_models as models
from stratus.network import exception as net_exception

# Addresses looked at per subnet before giving up on finding a free one
# at random: beyond, the pools are scanned in order.
_RANDOM_TRIES = 16
RETRIES = 10


def default_pools(cidr, gateway_ip):
    """Neutron's default allocation pools: the subnet without its network
    and broadcast addresses (IPv4), its subnet-router anycast address
    (IPv6, the first), and the gateway."""
    network = ipaddress.ip_network(cidr, strict=False)
    first = int(network.network_address) + 1
    last = int(network.broadcast_address) - (1 if network.version == 4
                                             else 0)
    if network.prefixlen >= (31 if network.version == 4 else 127):
        first, last = int(network.network_address), int(
            network.broadcast_address)
    pools = []
    start = first
    gateway = int(ipaddress.ip_address(gateway_ip)) if gateway_ip else None
    if gateway is not None and first <= gateway <= last:
        if gateway > start:
            pools.append((start, gateway - 1))
        start = gateway + 1
    if start <= last:
        pools.append((start, last))
    version = ipaddress.ip_address
    return [{"start": str(version(low)), "end": str(version(high))}
            for low, high in pools]


def _pool_ranges(subnet):
    return [(int(ipaddress.ip_address(pool["start"])),
             int(ipaddress.ip_address(pool["end"])))
            for pool in subnet.allocation_pools or []]


def _used(session, network_id):
    return {row[0] for row in session.execute(
        sa.select(models.IPAllocation.ip_address).where(
            models.IPAllocation.network_id == network_id))}


def in_subnet(subnet, address):
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(
            subnet.cidr, strict=False)
    except ValueError:
        return False


def _free_address(subnet, used):
    """A free address of the subnet's pools, or None."""
    ranges = _pool_ranges(subnet)
    version = ipaddress.ip_address
    taken = {int(version(address)) for address in used
             if in_subnet(subnet, address)}
    if subnet.gateway_ip:
        taken.add(int(version(subnet.gateway_ip)))
    for _ in range(_RANDOM_TRIES):
        if not ranges:
            break
        low, high = random.choice(ranges)
        candidate = random.randint(low, high)
        if candidate not in taken:
            return str(version(candidate))
    for low, high in ranges:
        candidate = low
        while candidate <= high:
            if candidate not in taken:
                return str(version(candidate))
            candidate += 1
    return None


def subnets_of(session, network_id):
    return session.execute(
        sa.select(models.Subnet).where(models.Subnet.network_id == network_id)
        .order_by(models.Subnet.created_at, models.Subnet.id)).scalars().all()


def choose(session, network_id, requested=None):
    """[(subnet_id, ip_address)] for a new port on the network."""
    subnets = subnets_of(session, network_id)
    by_id = {subnet.id: subnet for subnet in subnets}
    used = _used(session, network_id)
    chosen = []
    if requested is None:
        v4 = [subnet for subnet in subnets if subnet.ip_version == 4]
        v6 = [subnet for subnet in subnets if subnet.ip_version == 6]
        for subnet in v4:
            address = _free_address(subnet, used)
            if address is not None:
                chosen.append((subnet.id, address))
                break
        else:
            if v4:
                raise net_exception.IpAddressGenerationFailure(
                    net_id=network_id)
        for subnet in v6:
            address = _free_address(subnet, used)
            if address is None:
                raise net_exception.IpAddressGenerationFailure(
                    net_id=network_id)
            chosen.append((subnet.id, address))
        return chosen
    for entry in requested:
        subnet_id = entry.get("subnet_id")
        address = entry.get("ip_address")
        if subnet_id is not None:
            subnet = by_id.get(subnet_id)
            if subnet is None:
                raise net_exception.InvalidInput(error_message=(
                    "Failed to create port on network %s, because "
                    "fixed_ips included invalid subnet %s"
                    % (network_id, subnet_id)))
        elif address is not None:
            subnet = next((candidate for candidate in subnets
                           if in_subnet(candidate, address)), None)
            if subnet is None:
                raise net_exception.InvalidInput(error_message=(
                    "IP address %s is not a valid IP for any of the "
                    "subnets on the specified network." % address))
        else:
            raise net_exception.InvalidInput(error_message=(
                "Exceeded maximum amount of fixed ips per port."))
        if address is None:
            address = _free_address(subnet, used | {ip for _, ip in chosen})
            if address is None:
                raise net_exception.IpAddressGenerationFailure(
                    net_id=network_id)
        else:
            address = str(ipaddress.ip_address(address))
            if not in_subnet(subnet, address):
                raise net_exception.InvalidInput(error_message=(
                    "IP address %s is not a valid IP for the specified "
                    "subnet." % address))
            if address in used or address in {ip for _, ip in chosen}:
                raise net_exception.IpAddressInUse(net_id=network_id,
                                                   ip_address=address)
        chosen.append((subnet.id, address))
    return chosen


def allocate(session, port_id, network_id, requested=None):
    """Take the port's addresses: [(subnet_id, ip_address)]."""
    chosen = choose(session, network_id, requested)
    for subnet_id, address in chosen:
        session.add(models.IPAllocation(port_id=port_id, subnet_id=subnet_id,
                                        network_id=network_id,
                                        ip_address=address))
    session.flush()
    return chosen


def release(session, port_id):
    session.execute(sa.delete(models.IPAllocation).where(
        models.IPAllocation.port_id == port_id))


def retry_on_conflict(operation):
    """operation() again when a concurrent request took the address (or
    MAC) it chose, up to RETRIES times; each try is a transaction of its
    own."""
    for attempt in range(RETRIES):
        try:
            return operation()
        except sa_exc.IntegrityError:
            if attempt == RETRIES - 1:
                raise
        except net_exception.Conflict as error:
            if not isinstance(error.__cause__, sa_exc.IntegrityError) or (
                    attempt == RETRIES - 1):
                raise
    return None
