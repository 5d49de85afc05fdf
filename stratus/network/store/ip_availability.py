"""How many addresses each network's subnets have and use (Neutron's
network-ip-availability): the total is the size of a subnet's allocation
pools, the used count its fixed IPs, as Neutron counts them."""
import ipaddress

import sqlalchemy as sa

from stratus.db import network_models as models


def _pool_size(pools):
    return sum(int(ipaddress.ip_address(pool["end"]))
               - int(ipaddress.ip_address(pool["start"])) + 1
               for pool in pools or [])


def availabilities(databases, network_ids=None):
    """[{network_id, network_name, project_id, total_ips, used_ips,
    subnet_ip_availability: [...]}] of the networks (all if None), in
    network id order."""
    networks = sa.select(models.Network.id, models.Network.name,
                         models.Network.project_id).order_by(models.Network.id)
    if network_ids is not None:
        networks = networks.where(models.Network.id.in_(list(network_ids)))
    with databases.api.reader() as session:
        rows = session.execute(networks).all()
        ids = [row.id for row in rows]
        subnets = session.execute(sa.select(models.Subnet).where(
            models.Subnet.network_id.in_(ids)).order_by(
            models.Subnet.created_at, models.Subnet.id)).scalars().all()
        used = dict(session.execute(
            sa.select(models.IPAllocation.subnet_id, sa.func.count())
            .where(models.IPAllocation.network_id.in_(ids))
            .group_by(models.IPAllocation.subnet_id)).all())
        by_network = {}
        for subnet in subnets:
            by_network.setdefault(subnet.network_id, []).append({
                "subnet_id": subnet.id, "subnet_name": subnet.name,
                "cidr": subnet.cidr, "ip_version": subnet.ip_version,
                "total_ips": _pool_size(subnet.allocation_pools),
                "used_ips": used.get(subnet.id, 0)})
    found = []
    for row in rows:
        subnet_list = by_network.get(row.id, [])
        found.append({
            "network_id": row.id, "network_name": row.name,
            "project_id": row.project_id, "tenant_id": row.project_id,
            "total_ips": sum(item["total_ips"] for item in subnet_list),
            "used_ips": sum(item["used_ips"] for item in subnet_list),
            "subnet_ip_availability": subnet_list})
    return found
