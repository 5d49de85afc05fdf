"""Real guests on the built-in network service's dataplane ([network]
provider = neutron): a guest with a floating IP is reached from the host
at that address; a guest on another network is not reached (from a
probe on the first network: a namespace plugged on a port of it) until
a router joins the two networks.

The external network is the bootstrap's `public`, on a random /24 of
198.18.0.0/15 ([neutron] public_cidr): host-local, nothing leaves the
machine.
"""
import contextlib
import os
import random
import shutil
import tempfile
import time
import uuid

import pytest
import webob

from stratus.network.dataplane import netns
from tests.functional.libvirt import conftest as guests
from tests.functional.network.dataplane import test_namespaces as namespaces

# The dataplane tests share one worker (a sync removes what it does not
# know).
pytestmark = [pytest.mark.slow, pytest.mark.libvirt,
              pytest.mark.xdist_group("dataplane")]

DEMO = "demo:project-d"


@contextlib.contextmanager
def dataplane_cloud(tmp_dir, prefix, overrides=None, **cloud_options):
    """A GuestCloud whose guests are on the built-in network service's
    dataplane (state directory, nft table and public /24 of its own);
    cloud_options go to start_cloud. Hold exclusive_guests around it."""
    # dnsmasq reads its hosts file as nobody: a directory it can reach.
    state_dir = tempfile.mkdtemp(prefix=prefix + "-guests-")
    os.chmod(state_dir, 0o755)
    settings = {
        ("network", "provider"): "neutron",
        ("dataplane", "enabled"): True,
        ("dataplane", "state_dir"): state_dir,
        ("dataplane", "nft_table"): prefix + "g_" + uuid.uuid4().hex[:8],
        ("neutron", "public_cidr"): "198.%d.%d.0/24" % (
            random.choice((18, 19)), random.randrange(1, 255)),
    }
    settings.update(overrides or {})
    env = guests.GuestCloud(tmp_dir, guests.build_tiny(), overrides=settings,
                            **cloud_options)
    dataplane = env.cloud.dataplane
    try:
        yield env
    finally:
        env.close()
        dataplane.cleanup()
        shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def neutron_guests(libvirt_host, tmp_path_factory):
    with guests.exclusive_guests(), dataplane_cloud(
            tmp_path_factory.mktemp("dp2-guests"), "dp2") as env:
        yield env


def _call(env, method, path, body=None, token=DEMO):
    request = webob.Request.blank("/v2.0" + path, method=method, json=body,
                                  headers={"X-Auth-Token": token})
    response = request.get_response(env.cloud.apps["network"])
    assert response.status_code < 300, response.text
    return response.json if response.body else None


def _network(env, cidr):
    network = _call(env, "POST", "/networks", {"network": {
        "name": "dp2-" + cidr.split(".")[2]}})["network"]
    subnet = _call(env, "POST", "/subnets", {"subnet": {
        "network_id": network["id"], "cidr": cidr, "ip_version": 4}}
    )["subnet"]
    return network, subnet


def _boot(env, name, network):
    """A guest on a new port of network (its address and console)."""
    port = _call(env, "POST", "/ports", {"port": {
        "network_id": network["id"], "name": name}})["port"]
    api = env.api.as_user(DEMO)
    server = api.post("/servers", {"server": {
        "name": name, "flavorRef": env.flavor,
        "imageRef": env.images["direct"],
        "networks": [{"port": port["id"]}]}})["server"]
    server = api.wait_for_status(server["id"], {"ACTIVE", "ERROR"},
                                 timeout=120)
    assert server["status"] == "ACTIVE", server.get("fault")
    address = port["fixed_ips"][0]["ip_address"]
    env.wait_for_console(server["id"], "STRATUS-GUEST-NET %s" % address)
    return server, port


def _eventually(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def _host_pings(address):
    return netns.run(["busybox", "ping", "-c", "1", "-W", "1", address],
                     check=False).returncode == 0


def _probe(port, subnet):
    """A namespace on port (test_namespaces' guest), with its address
    and the subnet's gateway as default route."""
    probe = namespaces.Guest(None, port)
    probe.configure()
    probe.run("ip", "route", "add", "default", "via", subnet["gateway_ip"],
              check=True)
    return probe


def test_floating_ip_and_router_reach_real_guests(neutron_guests):
    env = neutron_guests
    net1, subnet1 = _network(env, "10.233.1.0/24")
    net2, subnet2 = _network(env, "10.233.2.0/24")
    group = [g for g in _call(env, "GET", "/security-groups")[
        "security_groups"] if g["name"] == "default"][0]
    _call(env, "POST", "/security-group-rules", {"security_group_rule": {
        "security_group_id": group["id"], "direction": "ingress",
        "ethertype": "IPv4", "protocol": "icmp",
        "remote_ip_prefix": "0.0.0.0/0"}})
    [public] = _call(env, "GET", "/networks?router:external=true")[
        "networks"]
    router = _call(env, "POST", "/routers", {"router": {
        "name": "dp2-router",
        "external_gateway_info": {"network_id": public["id"]}}})["router"]
    _call(env, "PUT", "/routers/%s/add_router_interface" % router["id"],
          {"subnet_id": subnet1["id"]})

    first, first_port = _boot(env, "dp2-a", net1)
    second, second_port = _boot(env, "dp2-b", net2)
    probe = _probe(_call(env, "POST", "/ports", {"port": {
        "network_id": net1["id"], "device_owner": "compute:probe",
        "device_id": str(uuid.uuid4())}})["port"], subnet1)
    try:
        # A floating IP reaches the first guest from the host.
        fip = _call(env, "POST", "/floatingips", {"floatingip": {
            "floating_network_id": public["id"],
            "port_id": first_port["id"]}})["floatingip"]
        assert _eventually(lambda: _host_pings(fip["floating_ip_address"]))

        # The second guest's network has no router to the first's.
        second_address = second_port["fixed_ips"][0]["ip_address"]
        assert probe.pings(first_port["fixed_ips"][0]["ip_address"])
        assert not probe.pings(second_address)
        _call(env, "PUT", "/routers/%s/add_router_interface" % router["id"],
              {"subnet_id": subnet2["id"]})
        assert _eventually(lambda: probe.pings(second_address))

        # Disassociated, the floating IP no longer reaches the guest.
        _call(env, "PUT", "/floatingips/" + fip["id"],
              {"floatingip": {"port_id": None}})
        assert _eventually(
            lambda: not _host_pings(fip["floating_ip_address"]))
    finally:
        probe.remove()
        for server in (first, second):
            env.delete(server["id"])
