"""Networks: a project's own, shared ones, and external ones (that
routers and floating IPs take addresses from)."""
import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common


class NetworkStore(common.ResourceStore):
    model = models.Network
    columns = {"router:external": "external",
               "provider:network_type": "network_type",
               "provider:physical_network": "physical_network",
               "provider:segmentation_id": "segmentation_id"}

    def not_found(self, resource_id):
        return net_exception.NetworkNotFound(net_id=resource_id)

    def visible(self, ctx, query):
        if ctx.is_admin:
            return query
        return query.where(sa.or_(models.Network.project_id == ctx.project_id,
                                  models.Network.shared.is_(True),
                                  models.Network.external.is_(True)))

    def to_dicts(self, session, rows):
        subnets = {}
        if rows:
            for network_id, subnet_id in session.execute(
                    sa.select(models.Subnet.network_id, models.Subnet.id)
                    .where(models.Subnet.network_id.in_(
                        [row.id for row in rows]))
                    .order_by(models.Subnet.created_at, models.Subnet.id)):
                subnets.setdefault(network_id, []).append(subnet_id)
        return [dict(
            common.standard_attributes(row),
            id=row.id,
            name=row.name,
            admin_state_up=row.admin_state_up,
            status=row.status,
            shared=row.shared,
            subnets=subnets.get(row.id, []),
            mtu=row.mtu,
            port_security_enabled=row.port_security_enabled,
            is_default=row.is_default,
            dns_domain=row.dns_domain,
            availability_zone_hints=[],
            availability_zones=["nova"],
            ipv4_address_scope=None,
            ipv6_address_scope=None,
            l2_adjacency=True,
            **{"router:external": row.external,
               "provider:network_type": row.network_type,
               "provider:physical_network": row.physical_network,
               "provider:segmentation_id": row.segmentation_id},
        ) for row in rows]

    def create(self, ctx, values):
        with self.db.writer() as session:
            row = self.insert(session, **self.to_columns(values))
            return self.to_dicts(session, [row])[0]

    def delete(self, ctx, resource_id):
        """Refused while ports other than the network's own (DHCP,
        router gateway) are on it."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            in_use = session.execute(
                sa.select(sa.func.count()).select_from(models.Port).where(
                    models.Port.network_id == resource_id,
                    models.Port.device_owner.notin_(AUTO_DELETED_OWNERS))
            ).scalar()
            if in_use:
                raise net_exception.NetworkInUse(net_id=resource_id)
            session.delete(row)


# Ports Neutron deletes itself with their network.
AUTO_DELETED_OWNERS = ("network:dhcp",)
