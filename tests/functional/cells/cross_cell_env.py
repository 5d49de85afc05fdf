"""The two-cell all-in-one of the cross-cell move tests (compute1 and
compute3 in cell1, compute2 and compute4 in cell2) and what they read
of it; conftest.py makes ``cells_cloud`` and ``env`` fixtures of it.

The policy compute:servers:resize:cross_cell is given to callers with
the role ``cross_cell_mover`` (nobody has it by default).
"""
import threading

from oslo_policy import opts as policy_opts

from stratus import context as stratus_context
from stratus import exception
from stratus.objects import instance as instance_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from tests.functional import cloud as cloud_harness
from tests.functional.conftest import started_cloud

MOVER = "admin,member,reader,cross_cell_mover"


def cells_cloud(conf, cell_urls, tmp_path):
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(
        '"compute:servers:resize:cross_cell": "role:cross_cell_mover"\n')
    policy_opts.set_defaults(conf, policy_file=str(policy_file))
    yield from started_cloud(conf, cell_urls, tmp_path / "cloud", hosts=4,
                             cells=2)


class Env:

    def __init__(self, cloud):
        self.cloud = cloud
        self.api = cloud_harness.StackClient(cloud.apps["compute"])
        self.ctx = stratus_context.get_admin_context(cloud.databases)
        self.cell_names = {cell.uuid: cell.name for cell in cloud.cells}

    def boot(self, host):
        image = self.api.app_images()[0]["id"]
        server = self.api.create_server(name="mover", image=image,
                                        availability_zone="nova:" + host)
        return self.api.wait_for_status(server["server"]["id"], "ACTIVE")

    def act(self, server_id, body, roles=None, version=None,
            expected=(202, 204)):
        headers = {"X-Roles": roles} if roles else None
        response = self.api.request(
            "POST", "/v2.1/servers/%s/action" % server_id, body,
            version=version, headers=headers)
        assert response.status_int in expected, response.text

    def settled(self, server_id, statuses, timeout=30):
        """The server once in one of statuses with no task."""
        self.api.wait_for_status(server_id, statuses, timeout)
        deadline = threading.Event()
        for _ in range(int(timeout / 0.02)):
            server = self.api.server(server_id)
            if server["OS-EXT-STS:task_state"] is None \
                    and server["status"] in statuses:
                return server
            deadline.wait(0.02)
        raise AssertionError(server)

    def cell_of(self, server_id):
        mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
            self.ctx, server_id)
        return self.cell_names[mapping.cell_uuid]

    def copies(self, server_id):
        """{cell name: hidden} of the server's rows in each cell."""
        found = {}
        for cell in self.cloud.cells:
            with self.ctx.target_cell(cell.uuid) as cctx:
                try:
                    instance = instance_obj.Instance.get_by_uuid(
                        cctx, server_id, read_deleted=True)
                except exception.InstanceNotFound:
                    continue
                found[cell.name] = bool(instance.hidden)
        return found

    def migrations(self, server_id):
        return self.api.get("/os-migrations?instance_uuid=%s" % server_id,
                            version="2.80")["migrations"]

    def actions(self, server_id):
        """[(action, {event: result})], oldest first."""
        actions = self.api.get("/servers/%s/os-instance-actions"
                               % server_id)["instanceActions"]
        shown = []
        for action in reversed(actions):
            detail = self.api.get("/servers/%s/os-instance-actions/%s" % (
                server_id, action["request_id"]), version="2.51")
            shown.append((action["action"], {
                event["event"]: event["result"]
                for event in detail["instanceAction"]["events"]}))
        return shown

    def super_conductor(self):
        """The conductor of the API level (the one not pinned to a
        cell)."""
        return next(svc.manager for svc in self.cloud.services
                    if svc.binary == "nova-conductor"
                    and svc.manager._cell_uuid is None)

    def guest(self, host, server_id):
        compute = next(svc for svc in self.cloud.computes
                       if svc.host == host)
        return compute.manager.driver.guest(server_id)
