"""The real `openstack` CLI on the default all-in-one layout (three
compute hosts): the hosts as an operator lists them, moves that need
another host (evacuate from a host marked down included), and the serial
console URL the CLI prints."""
import time
import urllib.parse

import pytest

from tests.functional.consoles import wsclient

pytestmark = pytest.mark.slow

HOSTS = ["compute1", "compute2", "compute3"]


@pytest.fixture
def cloud_layout():
    return {"hosts": None, "nodes": None}


def _host(cli, server):
    return cli.json("server", "show", server)["OS-EXT-SRV-ATTR:host"]


def test_hosts_listed_and_servers_moved_between_them(cli):
    services = cli.json("compute", "service", "list", "--service",
                        "nova-compute")
    assert sorted((s["Host"], s["State"], s["Status"]) for s in services) \
        == [(host, "up", "enabled") for host in HOSTS]
    hypervisors = cli.json("hypervisor", "list")
    assert sorted(h["Hypervisor Hostname"] for h in hypervisors) == HOSTS

    image = cli.json("image", "list")[0]["Name"]
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--wait", "vm")
    first = _host(cli, "vm")
    cli.run("server", "resize", "--flavor", "m1.small", "--wait", "vm")
    shown = cli.json("server", "show", "vm")
    assert shown["status"] == "VERIFY_RESIZE"
    resized_to = shown["OS-EXT-SRV-ATTR:host"]
    assert resized_to != first
    cli.run("server", "resize", "confirm", "vm")
    cli.run("server", "migrate", "--wait", "vm")
    migrated_to = _host(cli, "vm")
    assert migrated_to != resized_to
    cli.run("server", "resize", "confirm", "vm")
    cli.run("server", "migrate", "--live-migration", "--wait", "vm")
    shown = cli.json("server", "show", "vm")
    assert shown["status"] == "ACTIVE"
    live_migrated_to = shown["OS-EXT-SRV-ATTR:host"]
    assert live_migrated_to != migrated_to

    # Host maintenance: its service marked down, its server evacuated
    # (stopped on arrival, as Nova does since 2.95).
    cli.run("compute", "service", "set", "--down", live_migrated_to,
            "nova-compute")
    cli.run("server", "evacuate", "vm")
    deadline = time.monotonic() + 60
    while True:
        shown = cli.json("server", "show", "vm")
        if shown["status"] == "SHUTOFF" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert shown["status"] == "SHUTOFF"
    assert shown["OS-EXT-SRV-ATTR:host"] not in (live_migrated_to, None)
    cli.run("compute", "service", "set", "--up", live_migrated_to,
            "nova-compute")
    cli.run("server", "start", "vm")


def test_anti_affinity_group_of_three(cli):
    group = cli.json("server", "group", "create", "--policy",
                     "anti-affinity", "spread")
    image = cli.json("image", "list")[0]["Name"]
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--hint", "group=%s" % group["id"], "--min", "3", "--max", "3",
            "--wait", "member")
    servers = cli.json("server", "list", "--long")
    assert sorted(s["Status"] for s in servers) == ["ACTIVE"] * 3
    assert sorted(s["Host"] for s in servers) == HOSTS


def test_serial_console_url_opens_the_simulated_console(cli):
    image = cli.json("image", "list")[0]["Name"]
    cli.run("server", "create", "--flavor", "m1.tiny", "--image", image,
            "--wait", "shell")
    url = cli.json("console", "url", "show", "--serial", "shell")["url"]
    assert urllib.parse.urlsplit(url).scheme == "ws"
    client = wsclient.Client(url)
    try:
        assert client.read_until("login: ").endswith("shell login: ")
        client.send(b"root\r")
        assert client.read_until("Password: ").startswith("root")
    finally:
        client.close()
