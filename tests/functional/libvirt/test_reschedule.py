"""A build that fails inside the libvirt driver on one real host is
rescheduled by the conductor to a second real host on this machine,
which boots the guest; the first host keeps nothing of it."""
import os

import pytest

from stratus.objects import instance as instance_obj
from tests.functional.libvirt import conftest as guests

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]

# Not an address of this machine: QEMU cannot bind the guest's VNC
# display there and refuses to start.
UNASSIGNED_ADDRESS = "192.0.2.1"


def test_a_spawn_failure_on_one_host_is_rescheduled_to_another(two_hosts):
    first = two_hosts.first
    hypervisors = {hypervisor["hypervisor_hostname"]: hypervisor["id"]
                   for hypervisor in first.api.get(
                       "/os-hypervisors", version="2.53")["hypervisors"]}
    assert set(hypervisors) == {first.conf.host, guests.SECOND_HOST}

    # A fault of host 1's configuration: its QEMU refuses to start.
    first.conf.set_override("server_listen", UNASSIGNED_ADDRESS,
                            group="vnc")
    try:
        server = first.boot("vm-moved")
    finally:
        first.conf.clear_override("server_listen", group="vnc")
    uuid = server["id"]
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        assert server["OS-EXT-SRV-ATTR:host"] == guests.SECOND_HOST
        log = guests.wait_for_log(
            lambda: two_hosts.driver.get_console_output(
                None, instance_obj.Instance(uuid=uuid)), "STRATUS-GUEST-NET")
        hostname = server["OS-EXT-SRV-ATTR:hostname"]
        assert "STRATUS-GUEST-UP %s" % hostname in log
        [address] = [entry["addr"] for entries in
                     server["addresses"].values() for entry in entries]
        assert address.startswith("10.254.1.")
        assert "STRATUS-GUEST-NET %s" % address in log

        # Both attempts are in the create action: host 1's failed.
        action = first.api.get("/servers/%s/os-instance-actions" % uuid)[
            "instanceActions"][-1]
        events = first.api.get("/servers/%s/os-instance-actions/%s" % (
            uuid, action["request_id"]), version="2.84")[
            "instanceAction"]["events"]
        results = [(event["host"], event["result"]) for event in sorted(
            events, key=lambda event: event["start_time"])
            if event["event"] == "compute_build_and_run_instance"]
        assert results == [(first.conf.host, "Error"),
                           (guests.SECOND_HOST, "Success")], events
        [failed] = [event for event in events if event["result"] == "Error"]
        assert "Failed to bind socket" in failed["traceback"]

        # Host 1 keeps nothing of the guest: no domain, no files, no port,
        # no allocation.
        assert uuid not in first.driver.list_instance_uuids()
        assert not os.path.exists(first.driver.instance_dir(uuid))
        assert not any(port["instance_uuid"] == uuid
                       for port in first.network.ports().values())
        allocations = guests.placement(two_hosts, "/allocations/%s" % uuid)[
            "allocations"]
        assert list(allocations) == [hypervisors[guests.SECOND_HOST]]
    finally:
        first.delete(uuid)
    assert uuid not in two_hosts.driver.list_instance_uuids()
    assert not any(port["instance_uuid"] == uuid
                   for port in two_hosts.manager.network.ports().values())
