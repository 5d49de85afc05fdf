"""A real guest's diagnostics, as libvirt measures them."""
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("guests")]


def test_diagnostics_of_a_running_guest(guest_cloud):
    server = guest_cloud.boot("vm-diagnostics")
    uuid = server["id"]
    api = guest_cloud.api
    try:
        assert server["status"] == "ACTIVE", server.get("fault")
        guest_cloud.wait_for_console(uuid, "STRATUS-GUEST-READY")
        path = "/servers/%s/diagnostics" % uuid
        shown = api.get(path, version="2.48")
        assert shown["state"] == "running"
        assert shown["driver"] == "libvirt"
        assert shown["hypervisor"] in ("qemu", "kvm")
        assert shown["num_cpus"] >= 1
        assert all(cpu["time"] > 0 for cpu in shown["cpu_details"])
        assert shown["memory_details"]["maximum"] > 0
        assert shown["num_disks"] >= 1
        assert shown["disk_details"][0]["read_bytes"] > 0
        address = server["addresses"]
        macs = {entry["OS-EXT-IPS-MAC:mac_addr"]
                for entries in address.values() for entry in entries}
        assert {nic["mac_address"] for nic in shown["nic_details"]} == macs
        assert shown["uptime"] is not None

        legacy = api.get(path, version="2.1")
        assert legacy["vda_read"] > 0
        assert legacy["memory"] == shown["memory_details"]["maximum"] * 1024
        assert "cpu0_time" in legacy

        api.post("/servers/%s/action" % uuid, {"os-stop": None})
        api.wait_for_status(uuid, "SHUTOFF", timeout=120)
        response = api.request("GET", "/v2.1" + path)
        assert response.status_int == 409
    finally:
        guest_cloud.delete(uuid)
