"""PUT and DELETE /servers/{id}."""
import threading

from stratus.compute import rpcapi as compute_rpcapi
from stratus.objects import instance_action
from stratus.objects import instance_mapping
from stratus.objects import service as service_obj
from tests.functional.servers import fixtures


def test_update_changes_a_placed_server(servers):
    placed = servers.place(name="old")
    path = "/servers/%s" % placed.uuid
    updated = servers.demo.put(path, {"server": {
        "name": "new", "description": "desc", "hostname": "new-host",
        "accessIPv4": "192.0.2.1", "OS-DCF:diskConfig": "AUTO"}},
        version="2.90")["server"]
    assert (updated["name"], updated["description"],
            updated["OS-EXT-SRV-ATTR:hostname"], updated["accessIPv4"],
            updated["OS-DCF:diskConfig"]) == (
        "new", "desc", "new-host", "192.0.2.1", "AUTO")
    assert updated["OS-EXT-STS:vm_state"] == "active"  # full body at 2.75+
    instance = servers.instance(placed.uuid)
    assert (instance.display_name, instance.hostname,
            instance.auto_disk_config) == ("new", "new-host", True)

    # Before 2.75 the answer leaves out the extended attributes.
    older = servers.demo.put(path, {"server": {"name": "again"}},
                             version="2.74")["server"]
    assert older["name"] == "again" and "OS-EXT-STS:vm_state" not in older
    assert "key_name" not in older and "description" in older
    response = servers.demo.request("PUT", "/v2.1" + path,
                                    {"server": {"hostname": "x"}},
                                    version="2.89")
    assert response.status_int == 400
    assert servers.other.request("PUT", "/v2.1" + path, {
        "server": {"name": "x"}}).status_int == 404


def test_update_reaches_a_server_still_building(sqlite_servers):
    server_id = sqlite_servers.demo.create_server(
        name="building", image=fixtures.IMAGE_ID)["server"]["id"]
    updated = sqlite_servers.demo.put("/servers/%s" % server_id, {
        "server": {"name": "renamed"}})["server"]
    assert updated["name"] == "renamed" and updated["status"] == "BUILD"
    assert sqlite_servers.build_request(server_id).instance.display_name == (
        "renamed")


def test_deleting_a_building_server_drops_its_build_request(servers):
    server_id = servers.demo.create_server(
        image=fixtures.IMAGE_ID)["server"]["id"]
    servers.demo.delete("/servers/%s" % server_id, expected=(204,))
    assert servers.demo.request("GET", "/v2.1/servers/%s" %
                                server_id).status_int == 404
    assert servers.demo.get("/servers")["servers"] == []
    mapping = instance_mapping.InstanceMapping.get_by_instance_uuid(
        servers.ctx, server_id)
    assert mapping.queued_for_delete and mapping.cell_uuid is None


def test_a_server_without_a_host_is_deleted_here(servers):
    placed = servers.place(cell="cell0", name="lost", host=None,
                           vm_state="error")
    servers.demo.delete("/servers/%s" % placed.uuid, expected=(204,))
    assert servers.demo.request("GET", "/v2.1/servers/%s" %
                                placed.uuid).status_int == 404
    instance = servers.instance(placed.uuid, read_deleted=True)
    assert instance.deleted and instance.vm_state == "deleted"
    assert instance_mapping.InstanceMapping.get_by_instance_uuid(
        servers.ctx, placed.uuid).queued_for_delete
    actions = servers.demo.get("/servers/%s/os-instance-actions" %
                               placed.uuid, version="2.21")["instanceActions"]
    assert [a["action"] for a in actions] == ["delete", "create"]


class ComputeRecorder:
    """Serves a compute host's queue and records terminate_instance."""

    def __init__(self, messaging, host):
        self.instances = []
        self.arrived = threading.Event()
        self.server = messaging.server(compute_rpcapi.TOPIC, host, [self])
        self.server.start()

    def terminate_instance(self, ctx, instance):
        self.instances.append(instance)
        self.arrived.set()

    def stop(self):
        self.server.stop()
        self.server.wait()


def test_a_server_on_a_live_host_is_terminated_there(sqlite_servers):
    servers = sqlite_servers
    placed = servers.place(name="vm1", host="host1")
    service_obj.Service(servers.ctx, host="host1", binary="nova-compute",
                        topic="compute",
                        cell_uuid=servers.cells["cell1"]).create()
    recorder = ComputeRecorder(servers.messaging, "host1")
    try:
        servers.demo.delete("/servers/%s" % placed.uuid, expected=(204,))
        assert recorder.arrived.wait(10)
    finally:
        recorder.stop()
    terminated, = recorder.instances
    assert terminated.uuid == placed.uuid
    assert terminated.task_state == "deleting"
    shown = servers.demo.server(placed.uuid)
    assert shown["OS-EXT-STS:task_state"] == "deleting"
    assert shown["status"] == "ACTIVE"
    # Deleting again while the host works on it changes nothing.
    servers.demo.delete("/servers/%s" % placed.uuid, expected=(204,))
    ctx = servers.ctx_for("demo", "demo")
    with ctx.target_cell(servers.cells["cell1"]) as cctx:
        actions = instance_action.InstanceActionList.get_by_instance_uuid(
            cctx, placed.uuid)
    assert [action.action for action in actions] == ["delete", "create"]


def test_a_locked_server_is_deleted_by_admins_only(sqlite_servers):
    placed = sqlite_servers.place(name="locked", host=None, locked=True,
                                  locked_by="admin")
    response = sqlite_servers.demo.request("DELETE", "/v2.1/servers/%s" %
                                           placed.uuid)
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Instance %s is locked" % placed.uuid)
    sqlite_servers.admin.delete("/servers/%s" % placed.uuid, expected=(204,))

