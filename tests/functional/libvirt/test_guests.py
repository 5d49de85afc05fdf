"""Real guests: boot, metadata, config drive, power, delete, failures."""
import base64
import hashlib
import os
import subprocess

import pytest

from stratus import context as stratus_context
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from tests.functional.libvirt import conftest as guests

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]

PowerState = fields.PowerState
USER_DATA = b"#!/bin/sh\necho hello from the user data\n"


@pytest.fixture(scope="module")
def keypair(guest_cloud):
    # 2.91 is the last microversion that generates the key.
    return guest_cloud.api.post("/os-keypairs", {"keypair": {
        "name": "guest-key"}}, version="2.91")["keypair"]


def _fixed_ip(server):
    return [entry["addr"] for entries in server["addresses"].values()
            for entry in entries][0]


def test_direct_boot_reads_metadata_and_config_drive(guest_cloud, keypair):
    server = guest_cloud.boot(
        "vm1", key_name=keypair["name"], config_drive=True,
        user_data=base64.b64encode(USER_DATA).decode())
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        ip = _fixed_ip(server)
        assert ip.startswith("10.254.0.")
        log = guest_cloud.wait_for_console(server["id"],
                                           "STRATUS-GUEST-READY")
        hostname = server["OS-EXT-SRV-ATTR:hostname"]
        assert "STRATUS-GUEST-UP %s" % hostname in log
        assert "STRATUS-GUEST-NET %s" % ip in log
        assert "STRATUS-GUEST-METADATA uuid=%s hostname=%s" % (
            server["id"], hostname) in log
        assert "STRATUS-GUEST-KEY %s" % keypair["public_key"].strip() in log
        user_data = "bytes=%d sha256=%s" % (
            len(USER_DATA), hashlib.sha256(USER_DATA).hexdigest())
        assert "STRATUS-GUEST-USERDATA %s" % user_data in log
        assert "STRATUS-GUEST-CONFIGDRIVE uuid=%s hostname=%s userdata=%s" % (
            server["id"], hostname, user_data) in log
    finally:
        guest_cloud.delete(server["id"])


def test_pause_hard_reboot_and_delete_leave_nothing(guest_cloud):
    server = guest_cloud.boot("vm2")
    assert server["status"] == "ACTIVE", server.get("fault")
    uuid = server["id"]
    instance = instance_obj.Instance(uuid=uuid)
    driver = guest_cloud.driver
    guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")

    driver.pause(instance)
    assert driver.get_power_state(instance) == PowerState.PAUSED
    driver.unpause(instance)
    assert driver.get_power_state(instance) == PowerState.RUNNING

    driver.reboot(None, instance, [], "HARD")
    guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-UP", count=2)

    port = [port for port in guest_cloud.network.ports().values()
            if port["instance_uuid"] == uuid][0]
    tap = ("tap" + port["id"])[:14]
    assert guests.tap_exists(tap)
    guest_cloud.delete(uuid)
    assert uuid not in driver.list_instance_uuids()
    assert not guests.tap_exists(tap)
    assert not any(port["instance_uuid"] == uuid
                   for port in guest_cloud.network.ports().values())
    assert port["ip"] not in [ip for _, ip in guest_cloud.network.leases()]
    assert not os.path.exists(driver.instance_dir(uuid))


def test_disk_image_boots_on_its_own(guest_cloud):
    server = guest_cloud.boot("vm-disk", image="disk")
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        log = guest_cloud.wait_for_console(server["id"],
                                           "STRATUS-GUEST-READY")
        hostname = server["OS-EXT-SRV-ATTR:hostname"]
        # No kernel command line: the hostname came by DHCP.
        assert "STRATUS-GUEST-UP %s" % hostname in log
        assert "STRATUS-GUEST-METADATA uuid=%s" % server["id"] in log
    finally:
        guest_cloud.delete(server["id"])


def test_unbootable_image_ends_in_error_with_the_reason(guest_cloud):
    from stratus.image import bootstrap
    server = guest_cloud.api.post("/servers", {"server": {
        "name": "blank", "flavorRef": guest_cloud.flavor,
        "imageRef": bootstrap.DEFAULT_IMAGE_ID,
        "networks": "auto"}})["server"]
    server = guest_cloud.api.wait_for_status(server["id"], "ERROR",
                                             timeout=60)
    assert server["fault"]["message"].startswith(
        "Exceeded maximum number of retries.")
    assert "is not bootable" in server["fault"]["details"]
    assert server["id"] not in guest_cloud.driver.list_instance_uuids()
    assert not any(port["instance_uuid"] == server["id"]
                   for port in guest_cloud.network.ports().values())
    guest_cloud.delete(server["id"])


def test_soft_reboot_stop_start_suspend_resume_and_a_restarted_driver(
        guest_cloud):
    from stratus.virt import loader as virt_loader
    server = guest_cloud.boot("vm3")
    uuid = server["id"]
    instance = instance_obj.Instance(uuid=uuid)
    driver = guest_cloud.driver
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")

        # ACPI: the guest's acpid powers it off, libvirt starts it again.
        driver.reboot(None, instance, [], "SOFT")
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY", count=2)

        driver.power_off(instance, timeout=30)
        assert driver.get_power_state(instance) == PowerState.SHUTDOWN
        driver.power_on(None, instance, [])
        assert driver.get_power_state(instance) == PowerState.RUNNING
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY", count=3)

        driver.suspend(None, instance)
        assert driver.get_power_state(instance) == PowerState.SUSPENDED
        driver.resume(None, instance, [])
        assert driver.get_power_state(instance) == PowerState.RUNNING

        # A compute service that starts again finds its guests.
        again = virt_loader.load_driver(guest_cloud.conf, guest_cloud.conf.host,
                                        image_api=driver.image_api)
        assert uuid in again.list_instance_uuids()
        assert again.get_power_state(instance) == PowerState.RUNNING

        # A guest that goes off by itself is seen as SHUTOFF by the sync.
        driver.power_off(instance, timeout=30)
        guest_cloud.manager.sync_power_states(
            stratus_context.get_admin_context())
        assert guest_cloud.api.server(uuid)["status"] == "SHUTOFF"
    finally:
        guest_cloud.delete(uuid)


def test_the_bridge_is_host_local(guest_cloud):
    network = guest_cloud.network
    rules = subprocess.run(["nft", "list", "table", "inet", network.table],
                           capture_output=True, text=True, check=True).stdout
    # Nothing routed off or onto the bridge (what is bridged between its
    # ports passes: br_netfilter shows it with the bridge both ways).
    bridge = guests.BRIDGE
    assert 'iifname "%s" oifname != "%s" drop' % (bridge, bridge) in rules
    assert 'oifname "%s" iifname != "%s" drop' % (bridge, bridge) in rules
    assert 'iifname "%s" drop' % bridge in rules
    routes = subprocess.run(["ip", "-o", "addr", "show", "dev",
                             guests.BRIDGE], capture_output=True, text=True,
                            check=True).stdout
    assert "169.254.169.254/32" in routes
    links = subprocess.run(["ip", "-o", "link", "show", "master",
                            guests.BRIDGE], capture_output=True, text=True,
                           check=True).stdout
    # Only guests' taps are on the bridge: no uplink.
    assert all(line.split(":")[1].strip().startswith("tap")
               for line in links.splitlines())


def test_a_restarted_compute_frees_ports_of_instances_gone_meanwhile(
        guest_cloud):
    ghost = instance_obj.Instance(
        uuid="6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b", hostname="ghost",
        project_id="demo")
    address = guest_cloud.network.allocate_for_instance(None, ghost)[0][
        "network"]["subnets"][0]["ips"][0]["address"]
    assert address.startswith("10.254.0.")
    guest_cloud.manager.init_host()
    assert not any(port["instance_uuid"] == ghost.uuid
                   for port in guest_cloud.network.ports().values())


def test_the_hypervisor_uptime_is_the_hosts(guest_cloud):
    [hypervisor] = guest_cloud.api.get(
        "/os-hypervisors", version="2.53")["hypervisors"]
    uptime = guest_cloud.api.get(
        "/os-hypervisors/%s" % hypervisor["id"],
        version="2.88")["hypervisor"]["uptime"]
    assert " up " in uptime and "load average" in uptime, uptime
