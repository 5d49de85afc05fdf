"""Client side of the built-in network service's agent RPC API (topic
``network``): how a host's agent tells the service that a port's device
is up or down, as Neutron's L2 agents do. Stratus's computes are the
agents of the built-in service: their dataplane (the fake driver's
simulated one) plugs a guest's ports, then reports them; the service
marks the ports ACTIVE (DOWN) and tells the compute API
(``network-vif-plugged``), which hands the event to the waiting build.

1.0 - update_device_up, update_device_down (casts)
"""
from stratus import upgrade_pins

TOPIC = "network"
VERSION = "1.0"


class NetworkAgentAPI:
    def __init__(self, messaging, version_cap=None):
        self.client = messaging.client(
            TOPIC, VERSION, version_cap,
            pin=None if version_cap else upgrade_pins.NETWORK)

    def update_device_up(self, ctx, port_id, host):
        self.client.cast(ctx, "update_device_up", port_id=port_id,
                         host=host)

    def update_device_down(self, ctx, port_id, host):
        self.client.cast(ctx, "update_device_down", port_id=port_id,
                         host=host)
