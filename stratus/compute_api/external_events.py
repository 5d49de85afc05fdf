"""External events: what other services (a network or block storage
service, Cyborg, Ironic) tell the compute service about servers
(POST /os-server-external-events), handed to the servers' hosts.

Each event is answered on its own, as Nova answers it: 200 (handed to
the server's host), 404 (no such server), 422 (the server has no host
yet) or 400 (a ``volume-extended`` without the volume's id as its tag).
Where Nova records an instance action for an event, so does this: the
``extend_volume`` action for ``volume-extended``, ``start`` or ``stop``
for ``power-update``; the host records its event in it. Events go to
the server's host and, during a move, to the move's source and
destination too. The host's handling is
stratus/compute/tasks/external_events.py.
"""
import collections
import logging

from stratus.compute_api import base
from stratus import exception
from stratus.objects import instance_action as action_obj
from stratus.objects import migration as migration_obj

LOG = logging.getLogger(__name__)

POWER_ACTIONS = {"POWER_ON": "start", "POWER_OFF": "stop"}
# Events whose tag names what they are about, without which Nova drops
# them (400).
TAG_REQUIRED = ("volume-extended",)


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
        answered, accepted = [], []
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
                accepted.append(event)
            answered.append(dict(posted, code=code, status=(
                "completed" if code == 200 else "failed")))
        if not accepted:
            raise exception.NoInstancesForEvents()
        self._hand_over(ctx, instances, accepted)
        status = 200 if all(event["code"] == 200 for event in answered) \
            else 207
        return status, answered

    def _hand_over(self, ctx, instances, events):
        """Record the actions Nova records for these events and cast them
        to the servers' hosts (dropped, and said so, while
        [upgrade_levels] compute caps the version below 1.8: older
        computes know no events)."""
        by_host = collections.defaultdict(list)
        hosts = {}
        for event in events:
            instance = instances[event["server_uuid"]]
            if not self._record_action(ctx, instance, event):
                continue
            if instance.uuid not in hosts:
                hosts[instance.uuid] = self._relevant_hosts(ctx, instance)
            for host in hosts[instance.uuid]:
                by_host[host].append(event)
        if by_host and not self.compute_rpcapi.can_send_external_events():
            LOG.warning("Events for hosts %s dropped: [upgrade_levels] "
                        "compute is below 1.8", ", ".join(sorted(by_host)))
            return
        for host, host_events in sorted(by_host.items()):
            servers = {event["server_uuid"] for event in host_events}
            self.compute_rpcapi.external_instance_event(
                ctx, host, [instances[uuid] for uuid in sorted(servers)],
                host_events)

    @staticmethod
    def _record_action(ctx, instance, event):
        """Record the instance action Nova records for the event; False
        for an event Nova skips (a power-update of no known state)."""
        action = None
        if event["name"] == "volume-extended":
            action = "extend_volume"
        elif event["name"] == "power-update":
            action = POWER_ACTIONS.get(event["tag"])
            if action is None:
                LOG.warning("Invalid power state %s: event %s of instance "
                            "%s skipped", event["tag"], event["name"],
                            instance.uuid)
                return False
        if action is not None:
            with ctx.target_cell(instance.cell_uuid) as cctx:
                action_obj.InstanceAction.action_start(cctx, instance.uuid,
                                                       action)
        return True

    @staticmethod
    def _relevant_hosts(ctx, instance):
        """The server's host and, while a move of it is in progress, the
        move's source and destination, as Nova sends events to both."""
        hosts = {instance.host}
        with ctx.target_cell(instance.cell_uuid) as cctx:
            moves = migration_obj.MigrationList.get_by_filters(
                cctx, {"instance_uuid": instance.uuid, "in_progress": True})
        for move in moves:
            hosts.update(host for host in (move.source_compute,
                                           move.dest_compute) if host)
        return sorted(hosts)
