"""Events of other services about servers on this host
(os-server-external-events; a cast, compute RPC 1.8), handled as Nova's
compute handles them:

- ``power-update`` (tag POWER_ON or POWER_OFF): the guest's power was
  changed outside Stratus; a server without a task takes the state the
  event names (active/running or stopped/shutdown), recorded as the event
  ``compute_power_update`` of the start or stop action the API began,
  with the notifications instance.power_on (power_off).start and .end.
  A server with a task, or already in that state, is left alone.
- ``network-vif-deleted`` (tag: the port): the port is gone; the guest's
  NIC is unplugged and the port leaves the server's network info.
- ``network-changed``: with the network service's ports, the server's
  network info is read again from it (Nova's cache refresh).
- ``volume-extended`` (tag: the volume): the guest is told of the
  volume's new size (stratus/compute/tasks/volumes.py), recorded as the
  event ``compute_extend_volume`` of the ``extend_volume`` action the
  API began (Error when the driver cannot).
- any event an operation on this host waits for (a build waits for
  ``network-vif-plugged`` of its new ports, stratus/compute/
  instance_events.py) goes to that operation;
- ``network-changed``, ``network-vif-plugged``, ``network-vif-unplugged``,
  ``accelerator-request-bound``, ``volume-reimaged`` that nothing waits
  for are logged (Nova logs such an event as unexpected).
"""
import json

import oslo_messaging

from stratus.compute.tasks.common import (
    LOG, PowerState, SUCCESS, VMState)
from stratus.compute import rpcapi as compute_rpcapi
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import exception
from stratus import notifications
from stratus.virt import driver as virt_driver

POWER_ON = "POWER_ON"
POWER_OFF = "POWER_OFF"
POWER_UPDATE_EVENT = "compute_power_update"
EXTEND_VOLUME_EVENT = "compute_extend_volume"

# target tag -> (the vm_state it leaves, its power state, the vm_state a
# server must be in for the event to change it, the action whose
# notifications it sends: instance.power_on / power_off.start and .end)
_POWER_TARGETS = {
    POWER_ON: (VMState.ACTIVE, PowerState.RUNNING, VMState.STOPPED,
               "start"),
    POWER_OFF: (VMState.STOPPED, PowerState.SHUTDOWN, VMState.ACTIVE,
                "stop"),
}


class EventsEndpoint:
    """The host's RPC endpoint on the topic compute_events (1.9): a
    server of its own, with workers of its own, so that events reach
    the operations waiting for them even when every worker of the
    compute topic is one of those operations."""

    target = oslo_messaging.Target(version="1.9")

    def __init__(self, manager):
        self.manager = manager

    def external_instance_event(self, ctx, instances, events):
        self.manager.external_instance_event(ctx, instances, events)


class ExternalEventsMixin:
    """The compute manager's handling of external events."""

    def extra_rpc_endpoints(self):
        """(topic, endpoint) of the RPC servers the service runs beside
        its own topic's."""
        return [(compute_rpcapi.EVENTS_TOPIC, EventsEndpoint(self))]

    def external_instance_event(self, ctx, instances, events):
        by_uuid = {instance.uuid: instance for instance in instances}
        for event in events:
            instance = by_uuid.get(event["server_uuid"])
            if instance is None:
                continue
            try:
                self._external_event(ctx, instance, event)
            except exception.InstanceNotFound:
                # Deleted meanwhile (a floating IP let go as its server
                # went): nothing left to refresh, as Nova shrugs it off.
                LOG.debug("Event %s for instance %s, which is gone",
                          event["name"], instance.uuid)
            except Exception:  # noqa: BLE001 - one event must not stop the rest
                LOG.exception("Could not handle event %s for instance %s",
                              event["name"], instance.uuid)

    def _external_event(self, ctx, instance, event):
        name, tag = event["name"], event.get("tag")
        LOG.info("Received event %s:%s for instance %s", name, tag,
                 instance.uuid)
        if self.instance_events.deliver(instance.uuid, name, tag,
                                        event.get("status", "completed")):
            return
        if name == "power-update":
            self._power_update(ctx, instance, tag)
        elif name == "network-vif-deleted":
            self._vif_deleted(ctx, instance, tag)
        elif name == "network-changed" and self._ports_follow_server():
            self._refresh_network_info(ctx, instance)
        elif name == "volume-extended":
            self._volume_extended(ctx, instance, tag)
        else:
            LOG.info("No operation waits for event %s:%s of instance %s",
                     name, tag, instance.uuid)

    def _power_update(self, ctx, instance, target):
        if target not in _POWER_TARGETS:
            LOG.warning("Invalid power state %s in a power-update event of "
                        "instance %s", target, instance.uuid)
            return
        vm_state, power_state, from_state, action = _POWER_TARGETS[target]
        with self._locks(instance.uuid):
            self._start_event_quietly(ctx, instance.uuid, POWER_UPDATE_EVENT)
            if instance.task_state is not None \
                    or instance.vm_state != from_state:
                LOG.info("Instance %s (%s, task %s) is left as it is by the "
                         "power-update event %s", instance.uuid,
                         instance.vm_state, instance.task_state, target)
                self._finish_event_quietly(ctx, instance.uuid,
                                           POWER_UPDATE_EVENT, SUCCESS)
                return
            self.notifier.instance_action(ctx, instance, action,
                                          notifications.START)
            instance.vm_state = vm_state
            instance.power_state = power_state
            self._save_quietly(ctx, instance, [None], action_event=(
                POWER_UPDATE_EVENT, conductor_rpcapi.EVENT_FINISH,
                self.host, SUCCESS, None))
            self.notifier.instance_action(ctx, instance, action,
                                          notifications.END)

    def _vif_deleted(self, ctx, instance, port_id):
        with self._locks(instance.uuid):
            vifs = self._network_info(instance)
            gone = [vif for vif in vifs if vif["id"] == port_id]
            if not gone:
                LOG.info("Port %s of event network-vif-deleted is not one "
                         "of instance %s's", port_id, instance.uuid)
                return
            if virt_driver.supports(self.driver,
                                    virt_driver.InterfaceHotplug):
                try:
                    self.driver.detach_interface(instance, gone[0])
                except exception.InstanceNotFound:
                    pass
            instance.info_cache = json.dumps(
                [vif for vif in vifs if vif["id"] != port_id])
            self._save_quietly(ctx, instance, None)

    def _refresh_network_info(self, ctx, instance):
        """The network service changed a port of the server (an address,
        a floating IP): its network info is read again."""
        with self._locks(instance.uuid):
            self._save_network_info(ctx, instance, self.network.network_info(
                ctx, instance, preserved=self._preserved(instance)))

    def _volume_extended(self, ctx, instance, volume_id):
        # stratus/compute/tasks/volumes.py
        self.extend_volume(ctx, instance, volume_id)

