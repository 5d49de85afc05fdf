"""The built-in network service's side of its agent RPC API (topic
``network``, stratus/network/rpcapi.py): a host's agent reports a port's
device up or down; the port's status follows, and the compute API hears
of it as Neutron's Nova notifier tells it (``network-vif-plugged``,
``network-vif-unplugged`` through os-server-external-events) when the
port is a server's."""
import logging

import oslo_messaging

from stratus.network import exception as net_exception
from stratus.network import rpcapi
from stratus.network.store import port_status

LOG = logging.getLogger(__name__)

COMPUTE_OWNER_PREFIX = "compute:"


class AgentEndpoint:
    target = oslo_messaging.Target(version=rpcapi.VERSION)

    def __init__(self, databases, notifier, dataplane=None):
        """notifier: sends external events to the compute API
        (stratus.network.compute_notifier.ComputeNotifier); dataplane:
        the host's (stratus/network/dataplane/agent.py), or None."""
        self.ports = port_status.PortStatusStore(databases)
        self.notifier = notifier
        self.dataplane = dataplane

    def update_device_up(self, ctx, port_id, host):
        if self.dataplane is not None:
            # The port's rules, DHCP lease and bridge are in place before
            # the compute hears network-vif-plugged.
            try:
                self.dataplane.sync()
            except net_exception.DataplaneError as error:
                LOG.error("Dataplane sync before port %s up failed: %s",
                          port_id, error)
        self._report(ctx, port_id, host, "ACTIVE", "network-vif-plugged")

    def update_device_down(self, ctx, port_id, host):
        self._report(ctx, port_id, host, "DOWN", "network-vif-unplugged")

    def _report(self, ctx, port_id, host, status, event):
        changed = self.ports.set_status(port_id, host, status)
        if changed is None:
            LOG.debug("Port %s reported %s by %s: no change", port_id,
                      status, host)
            return
        device_id, device_owner = changed
        LOG.info("Port %s is %s on %s", port_id, status, host)
        if device_id and device_owner.startswith(COMPUTE_OWNER_PREFIX):
            self.notifier.send(ctx, [{"name": event, "server_uuid": device_id,
                                      "tag": port_id,
                                      "status": "completed"}])
