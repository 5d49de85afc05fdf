"""Ports: a network's attachments (a server's interface, a router's
interface or gateway, a floating IP's address holder, DHCP), with their
MAC, fixed IPs (ipam.py), bindings and security groups.

``add_port``/``remove_port`` are the core every resource that makes
ports of its own (routers, floating IPs) uses, inside its transaction.
"""
import random

import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common
from stratus.network.store import ipam

# Neutron's default base_mac: fa:16:3e and three random octets.
MAC_PREFIX = "fa:16:3e"


def generate_mac():
    return "%s:%02x:%02x:%02x" % (MAC_PREFIX, random.randint(0, 255),
                                  random.randint(0, 255),
                                  random.randint(0, 255))


def add_port(session, network_id, project_id, fixed_ips=None,
             mac_address=None, **columns):
    """A new port row on the network with its addresses (fixed_ips as
    Neutron's request gives them; None: ipam's default) and MAC (given,
    else generated). A given MAC or address already on the network is
    MacAddressInUse / IpAddressInUse; a race for a chosen one raises
    IntegrityError (see ipam.retry_on_conflict)."""
    network = session.get(models.Network, network_id)
    if network is None:
        raise net_exception.NetworkNotFound(net_id=network_id)
    if mac_address is not None:
        taken = session.execute(sa.select(models.Port.id).where(
            models.Port.network_id == network_id,
            models.Port.mac_address == mac_address)).first()
        if taken is not None:
            raise net_exception.MacAddressInUse(net_id=network_id,
                                                mac=mac_address)
    columns.setdefault("port_security_enabled",
                       network.port_security_enabled)
    row = models.Port(id=columns.pop("id", None) or common.new_id(),
                      network_id=network_id, project_id=project_id,
                      mac_address=mac_address or generate_mac(), **columns)
    session.add(row)
    session.flush()
    ipam.allocate(session, row.id, network_id, fixed_ips)
    return row


def remove_port(session, port_id):
    """The port and its addresses, bindings and group memberships go."""
    session.execute(sa.delete(models.Port).where(models.Port.id == port_id))


def fixed_ips(session, port_ids):
    """{port_id: [{"subnet_id", "ip_address"}]} in allocation order."""
    found = {port_id: [] for port_id in port_ids}
    if not port_ids:
        return found
    for port_id, subnet_id, address in session.execute(
            sa.select(models.IPAllocation.port_id,
                      models.IPAllocation.subnet_id,
                      models.IPAllocation.ip_address)
            .where(models.IPAllocation.port_id.in_(list(port_ids)))
            .order_by(models.IPAllocation.id)):
        found[port_id].append({"subnet_id": subnet_id,
                               "ip_address": address})
    return found
