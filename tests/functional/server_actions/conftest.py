"""Server actions through the Compute API on the whole in-process cloud
(conductor, scheduler, one fake compute), on each database backend."""
import time

import pytest

from tests.functional import cloud as cloud_harness

READER = {"X-Roles": "reader"}


class Actions:
    """The running cloud, a demo client and ways to drive actions."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.admin = cloud_harness.StackClient(cloud.apps["compute"])
        self.demo = self.admin.as_user(cloud_harness.DEMO)
        self.other = self.admin.as_user("other:other")
        self.compute = next(svc.manager for svc in cloud.services
                            if svc.binary == "nova-compute")
        self.driver = self.compute.driver

    def boot(self, name="vm", **extra):
        image = self.demo.first_image_id()
        server = self.demo.create_server(name=name, image=image, **extra)
        return self.demo.wait_for_status(server["server"]["id"], "ACTIVE")

    def act(self, server_id, body, client=None, version=None, headers=None):
        client = client or self.demo
        return client.request("POST", "/v2.1/servers/%s/action" % server_id,
                              body, version=version, headers=headers)

    def settled(self, server_id, client=None, timeout=10):
        """The server once no task runs on it."""
        client = client or self.demo
        deadline = time.monotonic() + timeout
        while True:
            server = client.server(server_id)
            if server["OS-EXT-STS:task_state"] is None:
                return server
            if time.monotonic() > deadline:
                raise AssertionError("server %s stays in task %s" % (
                    server_id, server["OS-EXT-STS:task_state"]))
            time.sleep(0.01)

    def finished(self, server_id, timeout=10):
        """The newest action, once the compute finished its event (for
        actions that run without a task_state)."""
        deadline = time.monotonic() + timeout
        while True:
            action = self.events(server_id)
            if action["events"] and all(event["finish_time"]
                                        for event in action["events"]):
                return action
            if time.monotonic() > deadline:
                raise AssertionError("action %s never finished" % action)
            time.sleep(0.01)

    def events(self, server_id, request_id=None):
        """The events of the newest action (or of request_id)."""
        actions = self.admin.get("/servers/%s/os-instance-actions"
                                 % server_id)["instanceActions"]
        request_id = request_id or actions[0]["request_id"]
        return self.admin.get("/servers/%s/os-instance-actions/%s" % (
            server_id, request_id), version="2.84")["instanceAction"]


@pytest.fixture
def actions(cloud):
    yield Actions(cloud)
    cloud.services[2].manager.driver.clear_failures()


@pytest.fixture
def soft_delete_actions(conf, databases, cloud_urls, tmp_path):
    """The cloud with [DEFAULT] reclaim_instance_interval = 1 hour."""
    conf.set_override("reclaim_instance_interval", 3600)
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path)
    yield Actions(running)
    running.stop()
