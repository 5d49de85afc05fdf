import time

import pytest

from stratus import exception
from stratus.objects import cell_mapping
from stratus.objects import compute_node
from stratus.objects import fields
from stratus.objects import host_mapping
from stratus.objects import instance_action
from stratus.objects import instance_fault
from stratus.objects import service as service_obj
from stratus.placement import allocations
from stratus.placement import providers
from tests.functional.backend.conftest import CELL0

pytestmark = pytest.mark.slow

ACTIVE, ERROR = fields.VMState.ACTIVE, fields.VMState.ERROR


def _build_request_gone(backend, instance_uuid):
    from stratus.objects import build_request
    with pytest.raises(exception.BuildRequestNotFound):
        build_request.BuildRequest.get_by_instance_uuid(backend.ctx,
                                                        instance_uuid)
    return True


def test_services_register_and_computes_get_mapped(backend):
    backend.start_compute("c1", nodes=2)
    services = {s.binary: s for s in
                service_obj.ServiceList.get_all(backend.ctx)}
    assert set(services) == {"nova-conductor", "nova-scheduler",
                             "nova-compute"}
    assert all(s.is_up(backend.conf.service_down_time)
               for s in services.values())
    cell = cell_mapping.local_cell(backend.ctx, backend.conf)
    assert host_mapping.HostMapping.get_by_host(
        backend.ctx, "c1").cell_mapping.uuid == cell.uuid
    nodes = compute_node.ComputeNodeList.get_by_host(backend.ctx, "c1")
    assert len(nodes) == 2 and all(n.service_id == services[
        "nova-compute"].id for n in nodes)
    inventory = providers.get_inventories(backend.ctx, nodes[0].uuid)
    assert inventory["VCPU"].allocation_ratio == 4.0
    assert inventory["MEMORY_MB"].total == nodes[0].memory_mb


def test_boot_reaches_active_with_claim_mapping_and_actions(backend):
    backend.start_compute("c1")
    [uuid] = backend.boot("web")
    instance = backend.wait_for(uuid, ACTIVE)
    assert (instance.host, instance.availability_zone) == ("c1", "nova")
    node = compute_node.ComputeNode.get_by_host_and_nodename(
        backend.ctx, "c1", instance.node)
    assert instance.compute_id == node.id
    assert backend.mapping(uuid).cell_uuid == instance.cell_uuid != CELL0
    assert _build_request_gone(backend, uuid)
    assert allocations.get_allocations(backend.ctx, uuid) == {
        node.uuid: {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    with backend.ctx.target_cell(instance.cell_uuid) as cctx:
        [action] = instance_action.InstanceActionList.get_by_instance_uuid(
            cctx, uuid)
        events = instance_action.InstanceActionEventList.get_by_action(
            cctx, action.id)
    assert (action.action, action.request_id) == ("create",
                                                  backend.ctx.request_id)
    assert {(e.event, e.result) for e in events} >= {
        ("conductor_schedule_and_build_instances", "Success")}


def test_multi_create_is_scheduled_in_one_go_and_spread(backend):
    backend.start_compute("c1", nodes=3)
    uuids = backend.boot("many", count=3)
    nodes = {backend.wait_for(uuid, ACTIVE).node for uuid in uuids}
    assert len(nodes) == 3


def test_no_valid_host_buries_the_server_in_cell0(backend):
    backend.start_compute("c1", vcpus=2)
    [uuid] = backend.boot("huge", vcpus=4)
    instance = backend.wait_for(uuid, ERROR)
    assert backend.mapping(uuid).cell_uuid == CELL0 == instance.cell_uuid
    assert _build_request_gone(backend, uuid)
    with backend.ctx.target_cell(CELL0) as cctx:
        [fault] = instance_fault.InstanceFaultList.get_latest_for_instances(
            cctx, [uuid])
    assert fault.code == 500
    assert fault.message == ("No valid host was found. There are not "
                             "enough hosts available.")
    assert allocations.get_allocations(backend.ctx, uuid) == {}


def test_server_deleted_while_scheduled_is_not_built(backend):
    from stratus.objects import build_request
    backend.start_compute("c1")
    real_destroy = build_request.BuildRequest.destroy
    # the user deletes the build request before the conductor binds it
    original = backend.services[0].manager.build_task._build_one

    def delete_then_build(ctx, br, *args):
        real_destroy(br)
        return original(ctx, br, *args)
    backend.services[0].manager.build_task._build_one = delete_then_build
    [uuid] = backend.boot("gone")
    deadline_instance = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            deadline_instance = backend.instance(
                uuid, cell_uuid=cell_mapping.local_cell(
                    backend.ctx, backend.conf).uuid, read_deleted=True)
            if deadline_instance.deleted:
                break
        except exception.InstanceNotFound:
            pass
        time.sleep(0.01)
    assert deadline_instance is not None and deadline_instance.deleted
    assert backend.mapping(uuid).cell_uuid is None
    assert allocations.get_allocations(backend.ctx, uuid) == {}


def test_failed_spawn_is_rescheduled_to_an_alternate(backend):
    backend.start_compute("bad", fail_spawn_name_regex="^flaky",
                          memory_mb=1000000)
    backend.start_compute("good")
    [uuid] = backend.boot("flaky-1")
    instance = backend.wait_for(uuid, ACTIVE)
    assert instance.host == "good"
    [(provider, _resources)] = allocations.get_allocations(
        backend.ctx, uuid).items()
    assert provider == compute_node.ComputeNode.get_by_host_and_nodename(
        backend.ctx, "good", instance.node).uuid


def test_build_failing_everywhere_ends_in_error_with_a_fault(backend):
    backend.start_compute("c1", fail_spawn_name_regex="^doomed", nodes=3)
    [uuid] = backend.boot("doomed")
    instance = backend.wait_for(uuid, ERROR)
    with backend.ctx.target_cell(instance.cell_uuid) as cctx:
        [fault] = instance_fault.InstanceFaultList.get_latest_for_instances(
            cctx, [uuid])
    assert fault.message.startswith("Exceeded maximum number of retries. "
                                    "Exhausted all hosts available")
    assert allocations.get_allocations(backend.ctx, uuid) == {}


def test_terminate_destroys_frees_and_marks_the_mapping(backend):
    from stratus.compute import rpcapi as compute_rpcapi
    from stratus.objects import instance_action as action_obj
    backend.start_compute("c1")
    [uuid] = backend.boot("short-lived")
    instance = backend.wait_for(uuid, ACTIVE)
    with backend.ctx.target_cell(instance.cell_uuid) as cctx:
        action_obj.InstanceAction.action_start(cctx, uuid, action_obj.DELETE)
    instance.task_state = fields.TaskState.DELETING
    instance.save()
    compute_rpcapi.ComputeAPI(backend.messaging).terminate_instance(
        backend.ctx, instance)
    gone = backend.wait_for(uuid, fields.VMState.DELETED)
    assert gone.deleted
    deadline = time.monotonic() + 5
    while not backend.mapping(uuid).queued_for_delete:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert allocations.get_allocations(backend.ctx, uuid) == {}
    with backend.ctx.target_cell(instance.cell_uuid) as cctx:
        delete = action_obj.InstanceAction.get_by_request_id(
            cctx, uuid, backend.ctx.request_id)
    assert delete.finish_time is not None


def test_instance_save_conflicts_cross_rpc(backend):
    backend.start_compute("c1")
    [uuid] = backend.boot("conflict")
    instance = backend.wait_for(uuid, ACTIVE)
    instance.display_name = "renamed"
    with pytest.raises(exception.UnexpectedTaskStateError):
        backend.conductor.instance_save(
            backend.ctx, instance,
            expected_task_state=fields.TaskState.SPAWNING)
    saved = backend.conductor.instance_save(backend.ctx, instance,
                                            expected_task_state=[None])
    assert saved.display_name == "renamed"
    assert backend.instance(uuid).display_name == "renamed"
    assert [i.uuid for i in backend.conductor.instances_on_host(
        backend.ctx, "c1")] == [uuid]


def test_burst_of_boots_fills_capacity_exactly(backend):
    from stratus.placement import usages
    backend.start_compute("c1", nodes=2, memory_mb=2048)
    uuids = [uuid for _ in range(20) for uuid in backend.boot("burst")]
    states = [backend.wait_for_any(uuid, {ACTIVE, ERROR}) for uuid in uuids]
    assert states.count(ACTIVE) == 8 and states.count(ERROR) == 12
    for node in compute_node.ComputeNodeList.get_by_host(backend.ctx, "c1"):
        assert usages.provider_usages(
            backend.ctx, node.uuid)["MEMORY_MB"] == 4 * 512
