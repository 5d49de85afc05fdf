"""Real guests on the built-in network service's dataplane ([network]
provider neutron, [dataplane] on by default with libvirt): a bridge per
network, DHCP and metadata through its namespace, security groups
enforced on the guests' taps.

Two guests share a network; the second's user data (a script the tiny
guest runs) pings the first and fetches its web page (busybox httpd on
port 80) every second, printing what it got to its console.
"""
import base64
import json
import os
import shutil
import time

import pytest
import webob

from stratus.network.dataplane import netns
from stratus.network.dataplane import state as dp_state
from tests.functional import cloud as cloud_helpers
from tests.functional.libvirt import conftest as guests

# The dataplane tests share one worker (a sync removes what it does not
# know).
pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("dataplane")]

STATE_DIR = "/var/lib/stratus/test-dataplane"
CIDR = "10.254.9.0/24"
PROBE = """#!/bin/sh
while :; do
    if ping -c 1 -W 1 {target} >/dev/null 2>&1; then
        echo "DP1-PING-OK"
    else
        echo "DP1-PING-FAIL"
    fi
    if timeout 3 wget -q -O /tmp/page http://{target}/ 2>/dev/null; then
        echo "DP1-HTTP-OPEN"
    else
        echo "DP1-HTTP-CLOSED"
    fi
    sleep 1
done
"""


def _network_call(cloud, method, path, body=None):
    request = webob.Request.blank("/v2.0" + path, method=method, headers={
        "X-Auth-Token": cloud_helpers.ADMIN, "Accept": "application/json",
        "Content-Type": "application/json"})
    if body is not None:
        request.body = json.dumps(body).encode()
    response = request.get_response(cloud.cloud.apps["network"])
    assert response.status_int < 300, response.text
    return response.json if response.body else None


@pytest.fixture(scope="module")
def dataplane_cloud(libvirt_host, tmp_path_factory):
    with guests.exclusive_guests():
        shutil.rmtree(STATE_DIR, ignore_errors=True)
        env = guests.GuestCloud(
            tmp_path_factory.mktemp("dataplane-cloud"), guests.build_tiny(),
            overrides={("network", "provider"): "neutron",
                       ("dataplane", "state_dir"): STATE_DIR,
                       ("dataplane", "nft_table"): "stratus_test_dp",
                       ("dataplane", "metadata_port"): 0})
        dataplane = env.cloud.dataplane
        try:
            yield env
        finally:
            env.close()
            if dataplane is not None:
                dataplane.cleanup()
            shutil.rmtree(STATE_DIR, ignore_errors=True)


def _log_end(env, server_id):
    """Where the guest's console log ends now."""
    return os.path.getsize(env.driver.console_log_path(server_id))


def _wait_for_after(env, server_id, offset, text, timeout=60):
    """The console log from offset on, once text is in it."""
    deadline = time.monotonic() + timeout
    while True:
        with open(env.driver.console_log_path(server_id), "rb") as handle:
            handle.seek(offset)
            after = handle.read().decode("utf-8", "replace")
        if text in after:
            return after
        if time.monotonic() > deadline:
            raise AssertionError("%r not on the console after %d:\n%s" % (
                text, offset, after[-2000:]))
        time.sleep(0.5)


def test_guests_reach_each_other_and_security_groups_are_enforced(
        dataplane_cloud):
    env = dataplane_cloud
    # The all-in-one turned the dataplane on by itself (libvirt, neutron).
    assert env.cloud.dataplane is not None
    network = _network_call(env, "POST", "/networks", {"network": {
        "name": "dp1-traffic"}})["network"]
    _network_call(env, "POST", "/subnets", {"subnet": {
        "network_id": network["id"], "ip_version": 4, "cidr": CIDR}})
    ports = [_network_call(env, "POST", "/ports", {"port": {
        "network_id": network["id"], "name": "dp1-%d" % index}})["port"]
        for index in range(2)]
    target, prober = ports
    target_ip = target["fixed_ips"][0]["ip_address"]
    first = env.boot("dp1-target", networks=[{"port": target["id"]}])
    second = None
    try:
        assert first["status"] == "ACTIVE", first.get("fault")
        second = env.boot(
            "dp1-prober", networks=[{"port": prober["id"]}],
            user_data=_b64(PROBE.format(target=target_ip)))
        assert second["status"] == "ACTIVE", second.get("fault")
        assert netns.link_exists(dp_state.bridge_name(network["id"]))
        # Both got their address by DHCP and their metadata through the
        # proxy (the metadata service listens on loopback only).
        for server, port in ((first, target), (second, prober)):
            log = env.wait_for_console(server["id"], "STRATUS-GUEST-READY")
            assert "STRATUS-GUEST-NET %s" % port["fixed_ips"][0][
                "ip_address"] in log
            assert "STRATUS-GUEST-METADATA uuid=%s" % server["id"] in log
        # The default group lets its members reach each other.
        env.wait_for_console(second["id"], "DP1-PING-OK")
        env.wait_for_console(second["id"], "DP1-HTTP-OPEN")
        # In a group without ingress rules the target is closed ...
        group = _network_call(env, "POST", "/security-groups", {
            "security_group": {"name": "dp1-web"}})["security_group"]
        _network_call(env, "PUT", "/ports/" + target["id"], {"port": {
            "security_groups": [group["id"]]}})
        mark = _log_end(env, second["id"])
        _wait_for_after(env, second["id"], mark, "DP1-HTTP-CLOSED")
        assert "DP1-PING-FAIL" in _wait_for_after(env, second["id"], mark,
                                                  "DP1-PING-FAIL")
        # ... an ingress rule opens its port 80 (ping stays closed) ...
        rule = _network_call(env, "POST", "/security-group-rules", {
            "security_group_rule": {
                "security_group_id": group["id"], "direction": "ingress",
                "protocol": "tcp", "port_range_min": 80,
                "port_range_max": 80}})["security_group_rule"]
        mark = _log_end(env, second["id"])
        after = _wait_for_after(env, second["id"], mark, "DP1-HTTP-OPEN")
        assert "DP1-PING-OK" not in after
        # ... and deleting the rule closes it again.
        _network_call(env, "DELETE", "/security-group-rules/" + rule["id"])
        mark = _log_end(env, second["id"])
        _wait_for_after(env, second["id"], mark, "DP1-HTTP-CLOSED")
    finally:
        for server in (first, second):
            if server is not None:
                env.delete(server["id"])


def _b64(text):
    return base64.b64encode(text.encode()).decode()
