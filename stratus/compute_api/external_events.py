"""External events: what other services (a network or block storage
service, Cyborg, Ironic) tell the compute service about servers
(POST /os-server-external-events), handed to the servers' hosts.

Each event is answered on its own, as Nova answers it: 200 (handed to
the server's host), 404 (no such server), 422 (the server has no host
yet) or 400 (a ``volume-extended`` without the volume's id as its tag).
Where Nova records an instance action for an event, so does this: the
``extend_volume`` action for ``volume-extended``, ``start`` or ``stop``
for ``power-update``; the host records its event in it. The host's
handling is stratus/compute/tasks/external_events.py.
"""
import collections
import logging

from stratus.compute_api import base
from stratus import exception
from stratus.objects import instance_action as action_obj

LOG = logging.getLogger(__name__)

POWER_ACTIONS = {"POWER_ON": "start", "POWER_OFF": "stop"}
# Events whose tag names what they are about, without which Nova drops
# them (400).
TAG_REQUIRED = ("volume-extended",)


class NoInstancesForEvents(exception.NotFound):
    msg_fmt = "No instances found for any event"


class ExternalEvents(base.APIBase):
    """Hand other services' events to the servers' hosts."""

    def external_instance_event(self, ctx, events):
        """events: dicts of server_uuid, name and optionally status and
        tag, as posted. Each event of the answer gains its status and
        code; the answer's status is 200, or 207 when any event was not
        handed over. NoInstancesForEvents (404) when none was."""
        lookup = ctx.elevated()
        instances = {}
        for uuid in {event["server_uuid"] for event in events}:
            try:
                instances[uuid] = self.get(lookup, uuid)
            except exception.InstanceNotFound:
                continue
        answered, accepted = [], collections.defaultdict(list)
        for posted in events:
            event = {"server_uuid": posted["server_uuid"],
                     "name": posted["name"],
                     "status": posted.get("status", "completed"),
                     "tag": posted.get("tag")}
            instance = instances.get(event["server_uuid"])
            if instance is None:
                code = 404
            elif event["name"] in TAG_REQUIRED and event["tag"] is None:
                code = 400
            elif not instance.get("host"):
                code = 422
            else:
                code = 200
                accepted[instance.host].append(event)
            answered.append(dict(posted, code=code, status=(
                "completed" if code == 200 else "failed")))
        if not accepted:
            raise NoInstancesForEvents()
        for host, host_events in accepted.items():
            self._hand_over(ctx, instances, host, host_events)
        status = 200 if all(event["code"] == 200 for event in answered) \
            else 207
        return status, answered

    def _hand_over(self, ctx, instances, host, events):
        """Record the actions Nova records for these events and cast them
        to their host (dropped, and said so, while [upgrade_levels]
        compute caps the version below 1.8: older computes know no
        events)."""
        delivered = []
        for event in events:
            instance = instances[event["server_uuid"]]
            action = None
            if event["name"] == "volume-extended":
                action = "extend_volume"
            elif event["name"] == "power-update":
                action = POWER_ACTIONS.get(event["tag"])
                if action is None:
                    LOG.warning("Invalid power state %s: event %s of "
                                "instance %s skipped", event["tag"],
                                event["name"], instance.uuid)
                    continue
            if action is not None:
                with ctx.target_cell(instance.cell_uuid) as cctx:
                    action_obj.InstanceAction.action_start(
                        cctx, instance.uuid, action)
            delivered.append(event)
        if not delivered:
            return
        if not self.compute_rpcapi.can_send_external_events():
            LOG.warning("Events for host %s dropped: [upgrade_levels] "
                        "compute is below 1.8", host)
            return
        servers = {event["server_uuid"] for event in delivered}
        self.compute_rpcapi.external_instance_event(
            ctx, host, [instances[uuid] for uuid in sorted(servers)],
            delivered)
