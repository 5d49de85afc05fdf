"""The guest's ports: allocated on this host's network for a build or a
move (a simulated address with drivers that simulate networking),
attached and detached while it runs, injected into it, freed when it
goes.
"""
import json

from stratus.compute.tasks.common import LOG
from stratus import exception
from stratus.virt import driver as virt_driver

NO_NETWORKS = "none"


class InterfacesMixin:
    """The compute manager's network interfaces."""

    def attach_interface(self, ctx, instance, network_id=None):
        with self._locks(instance.uuid):
            self._check_hotplug(instance, "attach_interface")
            vifs = self._network_info(instance)
            known = {vif["network"]["id"] for vif in vifs}
            if self.network is not None:
                known.add(self.network.network_id)
            if network_id is not None and network_id not in known:
                raise exception.AttachNetworkNotFound(network_id=network_id)
            if self.network is not None:
                vif = self.network.allocate_port(instance)
            elif virt_driver.supports(self.driver,
                                      virt_driver.SimulatedNetworking):
                vif = self.driver.allocate_port(instance)
            else:
                raise exception.AttachNetworkNotFound(network_id=network_id)
            try:
                self.driver.attach_interface(instance, vif)
            except Exception:
                if self.network is not None:
                    self.network.deallocate_port(vif["id"])
                raise
            instance.info_cache = json.dumps(vifs + [vif])
            self.conductor.instance_save(ctx, instance)
            return vif

    def detach_interface(self, ctx, instance, port_id):
        with self._locks(instance.uuid):
            self._check_hotplug(instance, "detach_interface")
            vifs = self._network_info(instance)
            found = [vif for vif in vifs if vif["id"] == port_id]
            if not found:
                raise exception.AttachPortNotFound(port_id=port_id)
            self.driver.detach_interface(instance, found[0])
            if self.network is not None:
                self.network.deallocate_port(port_id)
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

    def _allocate_network(self, instance, request_spec):
        """network_info for a new guest: none when the request said
        networks 'none'; otherwise, until Stratus has a network service,
        a simulated address from drivers that simulate networking."""
        requested = request_spec.get("requested_networks") or []
        if [item.get("network_id") for item in requested] == [NO_NETWORKS]:
            return []
        return self._ports_here(instance)

    def _ports_here(self, instance):
        """Ports of this host's network for the guest (a simulated
        address with drivers that simulate networking)."""
        if self.network is not None:
            return self.network.allocate_for_instance(instance)
        if virt_driver.supports(self.driver, virt_driver.SimulatedNetworking):
            return self.driver.allocate_network(instance)
        return []

    def _network_again(self, instance):
        """The network_info of a server built again on this host: ports
        of this host's network (a simulated address with the fake
        driver), none when it had none."""
        if not self._network_info(instance):
            return []
        return self._ports_here(instance)

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

    def _deallocate_network_quietly(self, instance):
        if self.network is None:
            return
        try:
            self.network.deallocate_for_instance(instance)
        except Exception:  # noqa: BLE001 - cleanup after a failure
            LOG.exception("Could not free the ports of instance %s",
                          instance.uuid)
