"""GET /servers/{id}/diagnostics: the host's driver measures the running
guest over compute RPC (1.8); 2.1 and 2.48 shapes, 409 unless it runs,
501 for a driver without diagnostics, admin only."""
from stratus.compute import rpcapi as compute_rpcapi
from stratus.virt import driver as virt_driver
from stratus import exception
from tests import dbs

# SQLite only: diagnostics are the driver's, asked over compute RPC; no
# database takes part beyond loading the server (which
# tests/functional/servers does on every database).
pytestmark = dbs.SQLITE_ONLY


def _boot(api, **extra):
    server = api.create_server(image=api.first_image_id(), networks="auto",
                               **extra)
    return api.wait_for_status(server["server"]["id"], "ACTIVE")


def test_standard_shape_from_2_48(cloud, api):
    server = _boot(api)
    uuid = server["id"]
    shown = api.get("/servers/%s/diagnostics" % uuid, version="2.48")
    assert shown["state"] == "running"
    assert shown["driver"] == "fake"
    assert shown["num_cpus"] == len(shown["cpu_details"]) == 1
    assert shown["num_disks"] == len(shown["disk_details"]) == 1
    assert shown["memory_details"]["maximum"] == 512
    [nic] = shown["nic_details"]
    address = server["addresses"]["private"][0]
    assert nic["mac_address"] == address["OS-EXT-IPS-MAC:mac_addr"]
    assert nic["rx_rate"] is None and "name" not in nic
    assert shown["num_nics"] == 1
    assert shown["config_drive"] is False
    assert isinstance(shown["uptime"], int)


def test_free_form_shape_before_2_48(cloud, api):
    uuid = _boot(api)["id"]
    shown = api.get("/servers/%s/diagnostics" % uuid, version="2.47")
    assert shown["memory"] == 512 * 1024
    assert "cpu0_time" in shown
    assert {"vda_read", "vda_read_req", "vda_write", "vda_write_req",
            "vda_errors"} <= set(shown)
    nic_keys = [key for key in shown if key.endswith("_rx_packets")]
    assert len(nic_keys) == 1
    assert "state" not in shown


def test_only_admins_and_only_running_guests(cloud, api):
    uuid = _boot(api)["id"]
    path = "/v2.1/servers/%s/diagnostics" % uuid
    response = api.request("GET", path, token="demo:admin")
    assert response.status_int == 403
    assert api.request("GET", path, token="other:other").status_int == 404
    api.post("/servers/%s/action" % uuid, {"os-stop": None})
    api.wait_for_status(uuid, "SHUTOFF")
    response = api.request("GET", path)
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Cannot 'get_diagnostics' instance %s while it is in power state "
        "shutdown" % uuid)
    missing = api.request("GET", "/v2.1/servers/%s/diagnostics"
                          % "00000000-0000-0000-0000-000000000001")
    assert missing.status_int == 404


def test_a_driver_without_diagnostics_is_501(cloud, api, monkeypatch):
    uuid = _boot(api)["id"]
    real = virt_driver.supports
    monkeypatch.setattr(virt_driver, "supports", lambda driver, interface: (
        False if interface is virt_driver.Diagnostics
        else real(driver, interface)))
    response = api.request("GET", "/v2.1/servers/%s/diagnostics" % uuid)
    assert response.status_int == 501
    assert "notImplemented" in response.json


def test_computes_capped_below_1_8_are_not_asked(cloud, api, monkeypatch):
    uuid = _boot(api)["id"]
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, "check_can_send_actions",
                        _refuse)
    response = api.request("GET", "/v2.1/servers/%s/diagnostics" % uuid)
    assert response.status_int == 409
    assert "1.8" in response.json["conflictingRequest"]["message"]


def _refuse(self, version="1.1"):
    raise exception.ComputeTooOld(version=version)

