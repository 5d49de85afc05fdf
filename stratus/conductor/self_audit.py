"""The conductor's self-audit: drift between the cell databases, the API
database and placement, found every ``[audit] interval`` seconds (off by
default) by the super conductor, reported, and healed where safe
(``[audit] heal``).

| drift | healed (when safe) |
|---|---|
| orphaned allocations: a consumer that is no live server, migration or build (placement_audit.find_orphans, as `placement audit`) | deleted |
| live servers without an instance mapping | mapped to the cell they live in |
| instance mappings to a cell that has no such server (not queued for delete, no build request) | reported only: an operator decides (`cell_v2 verify_instance`) |
| build requests of servers already in a cell | deleted (the conductor that placed the server died before it could) |

A finding is healed only when the pass before found it too: a build or
a move caught between two of its writes (allocations before the
migration record, the server in its cell before its build request is
deleted) has finished by the next pass, and is no longer found.

Each pass logs one line per finding and a summary, and sends the
versioned notification ``audit.drift`` (priority warn) with the counts
when it found anything.
"""
import dataclasses
import logging

from oslo_versionedobjects import fields as ovo_fields

from stratus.conductor import placement_audit
from stratus.db import consistency
from stratus import exception
from stratus import notifications
from stratus.observability import metrics as stratus_metrics
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj

LOG = logging.getLogger(__name__)

EVENT_TYPE = "audit.drift"


@dataclasses.dataclass
class Findings:
    """What one pass found (uuids) and how many it healed."""
    orphaned_allocations: list = dataclasses.field(default_factory=list)
    unmapped_instances: list = dataclasses.field(default_factory=list)
    mappings_without_instance: list = dataclasses.field(
        default_factory=list)
    build_requests_left: list = dataclasses.field(default_factory=list)
    healed: int = 0

    def counts(self):
        return {name: len(getattr(self, name)) for name in (
            "orphaned_allocations", "unmapped_instances",
            "mappings_without_instance", "build_requests_left")}


@notifications.register
class AuditDriftPayload(notifications.NotificationObject):
    VERSION = "1.0"
    fields = {
        "orphaned_allocations": ovo_fields.IntegerField(),
        "unmapped_instances": ovo_fields.IntegerField(),
        "mappings_without_instance": ovo_fields.IntegerField(),
        "build_requests_left": ovo_fields.IntegerField(),
        "healed": ovo_fields.IntegerField(),
    }


class SelfAudit:
    def __init__(self, conf, notifier=None):
        self.conf = conf
        self.notifier = notifier
        # What the last pass found: (kind, uuid[, provider]).
        self._suspects = set()
        self._found = set()

    def run(self, ctx):
        """One pass over every cell; its Findings."""
        found = Findings()
        self._found = set()
        self._orphans(ctx, found)
        for cell in cell_mapping_obj.CellMappingList.get_all(ctx):
            self._cell(ctx, cell, found)
        self._suspects = self._found
        self._report(ctx, found)
        return found

    def _heals(self, *key):
        """Whether to heal what key names: [audit] heal is on and the
        last pass found it too."""
        self._found.add(key)
        return self.conf.audit.heal and key in self._suspects

    def _orphans(self, ctx, found):
        for orphan in placement_audit.find_orphans(ctx):
            found.orphaned_allocations.append(orphan.consumer_uuid)
            LOG.warning("Audit: allocations of consumer %s on resource "
                        "provider %s belong to no server, migration or "
                        "build: %s", orphan.consumer_uuid,
                        orphan.provider_uuid, orphan.resources)
            if self._heals("orphan", orphan.consumer_uuid,
                           orphan.provider_uuid):
                placement_audit.delete_orphan(ctx, orphan)
                found.healed += 1
                LOG.warning("Audit: deleted the orphaned allocations of "
                            "consumer %s on resource provider %s",
                            orphan.consumer_uuid, orphan.provider_uuid)

    def _cell(self, ctx, cell, found):
        try:
            db = ctx.cell_db_for(cell.uuid)
            live = consistency.live_instance_uuids(db)
            unmapped = consistency.unmapped(ctx.api_db, live)[0]
            mapped = consistency.mapped_to_cell(ctx.api_db, cell.uuid)
            building = consistency.build_requests(ctx.api_db, mapped)
            present = consistency.instances_among(db, mapped)
            left = consistency.build_requests(ctx.api_db, live)
        except exception.DatabaseUnreachable:
            LOG.warning("Audit: cell %s (%s) cannot be reached; skipped",
                        cell.name, cell.uuid)
            return
        for uuid in unmapped:
            found.unmapped_instances.append(uuid)
            LOG.warning("Audit: server %s in cell %s has no instance "
                        "mapping", uuid, cell.name)
            if self._heals("unmapped", uuid):
                found.healed += self._map(ctx, cell, uuid)
        for uuid in mapped:
            if uuid not in present and uuid not in building:
                found.mappings_without_instance.append(uuid)
                LOG.warning("Audit: the instance mapping of %s names cell "
                            "%s, which has no such server", uuid, cell.name)
        for uuid in sorted(left):
            found.build_requests_left.append(uuid)
            LOG.warning("Audit: server %s is in cell %s but its build "
                        "request is left", uuid, cell.name)
            if self._heals("build_request", uuid):
                found.healed += _delete_build_request(ctx, uuid)

    def _map(self, ctx, cell, uuid):
        with ctx.target_cell(cell.uuid) as cctx:
            try:
                server = instance_obj.Instance.get_by_uuid(cctx, uuid)
            except exception.InstanceNotFound:
                return 0
        try:
            instance_mapping_obj.InstanceMapping(
                ctx, instance_uuid=uuid, cell_uuid=cell.uuid,
                project_id=server.project_id,
                user_id=server.user_id).create()
        except exception.StratusException:
            return 0  # mapped meanwhile
        LOG.warning("Audit: mapped server %s to cell %s", uuid, cell.name)
        return 1

    def _report(self, ctx, found):
        counts = found.counts()
        metrics = stratus_metrics.for_conf(self.conf)
        metrics.audit_passes.inc()
        metrics.audit_healed.inc(found.healed)
        for kind, count in counts.items():
            metrics.audit_drift.labels(kind).set(count)
        if not any(counts.values()):
            LOG.info("Audit: no drift found")
            return
        LOG.warning("Audit: %s; healed %d", ", ".join(
            "%s %d" % (name, count) for name, count in counts.items()),
            found.healed)
        if self.notifier is not None:
            self.notifier.notify(ctx, EVENT_TYPE, AuditDriftPayload(
                healed=found.healed, **counts), priority="warn")


def _delete_build_request(ctx, uuid):
    try:
        build_request_obj.BuildRequest(ctx, instance_uuid=uuid).destroy()
    except exception.BuildRequestNotFound:
        return 0
    LOG.warning("Audit: deleted the build request left by server %s", uuid)
    return 1
