"""A server's ports in the network service (a real Neutron or Stratus's
built-in one), as Nova's compute keeps them:

- ``allocate_for_instance``: for each requested network a new port (with
  the fixed IP and security groups asked for), or the port the request
  named, taken for the server: ``device_id`` the server, ``device_owner``
  ``compute:<zone>``, bound to this host (``binding:host_id``); with no
  network named (``auto``), the one network the project has (its own or
  a shared one) or, when it has none, the topology the network service
  auto-allocates; ``none``: no port;
- ``network_info``: Nova's list of VIFs built from the server's ports,
  their networks, subnets and floating IPs (saved as the info cache);
- ``bind_ports``: the server's ports bound to another host (a move);
- a live migration, when the network service has ``binding-extended``
  (Nova's multiple port bindings): ``bind_ports_on_destination`` adds an
  INACTIVE binding of each port on the destination before the guest
  moves, ``activate_bindings`` makes them ACTIVE once it has moved (the
  source's go), ``delete_bindings`` drops them when the migration rolls
  back (the source's stay ACTIVE); without the extension the ports are
  rebound at the end (``bind_ports``) as for the other moves;
- ``deallocate_for_instance``: the ports Stratus made are deleted, the
  ones the user made are given back unbound.

Everything goes through the REST client (stratus.network.neutron); the
binding attributes are an administrator's, so those calls are made with
the request's context elevated, as Nova uses its admin client.
"""
import logging

from stratus import client_exception
from stratus import exception
from stratus.network import model

LOG = logging.getLogger(__name__)

AUTO = "auto"
NONE = "none"
COMPUTE_OWNER = "compute:%s"
BINDING_HOST = "binding:host_id"
BINDING_EXTENDED = "binding-extended"


def requested_list(requested_networks):
    """The request's networks: [] for none, None for auto (or nothing
    asked), else the list of {network_id, port_id, address, tag}."""
    requested = requested_networks or []
    network_ids = [item.get("network_id") for item in requested]
    if network_ids == [NONE]:
        return []
    if not requested or network_ids == [AUTO]:
        return None
    return requested


class ServerPorts:
    """The network provider of a compute host whose guests' ports live in
    the network service."""

    # No network of the host's own (the builtin bridge provider has one).
    network_id = None
    ports_follow_server = True

    def __init__(self, conf, host, neutron):
        self.conf = conf
        self.host = host
        self.neutron = neutron

    # The provider seam (stratus.network.api) --------------------------------

    def setup(self):
        """Nothing to prepare on the host: the network service has it."""

    def deallocate_others(self, instance_uuids):
        """Ports of servers gone while this host was down stay with the
        network service until their server's delete frees them."""

    # Allocation ---------------------------------------------------------------

    def _owner(self, instance):
        return COMPUTE_OWNER % (instance.get("availability_zone")
                                or self.conf.default_availability_zone)

    def _binding(self, instance, host=None):
        return {"device_id": instance.uuid,
                "device_owner": self._owner(instance),
                BINDING_HOST: host or self.host}

    def _auto_networks(self, ctx, instance):
        networks = self.neutron.available_networks(ctx, instance.project_id)
        if len(networks) > 1:
            raise exception.NetworkAmbiguous()
        if networks:
            return [{"network_id": networks[0]["id"]}]
        if not self.neutron.has_extension(ctx, "auto-allocated-topology"):
            return []
        topology = self.neutron.auto_allocated_topology(ctx,
                                                        instance.project_id)
        return [{"network_id": topology["id"]}]

    def _security_group_ids(self, ctx, instance, names):
        """Ids of the security groups named (names or ids); none when only
        the default group is asked for: the network service gives every
        new port its project's default group itself."""
        if not names or list(names) == ["default"]:
            return None
        groups = self.neutron.list_security_groups(
            ctx, project_id=instance.project_id)
        ids = []
        for name in names:
            found = [group["id"] for group in groups
                     if name in (group["id"], group["name"])]
            if not found:
                raise exception.SecurityGroupNotFound(
                    security_group_id=name)
            if len(found) > 1:
                raise exception.NoUniqueMatch(
                    "Multiple security groups found matching '%s'. Use an "
                    "ID to be more specific." % name)
            ids.append(found[0])
        return ids

    def allocate_for_instance(self, ctx, instance, requested_networks=None,
                              security_groups=None):
        """network_info of the server's new ports (see the module)."""
        requested = requested_list(requested_networks)
        if requested is None:
            requested = self._auto_networks(ctx, instance)
        group_ids = self._security_group_ids(ctx, instance,
                                             security_groups)
        admin = ctx.elevated()
        taken = []
        try:
            for request in requested:
                taken.append(self._take_port(ctx, admin, instance, request,
                                             group_ids))
        except Exception:
            self._give_back(admin, [(port["id"], preserve)
                                    for port, preserve in taken])
            raise
        # The ports as their binding left them: not listed again.
        return self._vifs(admin, [port for port, _ in taken],
                          preserved={port["id"] for port, preserve in taken
                                     if preserve},
                          fresh={port["id"] for port, preserve in taken
                                 if not preserve})

    def _take_port(self, ctx, admin, instance, request, group_ids):
        """(the port bound, whether it was the user's) of one requested
        network."""
        port_id = request.get("port_id")
        if port_id:
            port = self.neutron.show_port(admin, port_id)
            if port.get("device_id") and port["device_id"] != instance.uuid:
                raise exception.PortInUse(port_id=port_id)
            return self.neutron.update_port(admin, port_id,
                                            self._binding(instance)), True
        port = {"network_id": request["network_id"],
                "project_id": instance.project_id,
                "admin_state_up": True}
        if request.get("address"):
            port["fixed_ips"] = [{"ip_address": request["address"]}]
        if group_ids is not None:
            port["security_groups"] = group_ids
        created = self.neutron.create_port(ctx, port)
        try:
            return self.neutron.update_port(admin, created["id"],
                                            self._binding(instance)), False
        except Exception:
            self.neutron.delete_port(admin, created["id"])
            raise

    def _give_back(self, admin, taken):
        for port_id, preserve in taken:
            try:
                if preserve:
                    self.neutron.update_port(admin, port_id, _UNBOUND)
                else:
                    self.neutron.delete_port(admin, port_id)
            except Exception:  # noqa: BLE001 - cleanup after a failure
                LOG.exception("Could not give back port %s", port_id)

    def allocate_port(self, ctx, instance, network_id=None, port_id=None,
                      fixed_ip=None):
        """One more port (os-interface attach): the VIF."""
        if network_id is None and port_id is None:
            networks = self.neutron.available_networks(ctx, instance.project_id)
            if len(networks) != 1:
                raise exception.NetworkAmbiguous()
            network_id = networks[0]["id"]
        request = {"network_id": network_id, "port_id": port_id,
                   "address": fixed_ip}
        admin = ctx.elevated()
        port, preserve = self._take_port(ctx, admin, instance, request, None)
        [vif] = self._vifs(admin, [port],
                           preserved={port["id"]} if preserve else (),
                           fresh=() if preserve else {port["id"]})
        return vif

    def deallocate_port(self, ctx, instance, vif):
        self._give_back(ctx.elevated(), [(vif["id"],
                                          vif.get("preserve_on_delete"))])

    def deallocate_for_instance(self, ctx, instance, network_info=()):
        """The server's ports: deleted, or unbound when the user made
        them (preserve_on_delete in its network info)."""
        admin = ctx.elevated()
        preserved = {vif["id"] for vif in network_info or ()
                     if vif.get("preserve_on_delete")}
        ports = self.neutron.list_ports(admin, device_id=instance.uuid)
        self._give_back(admin, [(port["id"], port["id"] in preserved)
                                for port in ports])

    def bind_ports(self, ctx, instance, host):
        """The server's ports bound to host (the end of a move)."""
        admin = ctx.elevated()
        for port in self.neutron.list_ports(admin, device_id=instance.uuid):
            if port.get(BINDING_HOST) != host:
                self.neutron.update_port(admin, port["id"],
                                         {BINDING_HOST: host})

    # Live migration with multiple port bindings ---------------------------------

    def bind_ports_on_destination(self, ctx, instance, host):
        """Before a live migration (Nova's conductor
        _bind_ports_on_destination): an INACTIVE binding of each of the
        server's ports on host, with the vnic type and profile the port
        has. False (nothing done) when the network service has no
        binding-extended."""
        admin = ctx.elevated()
        if not self.neutron.has_extension(admin, BINDING_EXTENDED):
            return False
        made = []
        try:
            for port in self.neutron.list_ports(admin,
                                                device_id=instance.uuid):
                if port.get(BINDING_HOST) == host:
                    continue
                self._create_binding(admin, port, host)
                made.append(port["id"])
        except Exception:
            for port_id in made:
                self._delete_binding_quietly(admin, port_id, host)
            raise
        return True

    def _create_binding(self, admin, port, host):
        binding = {"host": host,
                   "vnic_type": port.get("binding:vnic_type") or "normal",
                   "profile": port.get("binding:profile") or {}}
        try:
            self.neutron.create_port_binding(admin, port["id"], binding)
        except client_exception.NetworkServiceConflict as exc:
            if exc.neutron_type != "PortBindingAlreadyExists":
                raise
            # Left by a migration that was not cleaned up: made anew.
            self.neutron.delete_port_binding(admin, port["id"], host)
            self.neutron.create_port_binding(admin, port["id"], binding)

    def activate_bindings(self, ctx, instance, host, source):
        """The guest has moved to host (Nova's migrate_instance_start):
        its ports' bindings there become ACTIVE and the source's go. A
        port without a binding on host (none was made: no
        binding-extended) is left for the destination to rebind."""
        admin = ctx.elevated()
        if not self.neutron.has_extension(admin, BINDING_EXTENDED):
            return
        for port in self.neutron.list_ports(admin, device_id=instance.uuid):
            if port.get(BINDING_HOST) != host:
                try:
                    self.neutron.activate_port_binding(admin, port["id"],
                                                       host)
                except client_exception.NetworkResourceNotFound:
                    continue
                except client_exception.NetworkServiceConflict as exc:
                    if exc.neutron_type != "PortBindingAlreadyActive":
                        raise
            if source and source != host:
                self._delete_binding_quietly(admin, port["id"], source)

    def delete_bindings(self, ctx, instance, host):
        """A live migration to host rolled back: the ports' INACTIVE
        bindings there go (their ACTIVE ones, on the source, stay)."""
        admin = ctx.elevated()
        if not self.neutron.has_extension(admin, BINDING_EXTENDED):
            return
        for port in self.neutron.list_ports(admin, device_id=instance.uuid):
            if port.get(BINDING_HOST) != host:
                self._delete_binding_quietly(admin, port["id"], host)

    def _delete_binding_quietly(self, admin, port_id, host):
        try:
            self.neutron.delete_port_binding(admin, port_id, host)
        except client_exception.NetworkResourceNotFound:
            pass
        except Exception:  # noqa: BLE001 - cleanup after a move
            LOG.exception("Could not delete the binding of port %s on %s",
                          port_id, host)

    # Network info ---------------------------------------------------------------

    def network_info(self, ctx, instance, preserved=()):
        """Nova's VIFs of the server's ports, in the order they were made
        (the info cache); preserved: ids of ports the user made."""
        admin = ctx.elevated()
        return self._vifs(admin, self.neutron.list_ports(
            admin, device_id=instance.uuid), preserved)

    def _vifs(self, admin, ports, preserved=(), fresh=()):
        """The VIFs of these ports, with their networks, subnets and
        floating IPs read in one request each whatever the number of
        ports; fresh: ids of ports just made here, that no floating IP
        can have been given yet (the next heal of the cache would show
        one)."""
        if not ports:
            return []
        ports = sorted(ports, key=lambda port: (port.get("created_at") or "",
                                                port["id"]))
        network_ids = sorted({port["network_id"] for port in ports})
        networks = {network["id"]: network for network in
                    self.neutron.list_networks(admin, id=network_ids)}
        subnets = {subnet["id"]: subnet for subnet in
                   self.neutron.list_subnets(admin, network_id=network_ids)}
        floating = {}
        # Floating IPs come with the router extension (l3).
        asked = [port["id"] for port in ports if port["id"] not in fresh]
        if asked and self.neutron.has_extension(admin, "router"):
            for floating_ip in self.neutron.list_floating_ips(
                    admin, port_id=asked):
                floating.setdefault(floating_ip["port_id"],
                                    []).append(floating_ip)
        vifs = []
        for port in ports:
            network = networks.get(port["network_id"])
            if network is None:
                raise client_exception.NetworkResourceNotFound(
                    reason="Network %s could not be found."
                    % port["network_id"])
            vifs.append(model.vif_from_port(
                port, network, subnets, floating.get(port["id"], []),
                default_bridge=self.conf.neutron.ovs_bridge,
                preserve_on_delete=port["id"] in preserved))
        return vifs


# What a port the user made gets back when its server lets it go.
_UNBOUND = {"device_id": "", "device_owner": "", BINDING_HOST: None}
