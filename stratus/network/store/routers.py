"""Routers (Neutron's router, extraroute and ext-gw-mode extensions):
a router joins its interfaces' subnets and, through its gateway, an
external network.

A router owns ports, made and removed in the router's own transaction
with the port core (ports.add_port/remove_port):

- its gateway: a port on the external network, ``device_owner``
  ``network:router_gateway``, with no project (hidden from users, as in
  Neutron); its fixed IPs are ``external_fixed_ips``;
- its interfaces: one port per attached subnet, ``device_owner``
  ``network:router_interface``, holding the subnet's gateway IP (or a
  port the user made, adopted by ``add_router_interface``).

Both carry ``device_id`` = the router's id: the interfaces are found by it.
An address taken twice by racing requests makes one insert fail; that
request starts again (ipam.retry_on_conflict) and then sees the address
taken (409 IpAddressInUse). Only the database side exists: nothing
routes yet (docs/networking.md).
"""
import ipaddress

import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common
from stratus.network.store import ipam
from stratus.network.store import ports

GATEWAY_OWNER = "network:router_gateway"
INTERFACE_OWNER = "network:router_interface"
FLOATINGIP_OWNER = "network:floatingip"
# Ports the routers and floating IPs own: only their own API removes them.
L3_OWNERS = (GATEWAY_OWNER, INTERFACE_OWNER, FLOATINGIP_OWNER)
NOT_GIVEN = object()


def bad_request(msg):
    return net_exception.BadRequest(resource="router", msg=msg)


def subnet_rows(session, subnet_ids):
    if not subnet_ids:
        return []
    return session.execute(sa.select(models.Subnet).where(
        models.Subnet.id.in_(list(subnet_ids)))
        .order_by(models.Subnet.created_at, models.Subnet.id)).scalars().all()


def _network(cidr):
    return ipaddress.ip_network(cidr, strict=False)


def subnet_visible(ctx, session, subnet):
    """A subnet the caller may use: its own, or on a shared network."""
    if ctx.is_admin or subnet.project_id == ctx.project_id:
        return True
    network = session.get(models.Network, subnet.network_id)
    return network is not None and network.shared


def port_visible(ctx, port):
    return ctx.is_admin or port.project_id == ctx.project_id


def interface_ports(session, router_id):
    return session.execute(sa.select(models.Port).where(
        models.Port.device_id == router_id,
        models.Port.device_owner == INTERFACE_OWNER)
        .order_by(models.Port.created_at, models.Port.id)).scalars().all()


def _check_routes(session, router_id, routes):
    """extraroute: each nexthop on a subnet the router is connected to
    (an interface's or the gateway's), and not the router's own
    address. (Their number is the API's check, [neutron] max_routes.)"""
    router_ports = session.execute(sa.select(models.Port.id).where(
        models.Port.device_id == router_id,
        models.Port.device_owner.in_((INTERFACE_OWNER, GATEWAY_OWNER)))
    ).scalars().all()
    addresses = [ip for port_ips in ports.fixed_ips(session,
                                                    router_ports).values()
                 for ip in port_ips]
    cidrs = [_network(subnet.cidr) for subnet in subnet_rows(
        session, {ip["subnet_id"] for ip in addresses})]
    own = {ip["ip_address"] for ip in addresses}
    for route in routes:
        nexthop = ipaddress.ip_address(route["nexthop"])
        if not any(nexthop in cidr for cidr in cidrs):
            raise net_exception.InvalidRoutes(
                routes=routes, reason="the nexthop is not connected with "
                                      "router")
        if str(nexthop) in own:
            raise net_exception.InvalidRoutes(
                routes=routes, reason="the nexthop is used by router")


def _check_duplicate_subnets(session, row, new_subnets, gateway=False):
    """Neutron's _check_for_dup_router_subnets: a router has one port per
    subnet, and its interfaces' (or gateway's) subnets do not overlap."""
    new_ids = {subnet.id for subnet in new_subnets}
    router_ports = session.execute(sa.select(models.Port).where(
        models.Port.device_id == row.id,
        models.Port.device_owner.in_((INTERFACE_OWNER, GATEWAY_OWNER)))
    ).scalars().all()
    addresses = ports.fixed_ips(session, [port.id for port in router_ports])
    compared = set()
    for port in router_ports:
        for ip in addresses[port.id]:
            if ip["subnet_id"] in new_ids:
                raise bad_request("Router already has a port on subnet %s"
                                  % ip["subnet_id"])
            if gateway == (port.device_owner == GATEWAY_OWNER):
                compared.add(ip["subnet_id"])
    for existing in subnet_rows(session, compared):
        for subnet in new_subnets:
            if _network(subnet.cidr).overlaps(_network(existing.cidr)):
                raise bad_request(
                    "Cidr %s of subnet %s overlaps with cidr %s of subnet %s"
                    % (subnet.cidr, subnet.id, existing.cidr, existing.id))


def attach_subnet(session, row, subnet):
    """The router's new interface port on the subnet, holding its gateway
    IP (IpAddressInUse when another port has it)."""
    if not subnet.gateway_ip:
        raise bad_request("Subnet for router interface must have a "
                          "gateway IP")
    _check_duplicate_subnets(session, row, [subnet])
    return ports.add_port(
        session, subnet.network_id, row.project_id,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": subnet.gateway_ip}],
        device_id=row.id, device_owner=INTERFACE_OWNER, name="",
        admin_state_up=True)


def set_gateway(session, row, info):
    """external_gateway_info as given: None or {} clears it; another
    network moves it (a new gateway port); new external_fixed_ips on
    the same network re-address the gateway port."""
    network_id = (info or {}).get("network_id")
    if network_id is None:
        clear_gateway(session, row)
        return
    network = session.get(models.Network, network_id)
    if network is None:
        raise net_exception.NetworkNotFound(net_id=network_id)
    if not network.external:
        raise bad_request("Network %s is not an external network"
                          % network_id)
    requested = info.get("external_fixed_ips") or None
    subnets = ipam.subnets_of(session, network_id)
    gateways = {subnet.gateway_ip for subnet in subnets
                if subnet.gateway_ip}
    for entry in requested or []:
        if entry.get("ip_address") in gateways:
            raise bad_request("External IP %s is the same as the "
                              "gateway IP" % entry["ip_address"])
    if row.gw_port_id and row.gw_network_id == network_id:
        if requested and _addresses_change(session, row, requested):
            ipam.release(session, row.gw_port_id)
            session.flush()
            ipam.allocate(session, row.gw_port_id, network_id, requested)
    else:
        clear_gateway(session, row)
        _check_duplicate_subnets(session, row, subnets, gateway=True)
        port = ports.add_port(
            session, network_id, "", fixed_ips=requested,
            device_id=row.id, device_owner=GATEWAY_OWNER, name="",
            admin_state_up=True)
        row.gw_port_id = port.id
        row.gw_network_id = network_id
    if "enable_snat" in info:
        row.enable_snat = info["enable_snat"]
    session.flush()


def _addresses_change(session, row, requested):
    current = ports.fixed_ips(session, [row.gw_port_id])[row.gw_port_id]
    if ({entry["subnet_id"] for entry in requested
         if entry.get("subnet_id")}
            != {ip["subnet_id"] for ip in current}):
        return True
    return ({entry["ip_address"] for entry in requested
             if entry.get("ip_address")}
            != {ip["ip_address"] for ip in current})


def clear_gateway(session, row):
    """The gateway and its port go, unless floating IPs use it."""
    if not row.gw_port_id:
        row.gw_network_id = None
        return
    in_use = session.execute(sa.select(models.FloatingIP.id).where(
        models.FloatingIP.router_id == row.id,
        models.FloatingIP.fixed_port_id.is_not(None))).first()
    if in_use is not None:
        raise net_exception.RouterExternalGatewayInUseByFloatingIp(
            router_id=row.id, net_id=row.gw_network_id)
    port_id = row.gw_port_id
    row.gw_port_id = None
    row.gw_network_id = None
    row.enable_snat = True
    session.flush()
    ports.remove_port(session, port_id)


def _interface_info(router_id, port, subnets):
    return {"id": router_id, "tenant_id": port.project_id,
            "project_id": port.project_id, "port_id": port.id,
            "network_id": port.network_id,
            "subnet_id": subnets[-1].id if subnets else None,
            "subnet_ids": [subnet.id for subnet in subnets]}


class RouterStore(common.ResourceStore):
    model = models.Router

    def not_found(self, resource_id):
        return net_exception.RouterNotFound(router_id=resource_id)

    def has_gateway_on(self, network_id):
        """Whether a router has its gateway on the network."""
        with self.db.reader() as session:
            return session.execute(sa.select(models.Router.id).where(
                models.Router.gw_network_id == network_id)).first() is not None

    def to_dicts(self, session, rows):
        gateway_ips = ports.fixed_ips(
            session, [row.gw_port_id for row in rows if row.gw_port_id])
        items = []
        for row in rows:
            gateway = None
            if row.gw_port_id:
                gateway = {"network_id": row.gw_network_id,
                           "enable_snat": row.enable_snat,
                           "external_fixed_ips": gateway_ips[row.gw_port_id]}
            items.append(dict(
                common.standard_attributes(row),
                id=row.id,
                name=row.name,
                admin_state_up=row.admin_state_up,
                status=row.status,
                external_gateway_info=gateway,
                routes=list(row.routes or []),
            ))
        return items

    # Create, update, delete ----------------------------------------------

    def create(self, ctx, values):
        values = dict(values)
        gateway = values.pop("external_gateway_info", None)

        def create_router():
            with self.db.writer() as session:
                row = self.insert(session, **self.to_columns(values))
                if gateway:
                    set_gateway(session, row, gateway)
                return self.to_dicts(session, [row])[0]
        return ipam.retry_on_conflict(create_router)

    def update(self, ctx, resource_id, values):
        values = dict(values)
        gateway = values.pop("external_gateway_info", NOT_GIVEN)
        if "routes" in values:
            values["routes"] = values["routes"] or []

        def update_router():
            with self.db.writer() as session:
                row = self._row(session, resource_id, for_update=True)
                if gateway is not NOT_GIVEN:
                    set_gateway(session, row, gateway)
                if "routes" in values:
                    _check_routes(session, row.id, values["routes"])
                row = self.update_row(session, resource_id,
                                      self.to_columns(values))
                return self.to_dicts(session, [row])[0]
        return ipam.retry_on_conflict(update_router)

    def delete(self, ctx, resource_id):
        """Refused while the router has interfaces (RouterInUse); its
        gateway port goes with it."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            if interface_ports(session, row.id):
                raise net_exception.RouterInUse(router_id=row.id,
                                                reason="still has ports")
            clear_gateway(session, row)
            session.delete(row)

    # Interfaces ---------------------------------------------------------------

    def add_interface(self, ctx, router_id, subnet_id=None, port_id=None):
        """Attach a subnet (a new port with its gateway IP) or a port of
        the caller's; Neutron's interface info."""
        def add():
            with self.db.writer() as session:
                row = self._row(session, router_id, for_update=True)
                if port_id is not None:
                    port, subnets = self._adopt_port(session, ctx, row,
                                                     port_id)
                else:
                    port, subnets = self._subnet_port(session, ctx, row,
                                                      subnet_id)
                row.revision_number = (row.revision_number or 0) + 1
                session.flush()
                return _interface_info(row.id, port, subnets)
        return ipam.retry_on_conflict(add)

    @staticmethod
    def _visible_subnet(session, ctx, subnet_id):
        subnet = session.get(models.Subnet, subnet_id)
        if subnet is None or not subnet_visible(ctx, session, subnet):
            raise net_exception.SubnetNotFound(subnet_id=subnet_id)
        return subnet

    def _subnet_port(self, session, ctx, row, subnet_id):
        subnet = self._visible_subnet(session, ctx, subnet_id)
        return attach_subnet(session, row, subnet), [subnet]

    @staticmethod
    def _adopt_port(session, ctx, row, port_id):
        port = session.execute(sa.select(models.Port).where(
            models.Port.id == port_id).with_for_update()).scalars().first()
        if port is None or not port_visible(ctx, port):
            raise net_exception.PortNotFound(port_id=port_id)
        if port.device_id:
            raise net_exception.PortInUse(port_id=port.id,
                                          net_id=port.network_id,
                                          device_id=port.device_id)
        addresses = ports.fixed_ips(session, [port.id])[port.id]
        if not addresses:
            raise bad_request("Router port must have at least one fixed IP")
        subnets = subnet_rows(session, {ip["subnet_id"] for ip in addresses})
        _check_duplicate_subnets(session, row, subnets)
        if len([subnet for subnet in subnets if subnet.ip_version == 4]) > 1:
            raise bad_request("Cannot have multiple IPv4 subnets on router "
                              "port")
        port.device_id = row.id
        port.device_owner = INTERFACE_OWNER
        port.revision_number = (port.revision_number or 0) + 1
        return port, subnets

    def remove_interface(self, ctx, router_id, subnet_id=None, port_id=None):
        """Detach by port (the router's interface port) or by subnet; the
        port goes. Refused while a floating IP or a route needs it."""
        with self.db.writer() as session:
            row = self._row(session, router_id, for_update=True)
            if port_id is not None:
                port = session.execute(sa.select(models.Port).where(
                    models.Port.id == port_id,
                    models.Port.device_id == row.id,
                    models.Port.device_owner == INTERFACE_OWNER)
                ).scalars().first()
                if port is None:
                    raise net_exception.RouterInterfaceNotFound(
                        router_id=row.id, port_id=port_id)
                port_subnets = [ip["subnet_id"] for ip in ports.fixed_ips(
                    session, [port.id])[port.id]]
                if subnet_id is not None and subnet_id not in port_subnets:
                    raise net_exception.SubnetMismatchForPort(
                        port_id=port.id, subnet_id=subnet_id)
                subnets = subnet_rows(session, port_subnets)
                for subnet in subnets:
                    self._check_interface_unused(session, row, subnet)
            else:
                subnet = self._visible_subnet(session, ctx, subnet_id)
                self._check_interface_unused(session, row, subnet)
                port = self._interface_on(session, row, subnet)
                subnets = [subnet]
                remaining = [ip for ip in ports.fixed_ips(
                    session, [port.id])[port.id]
                    if ip["subnet_id"] != subnet.id]
                if remaining:
                    # A port with several (IPv6) subnets loses one.
                    session.execute(sa.delete(models.IPAllocation).where(
                        models.IPAllocation.port_id == port.id,
                        models.IPAllocation.subnet_id == subnet.id))
                    row.revision_number = (row.revision_number or 0) + 1
                    return _interface_info(row.id, port, subnets)
            info = _interface_info(row.id, port, subnets)
            info["subnet_id"] = subnets[0].id if subnets else None
            ports.remove_port(session, port.id)
            row.revision_number = (row.revision_number or 0) + 1
            return info

    @staticmethod
    def _interface_on(session, row, subnet):
        port = session.execute(
            sa.select(models.Port).join(
                models.IPAllocation,
                models.IPAllocation.port_id == models.Port.id)
            .where(models.Port.device_id == row.id,
                   models.Port.device_owner == INTERFACE_OWNER,
                   models.IPAllocation.subnet_id == subnet.id)
        ).scalars().first()
        if port is None:
            raise net_exception.RouterInterfaceNotFoundForSubnet(
                router_id=row.id, subnet_id=subnet.id)
        return port

    @staticmethod
    def _check_interface_unused(session, row, subnet):
        cidr = _network(subnet.cidr)
        for address in session.execute(
                sa.select(models.FloatingIP.fixed_ip_address).where(
                    models.FloatingIP.router_id == row.id,
                    models.FloatingIP.fixed_port_id.is_not(None))
        ).scalars():
            if address and ipaddress.ip_address(address) in cidr:
                raise net_exception.RouterInterfaceInUseByFloatingIP(
                    router_id=row.id, subnet_id=subnet.id)
        for route in row.routes or []:
            if ipaddress.ip_address(route["nexthop"]) in cidr:
                raise net_exception.RouterInterfaceInUseByRoute(
                    router_id=row.id, subnet_id=subnet.id)
