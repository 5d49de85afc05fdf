"""Cold moves of a real guest between two libvirt compute services on
this machine: a resize whose destination cannot start the guest rolls
back to host 1; a resize to a bigger flavor (host 1 -> host 2, as
allow_resize_to_same_host is off) and its confirm; a cold migration
(host 2 -> host 1) and its revert (five boots of one guest); a stopped
server resized on its own host; shelve and unshelve to host 2."""
import os
import time
import xml.etree.ElementTree as ET

import pytest

from stratus.objects import instance as instance_obj
from stratus.virt.libvirt import imagecache
from tests.functional.libvirt import conftest as guests

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]

BIG = {"name": "guest.big", "ram": 192, "vcpus": 2, "disk": 2}
MOVE_TIMEOUT = 180
GiB = 1024 ** 3
# Not an address of this machine: QEMU cannot bind a VNC display there.
UNASSIGNED_ADDRESS = "192.0.2.1"


def _console(driver, uuid):
    return driver.get_console_output(None, instance_obj.Instance(uuid=uuid))


def _wait_for_console(driver, uuid, text, count=1):
    return guests.wait_for_log(lambda: _console(driver, uuid), text, count)


def _domain(driver, uuid):
    """(running, memory MiB, vCPUs) of the host's domain of the guest."""
    domain = driver.connection.lookupByName(driver.domain_name(uuid))
    root = ET.fromstring(domain.XMLDesc(0))
    memory = root.find("memory")
    assert memory.get("unit") == "KiB"
    return (bool(domain.isActive()), int(memory.text) // 1024,
            int(root.find("vcpu").text))


def _address(server):
    [address] = [entry["addr"] for entries in server["addresses"].values()
                 for entry in entries]
    return address


def _ports(network, uuid):
    return sorted(port["ip"] for port in network.ports().values()
                  if port["instance_uuid"] == uuid)


def _keeps_nothing(driver, network, uuid):
    """The host has no domain, files or port of the guest."""
    assert uuid not in driver.list_instance_uuids()
    assert not os.path.exists(driver.instance_dir(uuid))
    assert not os.path.exists(driver.resize_dir(uuid))
    assert _ports(network, uuid) == []


def _act(api, uuid, body, status):
    api.post("/servers/%s/action" % uuid, body, expected=(status,))


def _wait(api, uuid, status):
    server = api.wait_for_status(uuid, {status, "ERROR"},
                                 timeout=MOVE_TIMEOUT)
    assert server["status"] == status, server.get("fault")
    return server


def _wait_for_event(api, uuid, action, event_name):
    """(the server, the event) once the event of its latest `action`
    action ended."""
    deadline = time.monotonic() + MOVE_TIMEOUT
    while time.monotonic() < deadline:
        actions = [item for item in api.get(
            "/servers/%s/os-instance-actions" % uuid)["instanceActions"]
            if item["action"] == action]
        if actions:
            events = api.get("/servers/%s/os-instance-actions/%s" % (
                uuid, actions[0]["request_id"]), version="2.84")[
                "instanceAction"]["events"]
            ended = [event for event in events
                     if event["event"] == event_name and event["finish_time"]]
            if ended:
                return api.server(uuid), ended[0]
        time.sleep(0.2)
    raise AssertionError("%s of %s did not end" % (event_name, uuid))


def test_resize_confirm_then_cold_migrate_and_revert(two_hosts):
    first = two_hosts.first
    api = first.api
    host1, host2 = first.conf.host, guests.SECOND_HOST
    driver1, network1 = first.driver, first.network
    driver2, network2 = two_hosts.driver, two_hosts.manager.network
    providers = {hypervisor["hypervisor_hostname"]: hypervisor["id"]
                 for hypervisor in api.get("/os-hypervisors",
                                           version="2.53")["hypervisors"]}
    big = api.post("/flavors", {"flavor": BIG})["flavor"]["id"]

    server = first.boot("vm-moving")
    uuid = server["id"]
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        assert server["OS-EXT-SRV-ATTR:host"] == host1
        address1 = _address(server)
        log = _wait_for_console(driver1, uuid,
                                "STRATUS-GUEST-NET %s" % address1)
        assert "STRATUS-GUEST-DISKS vda=1024" in log
        assert _domain(driver1, uuid) == (True, guests.GUEST_MEMORY_MB, 1)

        # Host 2's QEMU cannot start the guest: the move rolls back, the
        # guest runs on host 1 again from the disk and port it kept, and
        # host 2 keeps nothing.
        driver2.conf.set_override("server_listen", UNASSIGNED_ADDRESS,
                                  group="vnc")
        try:
            _act(api, uuid, {"resize": {"flavorRef": big}}, 202)
            server, event = _wait_for_event(api, uuid, "resize",
                                            "conductor_migrate_server")
        finally:
            driver2.conf.clear_override("server_listen", group="vnc")
        assert event["result"] == "Error"
        assert "Failed to bind socket" in event["details"], event
        assert server["status"] == "ACTIVE"
        assert server["OS-EXT-SRV-ATTR:host"] == host1
        assert server["flavor"]["original_name"] == "guest.tiny"
        assert _address(server) == address1
        _wait_for_console(driver1, uuid, "STRATUS-GUEST-NET %s" % address1,
                          count=2)
        assert _domain(driver1, uuid) == (True, guests.GUEST_MEMORY_MB, 1)
        assert not os.path.exists(driver1.resize_dir(uuid))
        _keeps_nothing(driver2, network2, uuid)
        assert list(guests.placement(two_hosts, "/allocations/%s" % uuid)[
            "allocations"]) == [providers[host1]]

        # Resize up: the guest boots on host 2 with the new flavor (memory
        # and vCPUs in its domain, its root disk grown to 2 GiB as the
        # guest sees it) and an address of host 2's network.
        _act(api, uuid, {"resize": {"flavorRef": big}}, 202)
        server = _wait(api, uuid, "VERIFY_RESIZE")
        assert server["OS-EXT-SRV-ATTR:host"] == host2
        assert server["flavor"]["original_name"] == "guest.big"
        address2 = _address(server)
        assert address2.startswith("10.254.1."), address2
        log = _wait_for_console(driver2, uuid,
                                "STRATUS-GUEST-NET %s" % address2)
        assert "STRATUS-GUEST-UP" in log
        assert "STRATUS-GUEST-DISKS vda=2048" in log
        assert _domain(driver2, uuid) == (True, BIG["ram"], BIG["vcpus"])
        # Until the confirm host 1 keeps the guest's files and port (for
        # a revert), not its domain.
        assert uuid not in driver1.list_instance_uuids()
        assert os.path.exists(os.path.join(driver1.resize_dir(uuid), "disk"))
        assert _ports(network1, uuid) == [address1]

        api.post("/servers/%s/action" % uuid, {"confirmResize": None},
                 expected=(204,))
        server = _wait(api, uuid, "ACTIVE")
        assert server["OS-EXT-SRV-ATTR:host"] == host2
        _keeps_nothing(driver1, network1, uuid)
        assert list(guests.placement(two_hosts, "/allocations/%s" % uuid)[
            "allocations"]) == [providers[host2]]

        # A cold migration goes back to host 1 (the only other host)...
        _act(api, uuid, {"migrate": None}, 202)
        server = _wait(api, uuid, "VERIFY_RESIZE")
        assert server["OS-EXT-SRV-ATTR:host"] == host1
        address3 = _address(server)
        assert address3.startswith("10.254.0."), address3
        _wait_for_console(driver1, uuid, "STRATUS-GUEST-NET %s" % address3)
        assert _domain(driver1, uuid) == (True, BIG["ram"], BIG["vcpus"])
        assert uuid not in driver2.list_instance_uuids()

        # ... and its revert runs the guest on host 2 again, from the disk
        # and with the port host 2 kept: a second boot in its console log.
        _act(api, uuid, {"revertResize": None}, 202)
        server = _wait(api, uuid, "ACTIVE")
        assert server["OS-EXT-SRV-ATTR:host"] == host2
        assert _address(server) == address2
        _wait_for_console(driver2, uuid, "STRATUS-GUEST-NET %s" % address2,
                          count=2)
        assert _domain(driver2, uuid) == (True, BIG["ram"], BIG["vcpus"])
        assert not os.path.exists(driver2.resize_dir(uuid))
        _keeps_nothing(driver1, network1, uuid)
        assert list(guests.placement(two_hosts, "/allocations/%s" % uuid)[
            "allocations"]) == [providers[host2]]

        migrations = api.get("/os-migrations?instance_uuid=%s" % uuid,
                             version="2.23")["migrations"]
        assert sorted((migration["migration_type"], migration["status"],
                       migration["source_compute"], migration["dest_compute"])
                      for migration in migrations) == [
            ("migration", "reverted", host2, host1),
            ("resize", "confirmed", host1, host2),
            ("resize", "error", host1, host2)]
    finally:
        first.delete(uuid)
    _keeps_nothing(driver2, network2, uuid)


def _enable(api, host, enabled):
    [compute] = [item for item in api.get(
        "/os-services?binary=nova-compute", version="2.53")["services"]
        if item["host"] == host]
    api.put("/os-services/%s" % compute["id"], {
        "status": "enabled" if enabled else "disabled"}, version="2.53")


def test_a_stopped_server_resized_on_its_own_host(two_hosts):
    """allow_resize_to_same_host (host 2 disabled meanwhile): the move
    stays on host 1, the domain is
    defined again (not started: the server is stopped) with the new
    flavor and the grown disk, the old files wait in <uuid>_resize;
    revertResize brings the old flavor and disk back, and a confirmed
    resize keeps the new ones. The guest's port stays throughout. A
    delete while a resize waits leaves nothing."""
    first = two_hosts.first
    api, driver, host1 = first.api, first.driver, first.conf.host
    big = api.get("/flavors/detail")["flavors"]
    big = [flavor["id"] for flavor in big if flavor["name"] == BIG["name"]] \
        or [api.post("/flavors", {"flavor": BIG})["flavor"]["id"]]
    server = first.boot("vm-stays")
    uuid = server["id"]
    first.conf.set_override("allow_resize_to_same_host", True)
    _enable(api, guests.SECOND_HOST, False)
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        assert server["OS-EXT-SRV-ATTR:host"] == host1
        address = _address(server)
        _act(api, uuid, {"os-stop": None}, 202)
        _wait(api, uuid, "SHUTOFF")
        disk = os.path.join(driver.instance_dir(uuid), "disk")

        def virtual_gib():
            return imagecache.image_info(disk)["virtual-size"] // GiB

        for finish, body, flavor in (
                ("revertResize", {"revertResize": None}, "guest.tiny"),
                ("confirmResize", {"confirmResize": None}, BIG["name"])):
            _act(api, uuid, {"resize": {"flavorRef": big[0]}}, 202)
            server = _wait(api, uuid, "VERIFY_RESIZE")
            assert server["OS-EXT-SRV-ATTR:host"] == host1
            assert server["OS-EXT-STS:power_state"] == 4  # SHUTDOWN
            assert _domain(driver, uuid) == (False, BIG["ram"],
                                             BIG["vcpus"])
            assert virtual_gib() == BIG["disk"]
            assert os.path.exists(os.path.join(driver.resize_dir(uuid),
                                               "disk"))
            assert _ports(first.network, uuid) == [address]

            api.post("/servers/%s/action" % uuid, body,
                     expected=(202, 204))
            server = _wait(api, uuid, "SHUTOFF")
            assert server["flavor"]["original_name"] == flavor, finish
            sizes = (guests.GUEST_MEMORY_MB, 1, 1) if finish == \
                "revertResize" else (BIG["ram"], BIG["vcpus"], BIG["disk"])
            assert _domain(driver, uuid) == (False,) + sizes[:2]
            assert virtual_gib() == sizes[2]
            assert not os.path.exists(driver.resize_dir(uuid))
            assert _address(server) == address
            assert _ports(first.network, uuid) == [address]

        # Deleted while a resize waits: the kept files go too (as Nova,
        # the resize is confirmed first).
        other = api.post("/flavors", {"flavor": dict(
            BIG, name="guest.other", ram=160)})["flavor"]["id"]
        _act(api, uuid, {"resize": {"flavorRef": other}}, 202)
        _wait(api, uuid, "VERIFY_RESIZE")
        assert os.path.exists(driver.resize_dir(uuid))
    finally:
        _enable(api, guests.SECOND_HOST, True)
        first.conf.clear_override("allow_resize_to_same_host")
        first.delete(uuid)
    _keeps_nothing(driver, first.network, uuid)


def _images(api):
    """{name: status} of the images (the 2.35 image proxy)."""
    return {image["name"]: image["status"] for image in api.get(
        "/images/detail", version="2.35")["images"]}


def test_shelve_offload_and_unshelve_on_another_host(two_hosts):
    """shelve snapshots the real disk and offloads the guest (host 1
    keeps nothing); unshelve to host 2 (2.91) boots the snapshot there
    with an address of host 2's network, and the snapshot goes."""
    first = two_hosts.first
    api = first.api
    host1, host2 = first.conf.host, guests.SECOND_HOST
    server = first.boot("vm-shelved")
    uuid = server["id"]
    try:
        assert server["OS-EXT-SRV-ATTR:host"] == host1, server.get("fault")
        _wait_for_console(first.driver, uuid,
                          "STRATUS-GUEST-NET %s" % _address(server))

        _act(api, uuid, {"shelve": None}, 202)
        server = _wait(api, uuid, "SHELVED_OFFLOADED")
        assert server["OS-EXT-SRV-ATTR:host"] is None
        _keeps_nothing(first.driver, first.network, uuid)
        assert _images(api).get("vm-shelved-shelved") == "ACTIVE"

        _act(api, uuid, {"unshelve": {"host": host2}}, 202)
        server = _wait(api, uuid, "ACTIVE")
        assert server["OS-EXT-SRV-ATTR:host"] == host2
        address = _address(server)
        assert address.startswith("10.254.1."), address
        log = _wait_for_console(two_hosts.driver, uuid,
                                "STRATUS-GUEST-NET %s" % address)
        assert "STRATUS-GUEST-DISKS vda=1024" in log
        assert _domain(two_hosts.driver, uuid) == (
            True, guests.GUEST_MEMORY_MB, 1)
        assert "vm-shelved-shelved" not in _images(api)
    finally:
        first.delete(uuid)
    _keeps_nothing(two_hosts.driver, two_hosts.manager.network, uuid)
