"""The fake driver's simulated serial console through the serial console
proxy, and console URLs that name the proxies' real addresses."""
import socket
import urllib.parse

import pytest

from stratus.console import websocket
from tests.functional import cloud as cloud_harness
from tests.functional.consoles import wsclient


def _boot(api, name="vm"):
    server = api.create_server(name=name, image=api.first_image_id())
    return api.wait_for_status(server["server"]["id"], {"ACTIVE", "ERROR"})


def _console_url(api, server_id, protocol="serial", kind="serial"):
    response = api.request(
        "POST", "/v2.1/servers/%s/remote-consoles" % server_id,
        {"remote_console": {"protocol": protocol, "type": kind}},
        version="2.6")
    assert response.status_int == 200, response.text
    return response.json["remote_console"]["url"]


@pytest.fixture
def http_cloud(conf, sqlite_cloud_urls, tmp_path):
    """The default all-in-one (three hosts) serving HTTP and both console
    proxies on ports the OS chose."""
    running = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path,
                                        serve_http=True, hosts=None,
                                        nodes=None)
    yield running
    running.stop()


@pytest.fixture
def api_only(conf, sqlite_cloud_urls, tmp_path):
    """A cloud without HTTP: the console URLs come from the configuration
    alone, as in `stratus api` with the proxies in other processes."""
    running = cloud_harness.start_cloud(conf, sqlite_cloud_urls, tmp_path)
    yield cloud_harness.StackClient(running.apps["compute"])
    running.stop()


def test_serial_console_greets_echoes_and_refuses_logins(http_cloud):
    api = cloud_harness.StackClient(http_cloud.apps["compute"])
    server = _boot(api, name="web-1")
    url = _console_url(api, server["id"])
    client = wsclient.Client(url)
    try:
        greeting = client.read_until("login: ")
        assert "Stratus simulated guest web-1 (ttyS0)" in greeting
        assert greeting.endswith("web-1 login: ")
        client.send(b"alice\r")
        assert client.read_until("Password: ").startswith("alice")
        client.send(b"s3cret\r")
        answer = client.read_until("login: ")
        assert "s3cret" not in answer
        assert "Login incorrect" in answer
        # Typing is echoed as a terminal does, erasing included.
        client.send(b"bobb\x7f")
        assert client.read_until("\x08 \x08") == "bobb\x08 \x08"
    finally:
        client.close()
    output = api.post("/servers/%s/action" % server["id"],
                      {"os-getConsoleOutput": {}})["output"]
    assert "web-1 login: alice\nLogin incorrect" in output


def test_the_console_closes_with_its_server(http_cloud):
    api = cloud_harness.StackClient(http_cloud.apps["compute"])
    server = _boot(api)
    client = wsclient.Client(_console_url(api, server["id"]))
    client.read_until("login: ")
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(
        _console_url(api, server["id"])).query)["token"][0]
    shown = api.get("/os-console-auth-tokens/%s" % token, version="2.31")
    guest_port = (shown["console"]["host"], shown["console"]["port"])
    api.delete("/servers/%s" % server["id"])
    api.wait_for_deleted(server["id"])
    with pytest.raises(websocket.ConnectionClosed):
        while True:
            client.receive()
    client.close()
    with pytest.raises(OSError):
        socket.create_connection(guest_port, timeout=5).close()


def test_each_host_serves_the_consoles_of_its_own_guests(http_cloud):
    api = cloud_harness.StackClient(http_cloud.apps["compute"])
    group = api.post("/os-server-groups", {"server_group": {
        "name": "spread", "policy": "anti-affinity"}},
        version="2.64")["server_group"]["id"]
    servers = [api.wait_for_status(api.post("/servers", {
        "server": {"name": "vm%d" % index, "flavorRef": "1",
                   "imageRef": api.first_image_id(), "networks": "none"},
        "os:scheduler_hints": {"group": group}})["server"]["id"],
        {"ACTIVE", "ERROR"}) for index in range(3)]
    assert len({s["OS-EXT-SRV-ATTR:host"] for s in servers}) == 3
    for server in servers:
        client = wsclient.Client(_console_url(api, server["id"]))
        assert client.read_until("login: ").endswith(
            "%s login: " % server["name"])
        client.close()


def test_console_urls_name_the_ports_the_proxies_listen_on(http_cloud):
    api = cloud_harness.StackClient(http_cloud.apps["compute"])
    ports = {p.console_type: p.port for p in http_cloud.console_proxies}
    server = _boot(api)
    serial = urllib.parse.urlsplit(_console_url(api, server["id"]))
    novnc = urllib.parse.urlsplit(_console_url(api, server["id"], "vnc",
                                               "novnc"))
    assert (serial.scheme, serial.hostname, serial.port) == (
        "ws", "127.0.0.1", ports["serial"])
    assert (novnc.scheme, novnc.hostname, novnc.port, novnc.path) == (
        "http", "127.0.0.1", ports["novnc"], "/vnc_auto.html")


def test_console_urls_follow_the_configured_proxy_address(conf, api_only):
    server = _boot(api_only)

    def base(protocol="serial", kind="serial"):
        url = _console_url(api_only, server["id"], protocol, kind)
        return url.split("?", 1)[0]

    assert base() == "ws://127.0.0.1:6083/"
    assert base("vnc", "novnc") == "http://127.0.0.1:6080/vnc_auto.html"
    conf.set_override("serialproxy_port", 16083, group="serial_console")
    conf.set_override("novncproxy_host", "::1", group="vnc")
    conf.set_override("novncproxy_port", 16080, group="vnc")
    assert base() == "ws://127.0.0.1:16083/"
    assert base("vnc", "novnc") == "http://[::1]:16080/vnc_auto.html"
    # Listening on every address: the URL names this host's own address.
    conf.set_override("serialproxy_host", "0.0.0.0", group="serial_console")
    conf.set_override("my_ip", "192.0.2.10")
    assert base() == "ws://192.0.2.10:16083/"
    # TLS on the proxies: the schemes say so.
    conf.set_override("ssl_certfile", "/etc/ssl/console.pem", group="console")
    conf.set_override("ssl_keyfile", "/etc/ssl/console.key", group="console")
    assert base() == "wss://192.0.2.10:16083/"
    assert base("vnc", "novnc") == "https://[::1]:16080/vnc_auto.html"
    # An explicit base URL wins (a proxy behind a load balancer).
    conf.set_override("base_url", "wss://consoles.example.test/serial/",
                      group="serial_console")
    assert base() == "wss://consoles.example.test/serial/"
