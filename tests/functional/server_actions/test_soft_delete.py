"""Soft delete ([DEFAULT] reclaim_instance_interval > 0), restore,
forceDelete and the compute's reclaim of old soft-deleted servers."""
import datetime

import pytest

from stratus import context
from stratus.objects import base as objects_base
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping

pytestmark = pytest.mark.slow


def _delete(actions, server_id):
    actions.demo.delete("/servers/%s" % server_id, expected=(204,))
    return actions.settled(server_id)


def _backdate_deletion(actions, server_id, hours):
    ctx = context.get_admin_context(actions.cloud.databases)
    cell = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id).cell_uuid
    with ctx.target_cell(cell) as cctx:
        instance = instance_obj.Instance.get_by_uuid(cctx, server_id)
        instance.deleted_at = objects_base.utcnow() - datetime.timedelta(
            hours=hours)
        instance.save()


def test_delete_is_soft_and_restore_brings_the_server_back(
        soft_delete_actions):
    actions = soft_delete_actions
    server_id = actions.boot()["id"]
    server = _delete(actions, server_id)
    assert server["status"] == "SOFT_DELETED"
    assert server["OS-EXT-STS:power_state"] == fields.PowerState.SHUTDOWN
    assert actions.events(server_id)["action"] == "delete"
    assert actions.events(server_id)["events"][0]["event"] == (
        "compute_soft_delete_instance")
    # Soft-deleted servers take no other action.
    response = actions.act(server_id, {"os-start": None})
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'start' instance %s while it is in vm_state soft-delete"
        % server_id)
    assert actions.act(server_id, {"restore": None},
                       headers={"X-Roles": "reader"}).status_int == 403
    assert actions.act(server_id, {"restore": None}).status_int == 202
    server = actions.settled(server_id)
    assert server["status"] == "ACTIVE"
    assert server["OS-EXT-STS:power_state"] == fields.PowerState.RUNNING
    # Deleting a soft-deleted server deletes it.
    assert _delete(actions, server_id)["status"] == "SOFT_DELETED"
    actions.demo.delete("/servers/%s" % server_id, expected=(204,))
    actions.demo.wait_for_deleted(server_id)
    server_id = actions.boot("again")["id"]
    response = actions.act(server_id, {"restore": None})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'restore' instance %s while it is in vm_state active"
        % server_id)


def test_force_delete_and_reclaim(soft_delete_actions):
    actions = soft_delete_actions
    first, second = actions.boot("one")["id"], actions.boot("two")["id"]
    for server_id in (first, second):
        assert _delete(actions, server_id)["status"] == "SOFT_DELETED"
    assert actions.act(first, {"forceDelete": None}).status_int == 202
    actions.demo.wait_for_deleted(first)
    assert first not in actions.driver.list_instance_uuids()

    admin_ctx = context.get_admin_context()
    # Not old enough yet: the periodic task leaves it.
    actions.compute.reclaim_queued_deletes(admin_ctx)
    assert actions.demo.server(second)["status"] == "SOFT_DELETED"
    _backdate_deletion(actions, second, hours=2)
    actions.compute.reclaim_queued_deletes(admin_ctx)
    actions.demo.wait_for_deleted(second)
    assert second not in actions.driver.list_instance_uuids()
    # A locked server cannot be force-deleted by its owner.
    third = actions.boot("three")["id"]
    assert actions.act(third, {"lock": None}).status_int == 202
    response = actions.act(third, {"forceDelete": None})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Instance %s is locked" % third)


def test_soft_delete_failure_keeps_the_server(soft_delete_actions):
    actions = soft_delete_actions
    server_id = actions.boot()["id"]
    actions.driver.inject_failure("power_off", server_id)
    server = _delete(actions, server_id)
    assert server["status"] == "ACTIVE"
    event, = actions.events(server_id)["events"]
    assert event["result"] == "Error"
    actions.driver.clear_failures()


def test_restore_counts_against_quota(soft_delete_actions):
    actions = soft_delete_actions
    cores = actions.admin.get("/flavors/1")["flavor"]["vcpus"]
    actions.admin.put("/os-quota-sets/demo", {"quota_set": {"cores": cores}})
    server_id = actions.boot("first")["id"]
    assert _delete(actions, server_id)["status"] == "SOFT_DELETED"
    actions.boot("second")
    response = actions.act(server_id, {"restore": None})
    assert response.status_int == 403
    assert "Quota exceeded for cores" in response.json["forbidden"][
        "message"]
    assert actions.demo.server(server_id)["status"] == "SOFT_DELETED"
