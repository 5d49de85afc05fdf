"""Client side of the scheduler RPC API (topic ``scheduler``).

1.0 - select_destinations
"""
from stratus import upgrade_pins

TOPIC = "scheduler"
VERSION = "1.0"


def outage_wait(conf):
    """Seconds a request may wait for computes that all went quiet at once
    (scheduler/outage.py): [scheduler] outage_wait, at most half of
    [conductor] task_lease."""
    return min(conf.scheduler.outage_wait, conf.conductor.task_lease / 2.0)


class SchedulerAPI:

    def __init__(self, messaging, version_cap=None):
        # A request may wait [scheduler] outage_wait for computes that all
        # went quiet at once (scheduler/outage.py) before it is decided.
        conf = messaging.conf
        self.client = messaging.client(
            TOPIC, VERSION, version_cap,
            timeout=conf.rpc_response_timeout + outage_wait(conf),
            pin=None if version_cap else upgrade_pins.SCHEDULER)

    def select_destinations(self, ctx, request_spec, instance_uuids,
                            return_alternates=True):
        """One list per instance: the chosen Selection (resources already
        claimed) followed by unclaimed alternates. Raises NoValidHost."""
        return self.client.call(
            ctx, "select_destinations", request_spec=request_spec,
            instance_uuids=instance_uuids,
            return_alternates=return_alternates)
