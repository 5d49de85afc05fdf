"""The compute manager driven through a real compute Service over the
fake:// transport, as the conductor drives it."""
import json
import logging

import oslo_messaging
import pytest

from stratus.compute import manager as compute_manager
from stratus.compute import resource_tracker
from stratus.compute import rpcapi as compute_rpcapi
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_query
from stratus.placement import allocations
from stratus.placement import providers
from tests.functional.hosts import fixtures

VMState = fields.VMState
TaskState = fields.TaskState
PowerState = fields.PowerState
BUILD = compute_manager.BUILD_EVENT
TERMINATE = compute_manager.TERMINATE_EVENT


def build(hosts, instance, networks="auto", alternates=()):
    compute_rpcapi.ComputeAPI(hosts.messaging).build_and_run_instance(
        hosts.ctx, instance.host, instance,
        fixtures.request_spec(instance, networks), list(alternates),
        "secret", [])


def settled(instance):
    return instance.task_state is None


def errored(instance):
    # The conductor writes the fault before the ERROR state, so a waiter
    # that sees ERROR also sees why.
    return instance.vm_state == VMState.ERROR


def test_build_runs_the_guest_and_makes_the_server_active(hosts):
    compute = hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node2", name="web")
    build(hosts, instance)
    built = hosts.wait_for(instance.uuid, settled)
    assert built.vm_state == VMState.ACTIVE
    assert built.power_state == PowerState.RUNNING
    assert built.launched_at is not None
    assert built.launched_on == "cmp1"
    (version, address), = instance_query.addresses(built.info_cache)
    assert version == 4 and address.startswith("10.")
    assert compute.driver.get_power_state(built) == PowerState.RUNNING
    assert hosts.wait_for_events(instance.uuid, 1) == [
        (BUILD, "Success", None)]


def test_networks_none_gives_an_empty_info_cache(hosts):
    hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node1")
    build(hosts, instance, networks="none")
    built = hosts.wait_for(instance.uuid, settled)
    assert built.vm_state == VMState.ACTIVE
    assert json.loads(built.info_cache) == []


def test_failed_spawns_are_rescheduled_until_no_host_is_left(hosts):
    hosts.conf.set_override("fail_spawn_name_regex", "^broken",
                            group="fake_driver")
    first = hosts.start_compute("cmp1")
    second = hosts.start_compute("cmp2")
    instance = hosts.create_instance("cmp1", "cmp1-node1", name="broken-1")
    build(hosts, instance,
          alternates=[hosts.selection("cmp2", "cmp2-node3")])
    failed = hosts.wait_for(instance.uuid, errored)
    assert failed.task_state is None
    assert "Exhausted all hosts" in failed.fault.message
    assert (failed.host, failed.node) == ("cmp2", "cmp2-node3")
    events = hosts.wait_for_events(instance.uuid, 2)
    assert [event[:2] for event in events] == [(BUILD, "Error")] * 2
    assert "Cannot allocate memory" in events[0][2]
    assert first.driver.list_instance_uuids() == []
    assert second.driver.list_instance_uuids() == []
    assert allocations.get_allocations(hosts.ctx, instance.uuid) == {}


def test_a_server_deleted_before_its_build_is_not_built(hosts):
    compute = hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node1",
                                     task_state=TaskState.DELETING)
    build(hosts, instance)
    assert [event[:2] for event in hosts.wait_for_events(
        instance.uuid, 1)] == [(BUILD, "Error")]
    assert compute.driver.list_instance_uuids() == []
    assert hosts.instance(instance.uuid).task_state == TaskState.DELETING


def test_terminate_destroys_the_guest_and_the_instance(hosts):
    compute = hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node1")
    build(hosts, instance)
    built = hosts.wait_for(instance.uuid, settled)
    built.task_state = TaskState.DELETING
    built.save()
    compute_rpcapi.ComputeAPI(hosts.messaging).terminate_instance(
        hosts.ctx, built)
    gone = hosts.wait_for(instance.uuid, lambda i: i.deleted)
    assert gone.vm_state == VMState.DELETED
    assert compute.driver.list_instance_uuids() == []
    assert hosts.wait_for_events(instance.uuid, 2) == [
        (BUILD, "Success", None), (TERMINATE, "Success", None)]


def test_restart_finishes_or_builds_again_what_a_crash_interrupted(hosts):
    compute = hosts.start_compute("cmp1")
    running = hosts.create_instance("cmp1", "cmp1-node1", name="running")
    stopping = hosts.create_instance("cmp1", "cmp1-node1", name="stopping")
    starting = hosts.create_instance("cmp1", "cmp1-node2", name="starting")
    deleting = hosts.create_instance("cmp1", "cmp1-node2", name="deleting")
    for instance in (running, stopping, starting, deleting):
        build(hosts, instance)
        hosts.wait_for(instance.uuid, settled)
    compute.driver.power_off(starting)
    hosts.stop_compute("cmp1")
    # What the database says when the compute died mid-operation:
    spawning = hosts.create_instance("cmp1", "cmp1-node1", name="spawning",
                                     task_state=TaskState.SPAWNING)
    fixtures.request_spec(spawning).create(hosts.ctx)
    # Its request spec lost: the build cannot be sent again.
    orphan = hosts.create_instance("cmp1", "cmp1-node1", name="orphan",
                                   task_state=TaskState.NETWORKING)
    for instance, vm_state, task_state, power_state in (
            (stopping, VMState.ACTIVE, TaskState.POWERING_OFF,
             PowerState.RUNNING),
            (starting, VMState.STOPPED, TaskState.POWERING_ON,
             PowerState.SHUTDOWN),
            (deleting, VMState.ACTIVE, TaskState.DELETING,
             PowerState.RUNNING)):
        fresh = hosts.instance(instance.uuid)
        fresh.vm_state, fresh.task_state = vm_state, task_state
        fresh.power_state = power_state
        fresh.save()

    restarted = hosts.start_compute("cmp1")

    def state(instance):
        fresh = hosts.instance(instance.uuid)
        return fresh.vm_state, fresh.task_state, fresh.power_state
    assert state(running) == (VMState.ACTIVE, None, PowerState.RUNNING)
    assert state(stopping) == (VMState.STOPPED, None, PowerState.SHUTDOWN)
    assert state(starting) == (VMState.ACTIVE, None, PowerState.RUNNING)
    # The spawn the crash cut short is not a failed attempt: built again
    # on its host.
    built = hosts.wait_for(spawning.uuid, settled)
    assert (built.vm_state, built.host) == (VMState.ACTIVE, "cmp1")
    failed = hosts.wait_for(orphan.uuid, errored)
    assert (failed.vm_state, failed.task_state) == (VMState.ERROR, None)
    assert "Exhausted all hosts" in failed.fault.message
    assert hosts.instance(deleting.uuid).deleted
    assert sorted(restarted.driver.list_instance_uuids()) == sorted(
        [running.uuid, stopping.uuid, starting.uuid, spawning.uuid])


def test_compute_nodes_report_totals_usage_and_placement_inventory(hosts):
    hosts.conf.set_override("nodes", 2, group="fake_driver")
    hosts.conf.set_override("cpu_allocation_ratio", 8.0)
    hosts.conf.set_override("reserved_host_memory_mb", 256)
    compute = hosts.start_compute("cmp1")
    nodes = {node.hypervisor_hostname: node for node in
             compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx, "cmp1")}
    assert sorted(nodes) == ["cmp1-node1", "cmp1-node2"]
    nodes_uuids = [node.uuid for node in nodes.values()]
    node = nodes["cmp1-node2"]
    assert (node.vcpus, node.memory_mb, node.local_gb) == (16, 65536, 1024)
    assert (node.vcpus_used, node.memory_mb_used, node.running_vms) == (
        0, 256, 0)
    inventories = providers.get_inventories(hosts.ctx, node.uuid)
    assert inventories["VCPU"].allocation_ratio == 8.0
    assert inventories["MEMORY_MB"].reserved == 256

    instance = hosts.create_instance("cmp1", "cmp1-node2")
    build(hosts, instance)
    hosts.wait_for(instance.uuid, settled)
    hosts.wait_for_events(instance.uuid, 1)  # the build is over
    # (the service's periodic task may have sent the change already)
    compute.tracker.report_changed_nodes(hosts.ctx)
    node = compute_node_obj.ComputeNode.get_by_host_and_nodename(
        hosts.ctx, "cmp1", "cmp1-node2")
    assert (node.vcpus_used, node.memory_mb_used, node.local_gb_used,
            node.running_vms) == (1, 768, 1, 1)
    assert node.free_ram_mb == 65536 - 768
    # Recounting from the database finds nothing new to send (counted
    # from just after a full report: on a loaded machine the service's own
    # periodic recount may have run meanwhile)...
    compute.tracker._updates = 1
    assert compute.tracker.update_available_resource(hosts.ctx) is None
    # ...until a full report, which sends every node again.
    for _ in range(resource_tracker.FULL_REPORT_EVERY - 2):
        compute.tracker.update_available_resource(hosts.ctx)
    sent = compute.tracker.update_available_resource(hosts.ctx)
    assert {node.uuid for node in sent} == set(nodes_uuids)


def test_power_sync_follows_the_guest_and_removes_orphans(hosts):
    compute = hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node1")
    build(hosts, instance)
    built = hosts.wait_for(instance.uuid, settled)
    hosts.wait_for_events(instance.uuid, 1)  # the build is over
    compute.driver.power_off(built)  # the guest shut itself down
    orphan = instance_obj.Instance(
        uuid="4b1c8e44-94b6-4f5e-8f53-8d2f1a6b2c11", display_name="orphan",
        hostname="orphan", node="cmp1-node1", project_id="demo")
    compute.driver.spawn(None, orphan, None, [], None, [])

    compute.sync_power_states(hosts.ctx)

    synced = hosts.instance(instance.uuid)
    assert (synced.vm_state, synced.power_state) == (VMState.STOPPED,
                                                     PowerState.SHUTDOWN)
    assert compute.driver.list_instance_uuids() == [instance.uuid]


def test_uptime_comes_from_the_host(hosts):
    hosts.start_compute("cmp1")
    uptime = compute_rpcapi.ComputeAPI(hosts.messaging).get_host_uptime(
        hosts.ctx, "cmp1")
    assert " up " in uptime and "load average" in uptime


def test_cache_images_fetches_what_the_host_lacks(hosts, caplog):
    compute = hosts.start_compute("cmp1")
    compute.cache_images(hosts.ctx, ["image-a"])
    with caplog.at_level(logging.INFO, logger=compute_manager.__name__):
        compute.cache_images(hosts.ctx, ["image-a", "image-b"])
    assert compute.driver.cached_images == {"image-a", "image-b"}
    assert "{'cached': 1, 'existing': 1, 'error': 0}" in caplog.text


class _DriverWithoutImageCache:
    name = "bare"


def test_a_driver_without_an_image_cache_skips_pre_caching(hosts, caplog):
    compute = compute_manager.ComputeManager(
        hosts.conf, hosts.messaging, "cmp9", _DriverWithoutImageCache())
    with caplog.at_level(logging.INFO, logger=compute_manager.__name__):
        compute.cache_images(hosts.ctx, ["image-a"])
    assert "The bare driver has no image cache; not caching image-a" \
        in caplog.text


def test_the_version_cap_limits_what_the_client_sends(hosts):
    hosts.start_compute("cmp1")
    hosts.conf.set_override("compute", "1.0", group="upgrade_levels")
    assert compute_rpcapi.ComputeAPI(hosts.messaging).get_host_uptime(
        hosts.ctx, "cmp1")
    hosts.conf.set_override("compute", "0.9", group="upgrade_levels")
    with pytest.raises(oslo_messaging.RPCVersionCapError):
        compute_rpcapi.ComputeAPI(hosts.messaging).get_host_uptime(
            hosts.ctx, "cmp1")


def test_an_unknown_host_is_unavailable(hosts):
    hosts.conf.set_override("rpc_response_timeout", 1)
    with pytest.raises(compute_rpcapi.ComputeServiceUnavailable):
        compute_rpcapi.ComputeAPI(hosts.messaging).get_host_uptime(
            hosts.ctx, "nowhere")


def test_restart_settles_interrupted_server_actions(hosts):
    compute = hosts.start_compute("cmp1")
    names = ("soft_deleting", "pausing", "snapshotting")
    instances = {name: hosts.create_instance("cmp1", "cmp1-node1", name=name)
                 for name in names}
    for instance in instances.values():
        build(hosts, instance)
        hosts.wait_for(instance.uuid, settled)
    compute.driver.pause(instances["snapshotting"])
    hosts.stop_compute("cmp1")
    for name, vm_state, task_state, power_state in (
            ("soft_deleting", VMState.ACTIVE, TaskState.SOFT_DELETING,
             PowerState.RUNNING),
            ("pausing", VMState.ACTIVE, TaskState.PAUSING,
             PowerState.RUNNING),
            ("snapshotting", VMState.PAUSED, TaskState.IMAGE_UPLOADING,
             PowerState.PAUSED)):
        fresh = hosts.instance(instances[name].uuid)
        fresh.vm_state, fresh.task_state = vm_state, task_state
        fresh.power_state = power_state
        fresh.save()

    hosts.start_compute("cmp1")

    def state(name):
        fresh = hosts.instance(instances[name].uuid)
        return fresh.vm_state, fresh.task_state, fresh.power_state
    assert state("soft_deleting") == (VMState.SOFT_DELETED, None,
                                      PowerState.SHUTDOWN)
    assert state("pausing") == (VMState.ACTIVE, None, PowerState.RUNNING)
    assert state("snapshotting") == (VMState.PAUSED, None,
                                     PowerState.PAUSED)
