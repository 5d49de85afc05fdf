"""Real QEMU guests through libvirt, on the all-in-one.

Skipped (with the reason) unless tools/install-virt.sh has run: the
libvirt binding, a running libvirtd, QEMU and the image tools. One test
process at a time boots guests (a file lock), at most two guests at once,
128 MB each, on a bridge of their own; every domain whose name starts with
the tests' prefix is destroyed before and after.
"""
import contextlib
import fcntl
import os
import shutil
import subprocess
import time

import pytest

from stratus.compute import manager as compute_manager
from stratus import conf as stratus_conf
from stratus import context as stratus_context
from stratus.image import tiny
from stratus.network import builtin
from stratus import service
from stratus.virt import loader as virt_loader
from tests import conftest as root_conftest
from tests.functional import cloud as cloud_helpers
from stratus.image import exception as image_exception

DOMAIN_PREFIX = "stratus-test-"
BRIDGE = "stratus-test0"
CIDR = "10.254.0.0/24"
INSTANCES_PATH = "/var/lib/stratus/test-instances"
# A second compute host on this machine (test_reschedule.py): its own
# domain prefix (not starting with the first's: each host lists only its
# own guests), instance directories and bridge.
SECOND_HOST = "stratus-test2"
SECOND_HOST_OVERRIDES = {
    ("libvirt", "instances_path"): "/var/lib/stratus/test-instances2",
    ("libvirt", "domain_prefix"): "stratus-test2-",
    ("network", "bridge"): "stratus-test1",
    ("network", "cidr"): "10.254.1.0/24",
}
TEST_DOMAIN_PREFIXES = (DOMAIN_PREFIX,
                        SECOND_HOST_OVERRIDES[("libvirt", "domain_prefix")])
NETWORK_STATE = "/var/lib/stratus/test-network"
TINY_CACHE = "/var/cache/stratus/tiny-test"
LOCK_FILE = "/run/lock/stratus-libvirt-tests.lock"
GUEST_MEMORY_MB = 128
TOOLS = ("qemu-system-x86_64", "qemu-img", "virsh", "dnsmasq", "dhcp_release",
         "nft", "genisoimage", "mkfs.vfat", "mcopy", "syslinux")


def _why_not_available():
    try:
        import libvirt
    except ImportError:
        return "libvirt-python is not installed (run tools/install-virt.sh)"
    if os.geteuid() != 0:
        return "real guests need root (bridges, nftables, dnsmasq)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return "missing %s (run tools/install-virt.sh)" % ", ".join(missing)
    try:
        libvirt.open("qemu:///system").close()
    except libvirt.libvirtError as error:
        return "libvirtd does not answer (run tools/install-virt.sh): %s" % (
            error.get_error_message())
    return None


def destroy_test_domains():
    import libvirt
    connection = libvirt.open("qemu:///system")
    try:
        for domain in connection.listAllDomains():
            if not domain.name().startswith(TEST_DOMAIN_PREFIXES):
                continue
            try:
                if domain.isActive():
                    domain.destroy()
                domain.undefineFlags(
                    libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
            except libvirt.libvirtError:
                pass
    finally:
        connection.close()


@pytest.fixture(scope="session")
def libvirt_host():
    reason = _why_not_available()
    if reason:
        pytest.skip(reason)


@contextlib.contextmanager
def exclusive_guests():
    """One test process at a time boots guests (xdist workers wait here
    while another runs its guest tests); nothing of a previous run is
    left before or after."""
    os.makedirs(os.path.dirname(LOCK_FILE), exist_ok=True)
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        networks = [builtin.BuiltinNetwork(_guest_conf(), "stratus-test"),
                    builtin.BuiltinNetwork(second_host_conf(), SECOND_HOST)]
        destroy_test_domains()
        for network in networks:
            network.teardown()
        for path in (INSTANCES_PATH, NETWORK_STATE, SECOND_HOST_OVERRIDES[
                ("libvirt", "instances_path")]):
            shutil.rmtree(path, ignore_errors=True)
        try:
            yield
        finally:
            destroy_test_domains()
            for network in networks:
                network.teardown()


def build_tiny():
    try:
        return tiny.build(TINY_CACHE)
    except image_exception.TinyImageError as error:
        pytest.skip("cannot build the tiny guest: %s"
                    % error.format_message())


def _guest_conf():
    conf = stratus_conf.build_conf()
    for (group, name), value in {
            (None, "compute_driver"): "libvirt",
            ("libvirt", "virt_type"): "qemu",
            ("libvirt", "instances_path"): INSTANCES_PATH,
            ("libvirt", "domain_prefix"): DOMAIN_PREFIX,
            ("libvirt", "shutdown_timeout"): 10,
            # The driver's tests run on the one-bridge provider of their
            # own; the network service's dataplane (the default, provider
            # auto) has its own real-guest tests, test_network_traffic.py
            # and test_floating_ip_traffic.py, that override this.
            ("network", "provider"): "builtin",
            ("network", "bridge"): BRIDGE,
            ("network", "cidr"): CIDR,
            ("network", "state_dir"): NETWORK_STATE,
            (None, "sync_power_state_interval"): -1}.items():
        conf.set_override(name, value, group=group)
    return conf


def wait_for_log(read, text, count=1, timeout=120):
    """The console log read() gives, once text is in it count times."""
    deadline = time.monotonic() + timeout
    while True:
        log = read()
        if log.count(text) >= count:
            return log
        if time.monotonic() > deadline:
            raise AssertionError("%r (x%d) not on the console after %ds:\n%s"
                                 % (text, count, timeout, log[-3000:]))
        time.sleep(0.2)


def second_host_conf():
    conf = _guest_conf()
    for (group, name), value in SECOND_HOST_OVERRIDES.items():
        conf.set_override(name, value, group=group)
    return conf


class GuestCloud:
    """An all-in-one with compute_driver = libvirt, serving HTTP (the
    guests' metadata requests arrive over the bridge), and the tiny
    images registered; cloud_options go to start_cloud (auth="builtin"
    for the clients)."""

    def __init__(self, tmp_dir, artifacts, overrides=None, **cloud_options):
        cloud_dbs = root_conftest._cloud_dbs("sqlite", str(tmp_dir))
        cloud_dbs.fresh()
        self.conf = _guest_conf()
        for (group, name), value in (overrides or {}).items():
            self.conf.set_override(name, value, group=group)
        self.cloud = cloud_helpers.start_cloud(
            self.conf, cloud_dbs.urls, tmp_dir / "data", nodes=1,
            serve_http=True, **cloud_options)
        self.api = cloud_helpers.StackClient(self.cloud.apps["compute"],
                                             self._admin_token(cloud_options))
        self.manager = self.cloud.services[-1].manager
        self.driver = self.manager.driver
        self.network = self.manager.network
        ctx = stratus_context.get_admin_context(self.cloud.databases)
        self.images = tiny.register(ctx, self._image_api(), artifacts)
        self.flavor = self.api.post("/flavors", {"flavor": {
            "name": "guest.tiny", "ram": GUEST_MEMORY_MB, "vcpus": 1,
            "disk": 1}})["flavor"]["id"]

    def _admin_token(self, cloud_options):
        """The token the in-process APIs take: noauth's, or with the
        built-in identity one issued to admin."""
        if cloud_options.get("auth", "noauth") == "noauth":
            return cloud_helpers.ADMIN
        from keystoneauth1.identity import v3
        from keystoneauth1 import session
        return session.Session(auth=v3.Password(
            auth_url=self.cloud.endpoint("identity") + "/v3",
            username="admin", password=self.conf.identity.admin_password,
            project_name="admin", user_domain_id="default",
            project_domain_id="default")).get_token()

    def _image_api(self):
        from stratus.image import client as image_client
        return image_client.ImageAPI(direct_app=self.cloud.apps["image"])

    def boot(self, name, image="direct", **extra):
        body = {"name": name, "flavorRef": self.flavor,
                "imageRef": self.images[image], "networks": "auto"}
        body.update(extra)
        created = self.api.post("/servers", {"server": body})["server"]
        server = self.api.wait_for_status(created["id"], {"ACTIVE", "ERROR"},
                                          timeout=120)
        # Only the POST's answer has the generated password.
        server["adminPass"] = created.get("adminPass")
        return server

    def console(self, server_id):
        from stratus.objects import instance as instance_obj
        return self.driver.get_console_output(
            None, instance_obj.Instance(uuid=server_id))

    def wait_for_console(self, server_id, text, count=1, timeout=120):
        return wait_for_log(lambda: self.console(server_id), text, count,
                            timeout)

    def delete(self, server_id):
        self.api.delete("/servers/%s" % server_id)
        self.api.wait_for_deleted(server_id, timeout=60)

    def close(self):
        self.cloud.stop()
        destroy_test_domains()


@pytest.fixture(scope="module")
def guest_cloud(libvirt_host, tmp_path_factory):
    with exclusive_guests():
        env = GuestCloud(tmp_path_factory.mktemp("guest-cloud"),
                         build_tiny())
        try:
            yield env
        finally:
            env.close()


class TwoHosts:
    """The all-in-one's compute (host 1) plus a second libvirt compute
    service (host 2) on this machine, with its own instance directories,
    domain prefix and bridge. Host 2 reserves more memory, so the
    scheduler's RAM weigher tries host 1 first."""

    def __init__(self, tmp_dir):
        self.first = GuestCloud(tmp_dir, build_tiny())
        try:
            self._start_second_host()
        except Exception:
            self.first.close()
            raise

    def _start_second_host(self):
        conf = second_host_conf()
        conf.set_override("reserved_host_memory_mb", 4096)
        self.driver = virt_loader.load_driver(
            conf, SECOND_HOST, image_api=self.first.driver.image_api)
        self.manager = compute_manager.ComputeManager(
            conf, self.first.cloud.messaging, SECOND_HOST, self.driver,
            image_api=self.first.driver.image_api)
        self.service = service.Service(
            conf, self.first.cloud.messaging, "nova-compute", "compute",
            SECOND_HOST, self.manager)
        self.service.start()

    def close(self):
        self.service.stop()
        self.first.close()


@pytest.fixture(scope="module")
def two_hosts(libvirt_host, tmp_path_factory):
    with exclusive_guests():
        env = TwoHosts(tmp_path_factory.mktemp("two-hosts"))
        try:
            yield env
        finally:
            env.close()


def placement(env, path):
    """A Placement API GET's body (microversion 1.28)."""
    client = cloud_helpers.StackClient(env.first.cloud.apps["placement"])
    result = client.request("GET", path, headers={
        "OpenStack-API-Version": "placement 1.28"})
    assert result.status_int == 200, result.text
    return result.json


def tap_exists(name):
    return subprocess.run(["ip", "link", "show", name],
                          capture_output=True).returncode == 0
