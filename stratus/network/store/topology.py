"""Topologies the service makes itself: the cloud's default external
network ``public`` (made at bootstrap), and a project's auto-allocated
topology (Neutron's auto-allocated-topology extension: ``GET
/v2.0/auto-allocated-topology/{project_id}``).

An auto-allocated topology is a network ``auto_allocated_network`` with
a subnet ``auto_allocated_subnet_v4``, and a router
``auto_allocated_router`` with its gateway on the default external
network (``router:external`` and ``is_default``) and an interface on the
subnet. Neutron takes the subnet from the default subnet pool; this
service has no subnet pools and takes the first /``[neutron]
auto_allocate_prefixlen`` of ``[neutron] auto_allocate_cidr`` that no
subnet overlaps.

The whole topology is made in one transaction that inserts the
project's row of ``network_auto_allocated_topologies`` first: of two
concurrent requests for one project, the second fails on that primary
key (waiting for the first to commit), rolls back everything it made,
and tried again finds the first one's topology.
"""
import ipaddress
import uuid

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common
from stratus.network.store import ipam
from stratus.network.store import networks
from stratus.network.store import routers

PUBLIC_NAME = "public"
PUBLIC_SUBNET_NAME = "public-subnet"
# The public network's id is the same in every cloud's first bootstrap,
# so that two processes bootstrapping at once make it once.
PUBLIC_NETWORK_ID = str(uuid.uuid5(uuid.UUID(
    "0f5fe4a4-0a8c-4d63-9d8e-3d1f1c0b5a21"), PUBLIC_NAME))
PRIVATE_NAME = "private"
PRIVATE_SUBNET_NAME = "private-subnet"
PRIVATE_ROUTER_NAME = "router1"
PRIVATE_NETWORK_ID = str(uuid.uuid5(uuid.UUID(
    "0f5fe4a4-0a8c-4d63-9d8e-3d1f1c0b5a21"), PRIVATE_NAME))
AUTO_NETWORK_NAME = "auto_allocated_network"
AUTO_SUBNET_NAME = "auto_allocated_subnet_v4"
AUTO_ROUTER_NAME = "auto_allocated_router"
NO_DEFAULT_NETWORK = "No default router:external network"
NO_CONNECTIVITY = "Unable to provide external connectivity"
NO_PRIVATE_NETWORK = "Unable to provide tenant private network"


def add_subnet(session, network_id, project_id, cidr, name):
    """A subnet row with its first address as gateway and Neutron's
    default allocation pools."""
    network = ipaddress.ip_network(cidr, strict=False)
    gateway = str(network.network_address + 1)
    row = models.Subnet(
        id=common.new_id(), network_id=network_id, project_id=project_id,
        name=name, ip_version=network.version, cidr=str(network),
        gateway_ip=gateway, enable_dhcp=True,
        allocation_pools=ipam.default_pools(str(network), gateway),
        dns_nameservers=[], host_routes=[], service_types=[], tags=[])
    session.add(row)
    session.flush()
    return row


def ensure_public_network(databases, cidr, project_id, private_cidr=None):
    """The default external network ``public`` with its subnet, unless a
    default external network exists (idempotent). With private_cidr, in
    the same transaction, the shared network ``private`` with that subnet
    and the router ``router1`` joining it to ``public``: made once, with
    ``public``, so that an operator who deletes them keeps them
    deleted."""
    try:
        with databases.api.writer() as session:
            if (_default_external(session) is not None
                    or session.get(models.Network, PUBLIC_NETWORK_ID)):
                return
            public = models.Network(
                id=PUBLIC_NETWORK_ID, project_id=project_id,
                name=PUBLIC_NAME, external=True, is_default=True,
                shared=False, network_type="flat",
                physical_network=PUBLIC_NAME, tags=[])
            session.add(public)
            session.flush()
            add_subnet(session, PUBLIC_NETWORK_ID, project_id, cidr,
                       PUBLIC_SUBNET_NAME)
            if private_cidr:
                _add_private_network(session, public, private_cidr,
                                     project_id)
    except sa_exc.IntegrityError:
        pass    # another process made it at the same time


def _add_private_network(session, public, cidr, project_id):
    """The shared network ``private``, its subnet and ``router1`` (the
    project's, gateway on public, an interface on the subnet), as
    DevStack makes them."""
    session.add(models.Network(
        id=PRIVATE_NETWORK_ID, project_id=project_id, name=PRIVATE_NAME,
        shared=True, tags=[]))
    session.flush()
    subnet = add_subnet(session, PRIVATE_NETWORK_ID, project_id, cidr,
                        PRIVATE_SUBNET_NAME)
    router = models.Router(id=common.new_id(), project_id=project_id,
                           name=PRIVATE_ROUTER_NAME, routes=[], tags=[])
    session.add(router)
    session.flush()
    routers.set_gateway(session, router, {"network_id": public.id})
    routers.attach_subnet(session, router, subnet)


def _default_external(session):
    return session.execute(sa.select(models.Network).where(
        models.Network.external.is_(True),
        models.Network.is_default.is_(True))
        .order_by(models.Network.created_at, models.Network.id)
    ).scalars().first()


def _free_cidr(session, pool, prefixlen):
    """The first prefixlen-long network of the pool no subnet overlaps."""
    pool = ipaddress.ip_network(pool, strict=False)
    used = []
    for cidr in session.execute(sa.select(models.Subnet.cidr).where(
            models.Subnet.ip_version == pool.version)).scalars():
        network = ipaddress.ip_network(cidr, strict=False)
        if network.overlaps(pool):
            used.append(network)
    for candidate in pool.subnets(new_prefix=max(prefixlen,
                                                 pool.prefixlen)):
        if not any(candidate.overlaps(network) for network in used):
            return str(candidate)
    return None


class TopologyStore:
    def __init__(self, databases):
        self.db = databases.api

    def _external_with_subnet(self, session):
        """The default external network, if it can give a gateway an
        IPv4 address; else Neutron's AutoAllocationFailure."""
        external = _default_external(session)
        if external is None:
            raise net_exception.AutoAllocationFailure(
                reason=NO_DEFAULT_NETWORK)
        if not any(subnet.ip_version == 4 for subnet in
                   ipam.subnets_of(session, external.id)):
            raise net_exception.AutoAllocationFailure(reason=NO_CONNECTIVITY)
        return external

    def check_requirements(self):
        """dry-run: what a topology needs is there."""
        with self.db.reader() as session:
            self._external_with_subnet(session)

    def ensure(self, project_id, pool, prefixlen):
        """The id of the project's auto-allocated network, made now if it
        has none."""
        def build():
            with self.db.writer() as session:
                existing = session.get(models.AutoAllocatedTopology,
                                       project_id)
                if existing is not None:
                    return existing.network_id
                external = self._external_with_subnet(session)
                network = models.Network(
                    id=common.new_id(), project_id=project_id,
                    name=AUTO_NETWORK_NAME, tags=[])
                session.add(network)
                session.flush()
                topology = models.AutoAllocatedTopology(
                    project_id=project_id, network_id=network.id)
                session.add(topology)
                session.flush()
                cidr = _free_cidr(session, pool, prefixlen)
                if cidr is None:
                    raise net_exception.AutoAllocationFailure(
                        reason=NO_PRIVATE_NETWORK)
                subnet = add_subnet(session, network.id, project_id, cidr,
                                    AUTO_SUBNET_NAME)
                router = models.Router(
                    id=common.new_id(), project_id=project_id,
                    name=AUTO_ROUTER_NAME, routes=[], tags=[])
                session.add(router)
                session.flush()
                try:
                    routers.set_gateway(session, router,
                                        {"network_id": external.id})
                except net_exception.IpAddressGenerationFailure as error:
                    raise net_exception.AutoAllocationFailure(
                        reason=NO_CONNECTIVITY) from error
                routers.attach_subnet(session, router, subnet)
                topology.router_id = router.id
                session.flush()
                return network.id
        return ipam.retry_on_conflict(build)

    def delete(self, project_id):
        """The project's topology goes (router, subnet, network); refused
        (NetworkInUse) while other ports are on its network."""
        with self.db.writer() as session:
            topology = session.get(models.AutoAllocatedTopology, project_id,
                                   with_for_update=True)
            if topology is None:
                return
            network_id = topology.network_id
            router = (session.get(models.Router, topology.router_id)
                      if topology.router_id else None)
            if router is not None:
                for port in routers.interface_ports(session, router.id):
                    if port.network_id == network_id:
                        session.delete(port)
                session.flush()
                if routers.interface_ports(session, router.id):
                    raise net_exception.RouterInUse(
                        router_id=router.id, reason="still has ports")
                routers.clear_gateway(session, router)
                session.delete(router)
                session.flush()
            in_use = session.execute(
                sa.select(sa.func.count()).select_from(models.Port).where(
                    models.Port.network_id == network_id,
                    models.Port.device_owner.notin_(
                        networks.AUTO_DELETED_OWNERS))).scalar()
            if in_use:
                raise net_exception.NetworkInUse(net_id=network_id)
            session.delete(topology)
            session.flush()
            session.execute(sa.delete(models.Port).where(
                models.Port.network_id == network_id))
            session.execute(sa.delete(models.Subnet).where(
                models.Subnet.network_id == network_id))
            session.execute(sa.delete(models.Network).where(
                models.Network.id == network_id))
