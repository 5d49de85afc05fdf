"""The whole stack with the scheduler configured per test, and more
compute hosts than the all-in-one's one, so that aggregates (which group
hosts) can matter."""
import json
import time

import pytest
import webob

from stratus.compute import manager as compute_manager
from stratus import context
from stratus.objects import compute_node as compute_node_obj
from stratus import service
from stratus.virt import loader as virt_loader
from tests.functional import cloud as cloud_harness
from tests.functional.backend import conftest as backend_conftest
from tests.unit.scheduler import hosts as scheduler_hosts

MAIN_HOST = "stratus-test"


class SchedulerCloud:
    def __init__(self, conf, urls, data_dir):
        self.conf = conf
        self.urls = urls
        self.data_dir = data_dir
        self.cloud = None
        self.api = None
        self.ctx = None

    def start(self, nodes=1, filters=None, weighers=None, **options):
        """The cloud, its scheduler configured: options are
        {"group__name": value} overrides."""
        conf = self.conf
        conf.set_override("host_cache_seconds", 0, group="scheduler")
        if filters is not None:
            conf.set_override("enabled_filters", filters,
                              group="filter_scheduler")
        if weighers is not None:
            conf.set_override("weight_classes", weighers,
                              group="filter_scheduler")
        for key, value in options.items():
            group, name = key.split("__")
            conf.set_override(name, value, group=group)
        self.cloud = cloud_harness.start_cloud(conf, self.urls, self.data_dir,
                                               nodes=nodes)
        self.api = cloud_harness.StackClient(self.cloud.apps["compute"])
        self.ctx = context.get_admin_context(self.cloud.databases)
        return self

    def add_compute(self, host, my_ip=None, **fake_driver):
        """Another compute service (one fake node named after the host)."""
        conf = backend_conftest.compute_conf(self.urls["cell1"],
                                             **fake_driver)
        if my_ip:
            conf.set_override("my_ip", my_ip)
        manager = compute_manager.ComputeManager(
            conf, self.cloud.messaging, host,
            virt_loader.load_driver(conf, host))
        self.cloud.services.append(service.Service(
            conf, self.cloud.messaging, "nova-compute", "compute", host,
            manager).start())

    def add_aggregate(self, name, hosts, **metadata):
        scheduler_hosts.add_aggregate(self.ctx, name, hosts, **metadata)

    def flavor(self, name, extra_specs=None, vcpus=1, ram=512, disk=1):
        flavor = self.api.post("/flavors", {"flavor": {
            "name": name, "vcpus": vcpus, "ram": ram, "disk": disk}})["flavor"]
        if extra_specs:
            self.api.post("/flavors/%s/os-extra_specs" % flavor["id"],
                          {"extra_specs": extra_specs})
        return flavor["id"]

    def boot(self, name="vm", flavor="1", hints=None, wait=("ACTIVE",),
             **extra):
        body = {"name": name, "flavorRef": flavor, "networks": "none",
                "imageRef": self.api.first_image_id()}
        body.update(extra)
        request = {"server": body}
        if hints:
            request["os:scheduler_hints"] = hints
        server = self.api.post("/servers", request)["server"]
        return self.api.wait_for_status(server["id"], set(wait) | {"ERROR"})

    def node_stats(self, host):
        [node] = compute_node_obj.ComputeNodeList.get_by_host(self.ctx, host)
        return json.loads(node.stats or "{}"), node

    def wait_for_node(self, host, check, timeout=15):
        """The host's node once check(stats, node) holds (computes report
        changes every few seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            stats, node = self.node_stats(host)
            if check(stats, node):
                return node
            if time.monotonic() > deadline:
                raise AssertionError("node of %s never got there: %s"
                                     % (host, stats))
            time.sleep(0.05)

    def stop(self):
        if self.cloud is not None:
            self.cloud.stop()


def host_of(server):
    return server["OS-EXT-SRV-ATTR:host"]


def node_of(server):
    return server["OS-EXT-SRV-ATTR:hypervisor_hostname"]


@pytest.fixture
def stack(conf, databases, cloud_urls, tmp_path):
    running = SchedulerCloud(conf, cloud_urls, tmp_path)
    yield running
    running.stop()


def upload_image(cloud, disk_format="raw", **properties):
    """A public image (raw unless said) with these properties, uploaded;
    its id."""
    def request(method, path, body, content_type):
        req = webob.Request.blank(path, method=method, headers={
            "X-Auth-Token": cloud_harness.ADMIN,
            "Accept": "application/json"})
        req.body = body
        req.content_type = content_type
        response = req.get_response(cloud.apps["image"])
        assert response.status_int in (201, 204), response.text
        return response
    image = request("POST", "/v2/images", json.dumps(dict(
        properties, name="props", disk_format=disk_format,
        container_format="bare", visibility="public")).encode(),
        "application/json").json
    request("PUT", "/v2/images/%s/file" % image["id"], b"\0" * 4096,
            "application/octet-stream")
    return image["id"]
