"""The conductor's self-audit ([audit] interval, off by default): drift
between the cells, the API database and placement found, reported and
healed once two passes in a row found it, on every backend."""
import uuid

import pytest

from stratus.conductor import manager as conductor_manager
from stratus.conductor import self_audit
from stratus import context
from stratus.db import consistency
from stratus.objects import build_request as build_request_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.observability import metrics as stratus_metrics
from stratus.placement import allocations

pytestmark = pytest.mark.slow


class Notifications:
    def __init__(self):
        self.sent = []

    def notify(self, ctx, event_type, payload, priority="info"):
        self.sent.append((event_type, priority, payload.obj_to_primitive()))


def _boot(api):
    server = api.create_server("vm", image=api.first_image_id())["server"]
    return api.wait_for_status(server["id"], "ACTIVE")


def test_audit_is_off_by_default_and_runs_in_the_super_conductor(cloud):
    conductors = [svc.manager for svc in cloud.services
                  if isinstance(svc.manager,
                                conductor_manager.ConductorManager)]
    super_conductor = [manager for manager in conductors
                       if manager.periodic_tasks()][0]
    assert super_conductor.self_audit not in [
        task for _interval, task in super_conductor.periodic_tasks()]
    cloud.conf.set_override("interval", 3600, group="audit")
    assert (3600, super_conductor.self_audit) in (
        super_conductor.periodic_tasks())


def test_audit_finds_drift_and_heals_it_on_the_second_pass(cloud, api):
    ctx = context.get_admin_context(cloud.databases)
    server = _boot(api)
    (provider,) = allocations.show_consumer(ctx, server["id"]).allocations
    orphan = str(uuid.uuid4())
    allocations.replace_allocations(ctx, [allocations.ConsumerAllocations(
        orphan, {provider: {"VCPU": 1}}, "demo", "demo", None)])
    # The server loses its mapping; a build request is left behind.
    mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        ctx, server["id"])
    cell = mapping.cell_uuid
    mapping.destroy()
    with ctx.target_cell(cell) as cctx:
        build_request_obj.BuildRequest(
            ctx, instance_uuid=server["id"], project_id="demo",
            instance=instance_obj.Instance.get_by_uuid(
                cctx, server["id"])).create()
    ghost = str(uuid.uuid4())
    instance_mapping_obj.InstanceMapping(
        ctx, instance_uuid=ghost, cell_uuid=cell, project_id="demo",
        user_id="demo").create()

    notifications = Notifications()
    audit = self_audit.SelfAudit(cloud.conf, notifications)
    found = audit.run(ctx)
    assert found.orphaned_allocations == [orphan]
    assert found.unmapped_instances == [server["id"]]
    assert found.mappings_without_instance == [ghost]
    assert found.build_requests_left == [server["id"]]
    assert found.healed == 0
    assert notifications.sent[0][:2] == ("audit.drift", "warn")
    assert notifications.sent[0][2]["nova_object.data"] == {
        "orphaned_allocations": 1, "unmapped_instances": 1,
        "mappings_without_instance": 1, "build_requests_left": 1,
        "healed": 0}

    found = audit.run(ctx)
    assert found.healed == 3
    metrics = stratus_metrics.for_conf(cloud.conf).registry
    assert metrics.get_sample_value("stratus_audit_passes_total") == 2
    assert metrics.get_sample_value("stratus_audit_healed_total") == 3
    assert metrics.get_sample_value(
        "stratus_audit_drift", {"kind": "orphaned_allocations"}) == 1
    assert not consistency.build_requests(ctx.api_db, [server["id"]])
    assert not allocations.show_consumer(ctx, orphan).allocations
    assert instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        ctx, server["id"]).cell_uuid == cell
    # The server is shown again; its allocations stay.
    assert api.server(server["id"])["status"] == "ACTIVE"
    assert allocations.show_consumer(ctx, server["id"]).allocations
    # The mapping without a server is only reported.
    found = audit.run(ctx)
    assert found.mappings_without_instance == [ghost]
    assert metrics.get_sample_value(
        "stratus_audit_drift", {"kind": "orphaned_allocations"}) == 0
    assert metrics.get_sample_value(
        "stratus_audit_drift", {"kind": "mappings_without_instance"}) == 1
    assert (found.orphaned_allocations, found.unmapped_instances,
            found.build_requests_left, found.healed) == ([], [], [], 0)


def test_report_only_when_heal_is_off(cloud, api):
    ctx = context.get_admin_context(cloud.databases)
    cloud.conf.set_override("heal", False, group="audit")
    server = _boot(api)
    instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        ctx, server["id"]).destroy()
    audit = self_audit.SelfAudit(cloud.conf)
    for _pass in range(3):
        found = audit.run(ctx)
        assert (found.unmapped_instances, found.healed) == (
            [server["id"]], 0)
