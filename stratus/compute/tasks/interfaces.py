"""The guest's ports: allocated on this host's network for a build or a
move (a simulated address with drivers that simulate networking),
attached and detached while it runs, injected into it, freed when it
goes.
"""
import json

from stratus.compute.tasks.common import LOG, TaskState, VMState
from stratus import client_exception
from stratus import exception
from stratus.virt import driver as virt_driver

NO_NETWORKS = "none"


class InterfacesMixin:
    """The compute manager's network interfaces."""

    def attach_interface(self, ctx, instance, network_id=None, port_id=None,
                         fixed_ip=None):
        with self._locks(instance.uuid):
            self._check_hotplug(instance, "attach_interface")
            vifs = self._network_info(instance)
            known = {vif["network"]["id"] for vif in vifs}
            if self.network is not None:
                known.add(self.network.network_id)
            if not self._ports_follow_server():
                # This host's network has no ports but its servers'.
                if port_id is not None:
                    raise exception.AttachPortNotFound(port_id=port_id)
                if fixed_ip is not None:
                    raise exception.InvalidInput(
                        reason="Requesting a fixed IP address is not "
                               "supported by this host's network")
            if (network_id is not None and network_id not in known
                    and not self._ports_follow_server()):
                raise exception.AttachNetworkNotFound(network_id=network_id)
            if self._ports_follow_server():
                vif = self._allocate_port(ctx, instance, network_id,
                                          port_id, fixed_ip)
            elif self.network is not None:
                vif = self.network.allocate_port(ctx, instance, network_id)
            elif virt_driver.supports(self.driver,
                                      virt_driver.SimulatedNetworking):
                vif = self.driver.allocate_port(instance)
            else:
                raise exception.AttachNetworkNotFound(network_id=network_id)
            try:
                self.driver.attach_interface(instance, vif)
            except Exception:
                if self.network is not None:
                    self.network.deallocate_port(ctx, instance, vif)
                raise
            instance.info_cache = json.dumps(vifs + [vif])
            self.conductor.instance_save(ctx, instance)
            return vif

    def _allocate_port(self, ctx, instance, network_id, port_id, fixed_ip):
        """A port of the network service for the guest, its errors as
        Nova answers an attach: an unknown port or network 404, a port
        in use or an address taken 409, an address off the network 400."""
        try:
            return self.network.allocate_port(ctx, instance, network_id,
                                              port_id=port_id,
                                              fixed_ip=fixed_ip)
        except client_exception.NetworkResourceNotFound:
            if port_id is not None:
                raise exception.AttachPortNotFound(port_id=port_id)
            raise exception.AttachNetworkNotFound(network_id=network_id)
        except client_exception.NetworkServiceConflict as error:
            if getattr(error, "neutron_type", None) in (
                    "IpAddressAlreadyAllocated", "IpAddressInUse"):
                raise exception.FixedIpAlreadyInUse(
                    address=fixed_ip, instance_uuid=instance.uuid)
            raise
        except client_exception.NetworkServiceBadRequest as error:
            if fixed_ip is not None:
                raise exception.InvalidInput(
                    reason="Fixed IP %s is not a valid ip address for "
                           "network %s." % (fixed_ip, network_id))
            raise exception.InvalidInput(reason=error.format_message())

    def detach_interface(self, ctx, instance, port_id):
        with self._locks(instance.uuid):
            self._check_hotplug(instance, "detach_interface")
            vifs = self._network_info(instance)
            found = [vif for vif in vifs if vif["id"] == port_id]
            if not found:
                raise exception.AttachPortNotFound(port_id=port_id)
            self.driver.detach_interface(instance, found[0])
            if self.network is not None:
                self.network.deallocate_port(ctx, instance, found[0])
            instance.info_cache = json.dumps(
                [vif for vif in vifs if vif["id"] != port_id])
            self.conductor.instance_save(ctx, instance)

    def _check_hotplug(self, instance, action):
        if not virt_driver.supports(self.driver,
                                    virt_driver.InterfaceHotplug):
            raise exception.InterfaceHotplugNotSupported(
                action=action, instance_uuid=instance.uuid,
                driver=self.driver.name)

    def inject_network_info(self, ctx, instance):
        self._perform(ctx, instance, "injectNetworkInfo",
                      virt_driver.NetworkInjection,
                      lambda: self.driver.inject_network_info(
                          instance, self._network_info(instance)))

    def heal_instance_info_cache(self, ctx):
        """Nova's _heal_instance_info_cache: one server of this host per
        run, in turn (by uuid), has its network info read again from the
        network service and saved when it changed (a floating IP
        associated, a port deleted through the network API). Servers
        being built, deleted, moved or otherwise worked on wait for a
        later run."""
        if not self._ports_follow_server():
            return
        instances = sorted(
            (instance for instance in
             self.conductor.instances_on_host(ctx, self.host)
             if instance.vm_state != VMState.BUILDING
             and instance.task_state != TaskState.DELETING
             and instance.uuid not in self._moving
             and not self._locks.held(instance.uuid)),
            key=lambda instance: instance.uuid)
        if not instances:
            return
        following = [instance for instance in instances
                     if instance.uuid > (self._last_healed or "")]
        instance = (following or instances)[0]
        self._last_healed = instance.uuid
        try:
            self._refresh_network_info(ctx, instance)
        except Exception:  # noqa: BLE001 - the next run tries another
            LOG.exception("Could not heal the network info cache of "
                          "instance %s", instance.uuid)

    def _ports_follow_server(self):
        """Whether the server's ports are the network service's (they move
        with it: bound to each host it runs on) rather than this host's."""
        return getattr(self.network, "ports_follow_server", False)

    def _preserved(self, instance):
        return {vif["id"] for vif in self._network_info(instance)
                if vif.get("preserve_on_delete")}

    def _allocate_network(self, ctx, instance, request_spec):
        """network_info for a new guest: none when the request said
        networks 'none'; ports of the network service (those it has
        already when it is unshelved, bound here); else this host's, or
        a simulated address from drivers that simulate networking."""
        requested = request_spec.get("requested_networks") or []
        if [item.get("network_id") for item in requested] == [NO_NETWORKS]:
            return []
        if self._ports_follow_server():
            if self._network_info(instance):
                return self._network_again(ctx, instance)
            return self.network.allocate_for_instance(
                ctx, instance, requested,
                request_spec.get("security_groups") or None)
        return self._ports_here(ctx, instance)

    def _ports_here(self, ctx, instance):
        """Ports of this host's network for the guest (a simulated
        address with drivers that simulate networking)."""
        if self.network is not None:
            return self.network.allocate_for_instance(ctx, instance)
        if virt_driver.supports(self.driver, virt_driver.SimulatedNetworking):
            return self.driver.allocate_network(instance)
        return []

    def _network_again(self, ctx, instance):
        """The network_info of a server that comes (back) to this host: its
        ports bound here when they are the network service's; else ports
        of this host's network (a simulated address with the fake
        driver); none when it had none."""
        if not self._network_info(instance):
            return []
        if self._ports_follow_server():
            self.network.bind_ports(ctx, instance, self.host)
            network_info = self.network.network_info(
                ctx, instance, preserved=self._preserved(instance))
            # Bound here, the guest's ports are this host's to report.
            self._report_plugged(ctx, instance, network_info)
            return network_info
        return self._ports_here(ctx, instance)

    def _report_plugged(self, ctx, instance, network_info):
        """As the built-in network service's agent on this host: the
        ports the driver plugged are reported up (the service then sends
        network-vif-plugged)."""
        if not (network_info and self._ports_follow_server()
                and self.conf.network.report_plugged_ports
                and virt_driver.supports(self.driver,
                                         virt_driver.PortAgent)):
            return
        for port_id in self.driver.plugged_ports(instance, network_info):
            self.network_agent.update_device_up(ctx, port_id, self.host)

    def _release_network_quietly(self, ctx, instance):
        """This host lets the server go while it lives on elsewhere (the
        source of a confirmed resize, the destination of a reverted one):
        its ports of this host's network are freed; the network
        service's go with the server."""
        if not self._ports_follow_server():
            self._deallocate_network_quietly(ctx, instance)

    def _unbind_network_quietly(self, ctx, instance):
        """The server leaves every host (shelve offload): the network
        service's ports stay its own, unbound; this host's are freed."""
        if not self._ports_follow_server():
            self._deallocate_network_quietly(ctx, instance)
            return
        try:
            self.network.bind_ports(ctx, instance, None)
        except Exception:  # noqa: BLE001 - the next host binds them again
            LOG.exception("Could not unbind the ports of instance %s",
                          instance.uuid)

    def _save_network_info(self, ctx, instance, network_info):
        """Save the server's ports alone (the conductor saves the rest of
        a move's end)."""
        info_cache = json.dumps(network_info)
        if info_cache == (instance.info_cache or "[]"):
            return
        instance.info_cache = info_cache
        ports = instance.obj_clone()
        ports.obj_reset_changes()
        ports.info_cache = info_cache
        self.conductor.instance_save(ctx, ports)

    def _deallocate_network_quietly(self, ctx, instance):
        if self.network is None:
            return
        try:
            self.network.deallocate_for_instance(
                ctx, instance, self._network_info(instance))
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not free the ports of instance %s",
                          instance.uuid)
