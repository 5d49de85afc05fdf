"""Ports: a network's attachments (a server's interface, a router's
interface or gateway, a floating IP's address holder, DHCP), with their
MAC, fixed IPs (ipam.py), bindings and security groups.

``add_port``/``remove_port`` are the core every resource that makes
ports of its own (routers, floating IPs) uses, inside its transaction.
"""
import random

import sqlalchemy as sa

from stratus.db import api as db_api
from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import bindings
from stratus.network.store import common
from stratus.network.store import ipam
from stratus.network.store import security_groups

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


def disassociate_floating_ips(session, port_id):
    """The floating IPs associated with a port that goes lose it, their
    router and fixed address (Neutron's disassociate_floatingips)."""
    session.execute(sa.update(models.FloatingIP).where(
        models.FloatingIP.fixed_port_id == port_id).values(
        fixed_port_id=None, fixed_ip_address=None, router_id=None,
        status="DOWN",
        revision_number=models.FloatingIP.revision_number + 1))


def remove_port(session, port_id):
    """The port and its addresses, bindings and group memberships go; its
    floating IPs are disassociated."""
    disassociate_floating_ips(session, port_id)
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


# Ports as the /v2.0/ports API has them ---------------------------------

# Neutron's max_allowed_address_pair.
MAX_ADDRESS_PAIRS = 10
# Owners whose ports their resource deletes, not the port API.
SERVICE_OWNERS = {"network:router_interface": models.Router,
                  "network:router_gateway": models.Router,
                  "network:floatingip": models.FloatingIP}
_BINDING_FIELDS = ("binding:host_id", "binding:profile", "binding:vnic_type",
                   "binding:vif_type", "binding:vif_details")


def _groups(session, port_ids):
    found = {port_id: [] for port_id in port_ids}
    if port_ids:
        for port_id, group_id in session.execute(
                sa.select(models.PortSecurityGroup.port_id,
                          models.PortSecurityGroup.security_group_id)
                .where(models.PortSecurityGroup.port_id.in_(list(port_ids)))
                .order_by(models.PortSecurityGroup.security_group_id)):
            found[port_id].append(group_id)
    return found


def _fixed_ip_filter(values):
    """Neutron's ``fixed_ips=ip_address=...``/``subnet_id=...`` filters
    as {"ip_address": {...}, "subnet_id": {...}}."""
    wanted = {}
    for value in values:
        key, _, wanted_value = str(value).partition("=")
        if key not in ("ip_address", "subnet_id") or not wanted_value:
            raise net_exception.InvalidInput(error_message=(
                "Invalid fixed_ips filter '%s'" % value))
        wanted.setdefault(key, set()).add(wanted_value)
    return wanted


def _has_fixed_ip(port, wanted):
    return any(all(entry[key] in allowed for key, allowed in wanted.items())
               for entry in port["fixed_ips"])


def _address_pairs(pairs, mac_address):
    """The pairs with each one's MAC (the port's unless given)."""
    if len(pairs) > MAX_ADDRESS_PAIRS:
        raise net_exception.AllowedAddressPairExhausted(
            quota=MAX_ADDRESS_PAIRS)
    settled, seen = [], set()
    for pair in pairs:
        entry = {"ip_address": pair["ip_address"],
                 "mac_address": pair.get("mac_address") or mac_address}
        key = (entry["ip_address"], entry["mac_address"])
        if key in seen:
            raise net_exception.DuplicateAddressPairInRequest(
                mac_address=key[1], ip_address=key[0])
        seen.add(key)
        settled.append(entry)
    return settled


class PortStore(common.ResourceStore):
    """Ports through the API: a member sees its project's ports and the
    ports on its networks. Writes are tried again when a concurrent one
    took the address or MAC chosen (ipam.retry_on_conflict)."""

    model = models.Port

    def __init__(self, databases):
        super().__init__(databases)
        # binding-extended's bindings of a port.
        self.bindings = bindings.BindingStore(databases)

    def not_found(self, resource_id):
        return net_exception.PortNotFound(port_id=resource_id)

    def visible(self, ctx, query):
        # The service role (Nova's service user) reads every port, as
        # Neutron's get_port rule lets it.
        if ctx.is_admin or "service" in (ctx.roles or ()):
            return query
        owned = sa.select(models.Network.id).where(
            models.Network.project_id == ctx.project_id)
        return query.where(sa.or_(models.Port.project_id == ctx.project_id,
                                  models.Port.network_id.in_(owned)))

    def to_dicts(self, session, rows):
        ids = [row.id for row in rows]
        addresses = fixed_ips(session, ids)
        groups = _groups(session, ids)
        active = bindings.active(session, ids)
        items = []
        for row in rows:
            binding = active.get(row.id)
            items.append(dict(
                common.standard_attributes(row),
                id=row.id,
                name=row.name,
                network_id=row.network_id,
                mac_address=row.mac_address,
                admin_state_up=row.admin_state_up,
                status=row.status,
                device_id=row.device_id,
                device_owner=row.device_owner,
                fixed_ips=addresses[row.id],
                security_groups=groups[row.id],
                port_security_enabled=row.port_security_enabled,
                allowed_address_pairs=list(row.allowed_address_pairs or []),
                **{"binding:host_id": binding.host if binding else "",
                   "binding:profile": dict(binding.profile or {})
                   if binding else {},
                   "binding:vnic_type": binding.vnic_type if binding
                   else "normal",
                   "binding:vif_type": binding.vif_type if binding
                   else bindings.UNBOUND,
                   "binding:vif_details": dict(binding.vif_details or {})
                   if binding else {}}))
        return items

    def list(self, ctx, filters=None, sorts=()):
        filters = dict(filters or {})
        wanted = _fixed_ip_filter(filters.pop("fixed_ips", []))
        items = super().list(ctx, filters, sorts)
        if wanted:
            items = [item for item in items if _has_fixed_ip(item, wanted)]
        return items

    def _security_groups(self, session, ctx, project_id, group_ids):
        """The given groups, each one existing and the port's project's
        (any project's for an administrator)."""
        for group_id in group_ids:
            group = session.get(models.SecurityGroup, group_id)
            if group is None or (not ctx.is_admin
                                 and group.project_id != project_id):
                raise net_exception.SecurityGroupNotFound(id=group_id)
        return list(dict.fromkeys(group_ids))

    def _set_groups(self, session, port_id, group_ids):
        session.execute(sa.delete(models.PortSecurityGroup).where(
            models.PortSecurityGroup.port_id == port_id))
        for group_id in group_ids:
            session.add(models.PortSecurityGroup(
                port_id=port_id, security_group_id=group_id))

    def create(self, ctx, values):
        return ipam.retry_on_conflict(db_api.retry_on_deadlock(
            lambda: self._create(ctx, values)))

    def _create(self, ctx, values):
        with self.db.writer() as session:
            network = session.get(models.Network, values["network_id"])
            if network is None:
                raise net_exception.NetworkNotFound(
                    net_id=values["network_id"])
            port_security = values.get("port_security_enabled")
            if port_security is None:
                port_security = network.port_security_enabled
            group_ids = values.get("security_groups")
            if group_ids is None:
                group_ids = []
                if port_security and not values.get(
                        "device_owner", "").startswith("network:"):
                    group_ids = [security_groups.ensure_default(
                        session, values["project_id"])]
            elif group_ids:
                if not port_security:
                    raise (net_exception.
                           PortSecurityAndIPRequiredForSecurityGroups())
                group_ids = self._security_groups(
                    session, ctx, values["project_id"], group_ids)
            pairs = values.get("allowed_address_pairs") or []
            if pairs and not port_security:
                raise net_exception.AddressPairAndPortSecurityRequired()
            vif_type = values.get("binding:vif_type", bindings.UNBOUND)
            row = add_port(
                session, values["network_id"], values["project_id"],
                fixed_ips=values.get("fixed_ips"),
                mac_address=values.get("mac_address"),
                name=values.get("name", ""),
                description=values.get("description", ""),
                admin_state_up=values.get("admin_state_up", True),
                device_id=values.get("device_id", ""),
                device_owner=values.get("device_owner", ""),
                port_security_enabled=port_security,
                status=bindings.port_status(
                    values.get("admin_state_up", True), vif_type,
                    values.get("device_owner", "")))
            row.allowed_address_pairs = _address_pairs(pairs,
                                                       row.mac_address)
            self._set_groups(session, row.id, group_ids)
            bindings.set_active(
                session, row.id, values.get("binding:host_id") or "",
                values.get("binding:vnic_type", "normal"),
                values.get("binding:profile"), vif_type,
                values.get("binding:vif_details", {}))
            return self.to_dicts(session, [row])[0]

    def update(self, ctx, resource_id, values):
        return ipam.retry_on_conflict(db_api.retry_on_deadlock(
            lambda: self._update(ctx, resource_id, values)))

    def _update(self, ctx, resource_id, values):
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            port_security = values.get("port_security_enabled",
                                       row.port_security_enabled)
            group_ids = values.get("security_groups")
            if group_ids:
                if not port_security:
                    raise (net_exception.
                           PortSecurityAndIPRequiredForSecurityGroups())
                group_ids = self._security_groups(
                    session, ctx, row.project_id, group_ids)
            elif group_ids is None and not port_security and _groups(
                    session, [resource_id])[resource_id]:
                raise net_exception.PortSecurityPortHasSecurityGroup()
            if group_ids is not None:
                self._set_groups(session, resource_id, group_ids)
            pairs = values.get("allowed_address_pairs")
            if pairs is not None:
                values = dict(values, allowed_address_pairs=_address_pairs(
                    pairs, row.mac_address))
            elif row.allowed_address_pairs and not port_security:
                raise net_exception.AddressPairAndPortSecurityRequired()
            if values.get("allowed_address_pairs") and not port_security:
                raise net_exception.AddressPairAndPortSecurityRequired()
            if values.get("fixed_ips") is not None:
                self._reallocate(session, row, values["fixed_ips"])
            columns = self.to_columns(values)
            binding = bindings.active(session, [resource_id]).get(resource_id)
            old_host = binding.host if binding else ""
            if any(field in values for field in _BINDING_FIELDS):
                binding = bindings.set_active(
                    session, resource_id,
                    values.get("binding:host_id", binding.host),
                    values.get("binding:vnic_type", binding.vnic_type),
                    values.get("binding:profile", binding.profile),
                    values.get("binding:vif_type", binding.vif_type),
                    values.get("binding:vif_details", binding.vif_details))
            columns["status"] = bindings.port_status(
                values.get("admin_state_up", row.admin_state_up),
                binding.vif_type if binding else bindings.UNBOUND,
                values.get("device_owner", row.device_owner),
                current=row.status,
                rebound=(binding.host if binding else "") != old_host)
            row = self.update_row(session, resource_id, columns)
            return self.to_dicts(session, [row])[0]

    def _reallocate(self, session, row, requested):
        """The port's addresses become the requested ones: those it holds
        stay, the others go, new ones are allocated."""
        held = {entry["ip_address"]: entry["subnet_id"]
                for entry in fixed_ips(session, [row.id])[row.id]}
        keep, new = set(), []
        for entry in requested:
            address = entry.get("ip_address")
            if address in held and entry.get("subnet_id") in (
                    None, held[address]):
                keep.add(address)
            else:
                new.append(entry)
        session.execute(sa.delete(models.IPAllocation).where(
            models.IPAllocation.port_id == row.id,
            models.IPAllocation.ip_address.notin_(keep)))
        session.flush()
        ipam.allocate(session, row.id, row.network_id, new)

    def delete(self, ctx, resource_id):
        """A router's or floating IP's own port goes with it, not here."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            owner = SERVICE_OWNERS.get(row.device_owner)
            if owner is not None and row.device_id and session.get(
                    owner, row.device_id) is not None:
                raise net_exception.ServicePortInUse(
                    port_id=resource_id, device_owner=row.device_owner)
            remove_port(session, resource_id)
