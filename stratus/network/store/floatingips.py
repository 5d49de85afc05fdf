"""Floating IPs (Neutron's floatingip of the router extension, with
fip-port-details): an address of an external network, held by a port
there (``device_owner`` ``network:floatingip``, ``device_id`` the
floating IP's id, no project), and associated with a fixed IPv4 address
of a port that a router connects to that external network.

The router is the one with its gateway on the floating IP's network and
an interface on the fixed address's subnet (the one holding the subnet's
gateway IP first), as Neutron chooses it. A fixed address has one
floating IP per external network: the association locks the fixed port's
row, so two racing associations of one address see each other. Deleting
a port disassociates its floating IPs (``ports.disassociate_floating_ips``, which the
ports' delete calls; the foreign key's SET NULL alone would leave the
router and fixed address behind, and the view shows a floating IP without
a port as disassociated anyway).
"""
import ipaddress

import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common
from stratus.network.store import ipam
from stratus.network.store import ports
from stratus.network.store import routers

ACTIVE = "ACTIVE"
DOWN = "DOWN"


def bad_request(msg):
    return net_exception.BadRequest(resource="floatingip", msg=msg)


def _version(address):
    return ipaddress.ip_address(address).version


def router_for(session, port, subnet, external_network_id):
    """The router joining the fixed address's subnet to the external
    network, else ExternalGatewayForFloatingIPNotFound."""
    found = session.execute(
        sa.select(models.Port.device_id, models.IPAllocation.ip_address)
        .join(models.IPAllocation,
              models.IPAllocation.port_id == models.Port.id)
        .join(models.Router, models.Router.id == models.Port.device_id)
        .where(models.Port.network_id == port.network_id,
               models.Port.device_owner == routers.INTERFACE_OWNER,
               models.IPAllocation.subnet_id == subnet.id,
               models.Router.gw_network_id == external_network_id,
               models.Router.gw_port_id.is_not(None))
        .order_by(models.Router.created_at, models.Router.id)).all()
    for router_id, address in found:
        if address == subnet.gateway_ip:
            return router_id
    if found:
        return found[0][0]
    raise net_exception.ExternalGatewayForFloatingIPNotFound(
        external_network_id=external_network_id, subnet_id=subnet.id,
        port_id=port.id)


class FloatingIPStore(common.ResourceStore):
    model = models.FloatingIP
    # The association's fields filter over the view, which shows a
    # floating IP whose port went as disassociated ("": no column).
    columns = {"port_id": "fixed_port_id", "router_id": "",
               "fixed_ip_address": "", "status": ""}

    def not_found(self, resource_id):
        return net_exception.FloatingIPNotFound(floatingip_id=resource_id)

    def to_dicts(self, session, rows):
        port_ids = {row.fixed_port_id for row in rows if row.fixed_port_id}
        fixed_ports = {}
        if port_ids:
            fixed_ports = {port.id: port for port in session.execute(
                sa.select(models.Port).where(
                    models.Port.id.in_(list(port_ids)))).scalars()}
        items = []
        for row in rows:
            port = fixed_ports.get(row.fixed_port_id)
            details = None
            if port is not None:
                details = {"name": port.name, "network_id": port.network_id,
                           "mac_address": port.mac_address,
                           "admin_state_up": port.admin_state_up,
                           "status": port.status,
                           "device_id": port.device_id,
                           "device_owner": port.device_owner}
            items.append(dict(
                common.standard_attributes(row),
                id=row.id,
                floating_ip_address=row.floating_ip_address,
                floating_network_id=row.floating_network_id,
                port_id=row.fixed_port_id if port else None,
                fixed_ip_address=row.fixed_ip_address if port else None,
                router_id=row.router_id if port else None,
                status=row.status if port else DOWN,
                port_details=details,
            ))
        return items

    def create(self, ctx, values):
        network_id = values["floating_network_id"]

        def create_floatingip():
            with self.db.writer() as session:
                network = session.get(models.Network, network_id)
                if network is None:
                    raise net_exception.NetworkNotFound(net_id=network_id)
                if not network.external:
                    raise bad_request("Network %s is not a valid external "
                                      "network" % network_id)
                if not any(subnet.ip_version == 4 for subnet in
                           ipam.subnets_of(session, network_id)):
                    raise bad_request("Network %s does not contain any IPv4 "
                                      "subnet" % network_id)
                requested = None
                wanted = {key: values[key] for key in ("subnet_id",
                                                       "floating_ip_address")
                          if values.get(key)}
                if wanted:
                    requested = [{"subnet_id": wanted.get("subnet_id"),
                                  "ip_address": wanted.get(
                                      "floating_ip_address")}]
                    requested = [{key: value for key, value in entry.items()
                                  if value is not None}
                                 for entry in requested]
                fip_id = common.new_id()
                port = ports.add_port(
                    session, network_id, "", fixed_ips=requested,
                    device_id=fip_id, device_owner=routers.FLOATINGIP_OWNER,
                    name="", admin_state_up=True, status="N/A")
                addresses = [ip["ip_address"] for ip in ports.fixed_ips(
                    session, [port.id])[port.id]
                    if _version(ip["ip_address"]) == 4]
                if not addresses:
                    raise net_exception.ExternalIpAddressExhausted(
                        net_id=network_id)
                row = self.insert(
                    session, id=fip_id, project_id=values["project_id"],
                    description=values.get("description") or "",
                    floating_network_id=network_id,
                    floating_ip_address=addresses[0],
                    floating_port_id=port.id, status=DOWN)
                if values.get("port_id") or values.get("fixed_ip_address"):
                    self._associate(session, ctx, row, values.get("port_id"),
                                    values.get("fixed_ip_address"))
                session.flush()
                return self.to_dicts(session, [row])[0]
        return ipam.retry_on_conflict(create_floatingip)

    def update(self, ctx, resource_id, values):
        """port_id associates (null: disassociates); fixed_ip_address alone
        re-associates the current port with another of its addresses."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            if "port_id" in values:
                self._associate(session, ctx, row, values["port_id"],
                                values.get("fixed_ip_address"))
            elif values.get("fixed_ip_address") is not None:
                self._associate(session, ctx, row, row.fixed_port_id,
                                values["fixed_ip_address"])
            columns = {column: value for column, value
                       in self.to_columns(values).items()
                       if column in ("description",)}
            row = self.update_row(session, resource_id, columns)
            return self.to_dicts(session, [row])[0]

    def delete(self, ctx, resource_id):
        """The floating IP and its port: the address is free again."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            port_id = row.floating_port_id
            session.delete(row)
            session.flush()
            ports.remove_port(session, port_id)

    # Association ----------------------------------------------------------

    def _associate(self, session, ctx, row, port_id, fixed_ip_address):
        if port_id is None:
            if fixed_ip_address:
                raise bad_request("fixed_ip_address cannot be specified "
                                  "without a port_id")
            row.fixed_port_id = None
            row.fixed_ip_address = None
            row.router_id = None
            row.status = DOWN
            return
        # The fixed port's row locked: one association of an address at a
        # time.
        port = session.execute(sa.select(models.Port).where(
            models.Port.id == port_id).with_for_update()).scalars().first()
        if port is None or not routers.port_visible(ctx, port):
            raise net_exception.PortNotFound(port_id=port_id)
        if port.project_id != row.project_id and not ctx.is_admin:
            raise bad_request("Cannot process floating IP association with "
                              "Port %s, since that port is owned by a "
                              "different tenant" % port_id)
        address, subnet_id = self._fixed_address(session, port,
                                                 fixed_ip_address)
        subnet = session.get(models.Subnet, subnet_id)
        router_id = router_for(session, port, subnet,
                               row.floating_network_id)
        taken = session.execute(sa.select(models.FloatingIP.id).where(
            models.FloatingIP.fixed_port_id == port.id,
            models.FloatingIP.floating_network_id == row.floating_network_id,
            models.FloatingIP.fixed_ip_address == address,
            models.FloatingIP.id != row.id)).first()
        if taken is not None:
            raise net_exception.FloatingIPPortAlreadyAssociated(
                floating_ip_address=row.floating_ip_address, fip_id=row.id,
                port_id=port.id, fixed_ip=address,
                net_id=row.floating_network_id)
        row.fixed_port_id = port.id
        row.fixed_ip_address = address
        row.router_id = router_id
        row.status = ACTIVE

    @staticmethod
    def _fixed_address(session, port, fixed_ip_address):
        """(address, subnet id) of the port the floating IP maps to."""
        addresses = ports.fixed_ips(session, [port.id])[port.id]
        if fixed_ip_address:
            if _version(fixed_ip_address) != 4:
                raise bad_request("Cannot process floating IP association "
                                  "with %s, since that is not an IPv4 "
                                  "address" % fixed_ip_address)
            wanted = str(ipaddress.ip_address(fixed_ip_address))
            for ip in addresses:
                if ip["ip_address"] == wanted:
                    return wanted, ip["subnet_id"]
            raise bad_request("Port %s does not have fixed ip %s"
                              % (port.id, wanted))
        v4 = [ip for ip in addresses if _version(ip["ip_address"]) == 4]
        if not v4:
            raise bad_request("Cannot add floating IP to port %s that has "
                              "no fixed IPv4 addresses" % port.id)
        if len(v4) > 1:
            raise bad_request("Port %s has multiple fixed IPv4 addresses.  "
                              "Must provide a specific IPv4 address when "
                              "assigning a floating IP" % port.id)
        return v4[0]["ip_address"], v4[0]["subnet_id"]
