"""Client side of the scheduler RPC API (topic ``scheduler``).

1.0 - select_destinations
"""
TOPIC = "scheduler"
VERSION = "1.0"


class SchedulerAPI:

    def __init__(self, messaging, version_cap=None):
        self.client = messaging.client(TOPIC, VERSION, version_cap)

    def select_destinations(self, ctx, request_spec, instance_uuids,
                            return_alternates=True):
        """One list per instance: the chosen Selection (resources already
        claimed) followed by unclaimed alternates. Raises NoValidHost."""
        return self.client.call(
            ctx, "select_destinations", request_spec=request_spec,
            instance_uuids=instance_uuids,
            return_alternates=return_alternates)
