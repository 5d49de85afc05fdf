"""Every request pre-filter, and the filters and weighers the other
modules leave out, through the Compute API: one cloud for the module
(SQLite: the subject is the scheduling logic), four compute hosts that
differ where the plugin under test looks, the scheduler reconfigured per
test. What a user sees: the host a server lands on, or ERROR with
NoValidHost in its fault.

Hosts: the all-in-one's own (16 vCPUs, 64 GiB, 1 TiB), ``cpu-host`` (64
vCPUs, 16 GiB), ``disk-host`` (8 TiB of disk, hypervisor version 5000),
``slow-host`` (its builds take SPAWN_SECONDS: a server building there is
an I/O operation in flight)."""
import json

import pytest
import webob

from stratus.placement import traits as placement_traits
from stratus.objects import compute_node as compute_node_obj
from tests import conftest as root_conftest
from tests.functional import cloud as cloud_harness
from tests.functional.scheduler.conftest import MAIN_HOST
from tests.functional.scheduler.conftest import SchedulerCloud
from tests.functional.scheduler.conftest import host_of
from tests.functional.scheduler.conftest import upload_image
from stratus import conf as stratus_conf
from stratus.scheduler import filters as scheduler_filters
from stratus.scheduler import weighers as scheduler_weighers

pytestmark = pytest.mark.slow
NO_VALID_HOST = "No valid host was found."
SPAWN_SECONDS = 8
HOSTS = {
    "cpu-host": dict(vcpus=64, memory_mb=16384, local_gb=100),
    "disk-host": dict(vcpus=4, memory_mb=16384, local_gb=8192,
                      hypervisor_version=5000),
    "slow-host": dict(vcpus=4, memory_mb=16384, local_gb=100,
                      spawn_delay=SPAWN_SECONDS),
}
BASE_FILTERS = ["ComputeFilter", "RequestedDestinationFilter",
                "CapacityFilter"]


class Env(SchedulerCloud):
    """The module's cloud, with per-test scheduler settings undone."""

    def __init__(self, tmp_dir):
        cloud_dbs = root_conftest._cloud_dbs("sqlite", str(tmp_dir))
        cloud_dbs.fresh()
        super().__init__(stratus_conf.build_conf(), cloud_dbs.urls,
                         tmp_dir)
        self.start()
        for host, options in HOSTS.items():
            self.add_compute(host, **options)
        for project in ("admin", "demo"):
            self.api.put("/os-quota-sets/%s" % project, {
                "quota_set": dict.fromkeys(("instances", "cores", "ram"),
                                           -1)})
        self.scheduler = next(service.manager for service
                              in self.cloud.services
                              if service.binary == "nova-scheduler")
        self._overrides = []
        self.servers = []
        self.aggregates = []

    def configure(self, filters=BASE_FILTERS, weighers=(), **options):
        """The scheduler's filters, weighers and {"group__name": value}
        options for this test."""
        conf = self.conf
        for key, value in dict(options, **{
                "filter_scheduler__enabled_filters": list(filters),
                "filter_scheduler__weight_classes": list(weighers)}).items():
            group, name = key.split("__")
            conf.set_override(name, value, group=group)
            self._overrides.append((name, group))
        self._reload()

    def _reload(self):
        self.scheduler.filters = scheduler_filters.load_filters(self.conf)
        self.scheduler.weighers = scheduler_weighers.load_weighers(self.conf)

    def boot(self, name="vm", flavor="1", client=None, wait=True,
             **extra):
        client = client or self.api
        body = {"name": name, "flavorRef": flavor, "networks": "none",
                "imageRef": self.api.first_image_id()}
        body.update(extra)
        server = client.post("/servers", {"server": body},
                             version="2.74")["server"]
        self.servers.append(server["id"])
        if not wait:
            return server["id"]
        return self.api.wait_for_status(server["id"], {"ACTIVE", "ERROR"},
                                        timeout=SPAWN_SECONDS + 20)

    def aggregate(self, name, hosts, zone=None, **metadata):
        body = {"name": name}
        if zone:
            body["availability_zone"] = zone
        aggregate = self.api.post("/os-aggregates",
                                  {"aggregate": body})["aggregate"]
        self.aggregates.append((aggregate["id"], hosts))
        for host in hosts:
            self.api.post("/os-aggregates/%s/action" % aggregate["id"],
                          {"add_host": {"host": host}})
        if metadata:
            self.api.post("/os-aggregates/%s/action" % aggregate["id"],
                          {"set_metadata": {"metadata": metadata}})
        return aggregate["id"]

    def provider_uuid(self, host):
        [node] = compute_node_obj.ComputeNodeList.get_by_host(self.ctx,
                                                               host)
        return node.uuid

    def placement(self, method, path, body=None):
        req = webob.Request.blank(path, method=method, headers={
            "X-Auth-Token": cloud_harness.ADMIN,
            "OpenStack-API-Version": "placement 1.39"})
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        response = req.get_response(self.cloud.apps["placement"])
        assert response.status_int in (200, 201, 204), response.text
        return response.json if response.body else None

    def provider_traits(self, host):
        return self.placement("GET", "/resource_providers/%s/traits"
                              % self.provider_uuid(host))

    def set_provider_traits(self, host, names):
        current = self.provider_traits(host)
        self.placement("PUT", "/resource_providers/%s/traits"
                       % self.provider_uuid(host), {
                           "traits": sorted(names),
                           "resource_provider_generation":
                               current["resource_provider_generation"]})

    def wait_for_stat(self, host, name, value):
        self.wait_for_node(host, lambda stats, node: stats.get(name)
                           == value, timeout=SPAWN_SECONDS + 10)

    def clean(self):
        for server_id in self.servers:
            self.api.delete("/servers/%s" % server_id, expected=(204, 404))
        for server_id in self.servers:
            self.api.wait_for_deleted(server_id, timeout=SPAWN_SECONDS + 20)
        for aggregate_id, hosts in self.aggregates:
            for host in hosts:
                self.api.post("/os-aggregates/%s/action" % aggregate_id,
                              {"remove_host": {"host": host}})
            self.api.delete("/os-aggregates/%s" % aggregate_id,
                            expected=(200, 204))
        self.servers, self.aggregates = [], []
        for name, group in self._overrides:
            self.conf.clear_override(name, group=group)
        self._overrides = []
        self._reload()


@pytest.fixture(scope="module")
def module_env(tmp_path_factory):
    env = Env(tmp_path_factory.mktemp("every-plugin"))
    yield env
    env.stop()


@pytest.fixture
def env(module_env):
    yield module_env
    module_env.clean()


def _no_valid_host(server):
    assert server["status"] == "ERROR", server
    assert server["fault"]["message"].startswith(NO_VALID_HOST), server


def _active_on(server, host):
    assert (server["status"], host_of(server)) == ("ACTIVE", host), server


# Capability traits ----------------------------------------------------------

def test_computes_report_capability_traits_and_keep_custom_ones(env):
    traits = env.provider_traits("cpu-host")["traits"]
    for name in ("COMPUTE_IMAGE_TYPE_RAW", "COMPUTE_IMAGE_TYPE_QCOW2",
                 "COMPUTE_NET_ATTACH_INTERFACE", "COMPUTE_DEVICE_TAGGING",
                 "COMPUTE_TRUSTED_CERTS", "COMPUTE_RESCUE_BFV",
                 "HW_ARCH_X86_64", "COMPUTE_ARCH_X86_64"):
        assert name in traits
    assert "COMPUTE_STATUS_DISABLED" not in traits


# Request pre-filters ----------------------------------------------------------

@pytest.mark.parametrize("required", [False, True])
def test_tenant_aggregates(env, required):
    env.configure(weighers=["RAMWeigher"],
                  scheduler__limit_tenants_to_placement_aggregate=True,
                  scheduler__placement_aggregate_required_for_tenants=required)
    env.aggregate("demo's", ["cpu-host"], filter_tenant_id="other,demo")
    demo = env.api.as_user(cloud_harness.DEMO)
    # RAM would pick the main host; demo's aggregate decides.
    _active_on(env.boot("demo's", client=demo), "cpu-host")
    admins = env.boot("admin's")
    if required:
        _no_valid_host(admins)
    else:
        _active_on(admins, MAIN_HOST)


def test_image_type_support(env):
    env.configure(scheduler__query_placement_for_image_type_support=True)
    _no_valid_host(env.boot("vhd", imageRef=upload_image(
        env.cloud, disk_format="vhd")))
    assert env.boot("qcow2", imageRef=upload_image(
        env.cloud, disk_format="qcow2"))["status"] == "ACTIVE"


def test_image_properties_as_traits(env):
    env.configure(scheduler__image_metadata_prefilter=True)
    assert env.boot("e1000", imageRef=upload_image(
        env.cloud, hw_vif_model="e1000", hw_architecture="x86_64",
        hw_disk_bus="sata"))["status"] == "ACTIVE"
    _no_valid_host(env.boot("vmxnet3", imageRef=upload_image(
        env.cloud, hw_vif_model="vmxnet3")))
    _no_valid_host(env.boot("arm", imageRef=upload_image(
        env.cloud, hw_architecture="aarch64")))


def test_isolated_aggregates(env):
    env.configure(weighers=["CPUWeigher"],
                  scheduler__enable_isolated_aggregate_filtering=True)
    placement_traits.create_trait(env.ctx, "CUSTOM_GPU")
    before = env.provider_traits("cpu-host")["traits"]
    env.set_provider_traits("cpu-host", before + ["CUSTOM_GPU"])
    env.aggregate("gpus", ["cpu-host"], **{"trait:CUSTOM_GPU": "required"})
    gpu = env.flavor("gpu.small", {"trait:CUSTOM_GPU": "required"})
    try:
        # The CPU weigher would pick cpu-host: it is kept for GPU servers.
        assert host_of(env.boot("plain")) != "cpu-host"
        _active_on(env.boot("gpu", flavor=gpu), "cpu-host")
        # The compute's reports keep the operator's trait.
        env.wait_for_node("cpu-host", lambda stats, node: stats.get(
            "num_instances") == 1)
        assert "CUSTOM_GPU" in env.provider_traits("cpu-host")["traits"]
    finally:
        env.api.delete("/flavors/%s" % gpu)
        env.set_provider_traits("cpu-host", before)


def test_availability_zone_pre_filter_and_filter(env):
    env.configure(filters=BASE_FILTERS + ["AvailabilityZoneFilter"],
                  weighers=["RAMWeigher"],
                  scheduler__query_placement_for_availability_zone=True)
    env.aggregate("az-disk", ["disk-host"], zone="az-disk")
    _active_on(env.boot("zoned", availability_zone="az-disk"), "disk-host")
    _active_on(env.boot("anywhere"), MAIN_HOST)


# Filters ------------------------------------------------------------------

def test_compute_filter_and_all_hosts_filter(env):
    """A disabled compute is left out by placement (its trait) and by
    ComputeFilter even when the trait is gone; AllHostsFilter takes it."""
    env.configure(weighers=["CPUWeigher"])
    service = [s for s in env.api.get("/os-services?binary=nova-compute",
                                      version="2.53")["services"]
               if s["host"] == "cpu-host"][0]
    env.api.put("/os-services/%s" % service["id"], {"status": "disabled"},
                version="2.53")
    try:
        assert "COMPUTE_STATUS_DISABLED" in env.provider_traits(
            "cpu-host")["traits"]
        assert host_of(env.boot("not-disabled")) != "cpu-host"
        env.set_provider_traits("cpu-host", [
            name for name in env.provider_traits("cpu-host")["traits"]
            if name != "COMPUTE_STATUS_DISABLED"])
        assert host_of(env.boot("still-not")) != "cpu-host"
        env.configure(filters=["AllHostsFilter"], weighers=["CPUWeigher"])
        _active_on(env.boot("anything-goes"), "cpu-host")
    finally:
        env.api.put("/os-services/%s" % service["id"], {"status": "enabled"},
                    version="2.53")


def test_aggregate_image_properties_isolation(env):
    env.configure(filters=BASE_FILTERS + ["AggregateImagePropertiesIsolation"],
                  weighers=["DiskWeigher"])
    env.aggregate("windows", ["disk-host"], os_distro="windows")
    linux = upload_image(env.cloud, os_distro="ubuntu")
    windows = upload_image(env.cloud, os_distro="windows")
    assert host_of(env.boot("linux", imageRef=linux)) != "disk-host"
    _active_on(env.boot("windows", imageRef=windows), "disk-host")


def test_io_ops_filters_and_weigher(env):
    env.configure(filters=BASE_FILTERS + ["IoOpsFilter"],
                  weighers=["IoOpsWeigher", "RAMWeigher"],
                  filter_scheduler__max_io_ops_per_host=1,
                  filter_scheduler__ram_weight_multiplier=-1.0)
    building = env.boot("building", host="slow-host", wait=False)
    env.wait_for_stat("slow-host", "io_workload", 1)
    # Stacking by RAM would pick slow-host; its build in flight weighs
    # against it, and at the limit it is filtered out.
    assert host_of(env.boot("elsewhere")) in ("cpu-host", "disk-host")
    _no_valid_host(env.boot("at-limit", host="slow-host"))
    env.configure(filters=BASE_FILTERS + ["AggregateIoOpsFilter"],
                  weighers=["RAMWeigher"])
    env.aggregate("one-io", ["slow-host"], max_io_ops_per_host="1")
    _no_valid_host(env.boot("aggregate-limit", host="slow-host"))
    env.api.wait_for_status(building, "ACTIVE", timeout=SPAWN_SECONDS + 20)


@pytest.mark.parametrize("plugin", ["NumInstancesFilter",
                                    "AggregateNumInstancesFilter",
                                    "NumInstancesWeigher"])
def test_instance_counts(env, plugin):
    env.configure(weighers=["RAMWeigher"])
    _active_on(env.boot("first"), MAIN_HOST)
    env.wait_for_stat(MAIN_HOST, "num_instances", 1)
    if plugin == "NumInstancesWeigher":
        # Packing by instance count beats spreading by RAM.
        env.configure(weighers=["RAMWeigher", plugin],
                      filter_scheduler__num_instances_weight_multiplier=10.0)
        _active_on(env.boot("packed"), MAIN_HOST)
        return
    env.configure(filters=BASE_FILTERS + [plugin], weighers=["RAMWeigher"],
                  filter_scheduler__max_instances_per_host=(
                      1 if plugin == "NumInstancesFilter" else 50))
    if plugin == "AggregateNumInstancesFilter":
        env.aggregate("one-each", [MAIN_HOST], max_instances_per_host="1")
    assert host_of(env.boot("second")) != MAIN_HOST


def test_metrics_filter(env):
    env.configure(filters=BASE_FILTERS + ["MetricsFilter"],
                  metrics__weight_setting=["cpu.percent=1.0"])
    assert env.boot("measured")["status"] == "ACTIVE"
    env.configure(filters=BASE_FILTERS + ["MetricsFilter"],
                  metrics__weight_setting=["cpu.percent=1.0",
                                           "gpu.percent=1.0"])
    _no_valid_host(env.boot("unmeasured"))


# Weighers -------------------------------------------------------------------

@pytest.mark.parametrize("weigher, host", [
    ("CPUWeigher", "cpu-host"), ("DiskWeigher", "disk-host"),
    ("HypervisorVersionWeigher", "disk-host"), ("RAMWeigher", MAIN_HOST)])
def test_resource_and_version_weighers(env, weigher, host):
    env.configure(weighers=[weigher])
    _active_on(env.boot(weigher), host)


def test_image_properties_weigher(env):
    env.configure(weighers=["RAMWeigher", "ImagePropertiesWeigher"],
                  filter_scheduler__image_props_weight_multiplier=10.0)
    image = upload_image(env.cloud, os_distro="debian", hw_disk_bus="virtio")
    _active_on(env.boot("first", imageRef=image, host="cpu-host"),
               "cpu-host")
    # RAM would pick the main host; the image's other server wins.
    _active_on(env.boot("second", imageRef=image), "cpu-host")
    env.configure(weighers=["RAMWeigher"])
    _active_on(env.boot("by-ram", imageRef=image), MAIN_HOST)


def test_cross_cell_weigher_leaves_new_servers_alone(env):
    """CrossCellWeigher weighs the cell of a server being moved; a new
    server has none, so the other weighers decide (one cell here)."""
    env.configure(weighers=["CrossCellWeigher", "DiskWeigher"])
    _active_on(env.boot("new"), "disk-host")
