"""Remote consoles: POST /servers/{id}/remote-consoles, the one-use
console tokens (/os-console-auth-tokens) and the websocket proxy.

The tokens are rows of the cell database: the tests that issue, spend,
expire and revoke them run on every database; those of the API's errors
and of the proxy's protocol (origins, cookies, TLS, web files) on SQLite
only (dbs.SQLITE_ONLY)."""
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse

import pytest

from stratus.console import proxy
from stratus import context as stratus_context
from stratus.objects import console_auth_token as tokens
from stratus.objects import console_connection
from stratus.virt import driver as virt_driver
from tests import dbs
from tests.functional import cloud as cloud_harness
from tests.functional.consoles import wsclient


def _console(api, server_id, protocol, kind, version="2.6", token=None):
    return api.request(
        "POST", "/v2.1/servers/%s/remote-consoles" % server_id,
        {"remote_console": {"protocol": protocol, "type": kind}},
        version=version, token=token)


def _token(url):
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    if "path" in query:
        query = urllib.parse.parse_qs(
            urllib.parse.urlsplit(query["path"][0]).query)
    return query["token"][0]


def _boot(api, name="vm"):
    server = api.create_server(name=name, image=api.first_image_id())
    return api.wait_for_status(server["server"]["id"], {"ACTIVE", "ERROR"})


def test_serial_and_vnc_urls_and_their_tokens(cloud, api):
    server = _boot(api)
    response = _console(api, server["id"], "serial", "serial")
    assert response.status_int == 200, response.text
    console = response.json["remote_console"]
    assert (console["protocol"], console["type"]) == ("serial", "serial")
    assert console["url"].startswith("ws://127.0.0.1:6083/?token=")
    token = _token(console["url"])

    shown = api.get("/os-console-auth-tokens/%s" % token, version="2.31")
    assert shown["console"]["instance_uuid"] == server["id"]
    assert shown["console"]["host"] == "127.0.0.1"
    assert isinstance(shown["console"]["port"], int)
    assert "internal_access_path" in shown["console"]
    # Showing does not spend it; before 2.31 only rdp-html5 tokens show.
    assert api.request("GET", "/v2.1/os-console-auth-tokens/%s" % token,
                       version="2.30").status_int == 401
    assert api.request("GET", "/v2.1/os-console-auth-tokens/%s" % token,
                       version="2.31").status_int == 200
    # Admin only.
    assert api.request("GET", "/v2.1/os-console-auth-tokens/%s" % token,
                       token=cloud_harness.DEMO,
                       version="2.31").status_int == 403
    assert api.request("GET", "/v2.1/os-console-auth-tokens/nope",
                       version="2.31").status_int == 404

    response = _console(api, server["id"], "vnc", "novnc")
    assert response.status_int == 200, response.text
    url = response.json["remote_console"]["url"]
    assert url.startswith("http://127.0.0.1:6080/vnc_auto.html?path=")
    assert api.get("/os-console-auth-tokens/%s" % _token(url),
                   version="2.31")["console"]["instance_uuid"] == server["id"]


def test_deleting_the_server_revokes_its_tokens(cloud, api):
    server = _boot(api)
    token = _token(_console(api, server["id"], "serial", "serial").json[
        "remote_console"]["url"])
    api.delete("/servers/%s" % server["id"])
    api.wait_for_deleted(server["id"])
    assert api.request("GET", "/v2.1/os-console-auth-tokens/%s" % token,
                       version="2.31").status_int == 404


@dbs.SQLITE_ONLY
def test_remote_console_errors(cloud, api):
    server = _boot(api)
    uuid = server["id"]
    # Before 2.6 the resource does not exist.
    assert _console(api, uuid, "serial", "serial",
                    version="2.5").status_int == 404
    for protocol, kind in (("vnc", "serial"), ("spice", "spice-html5"),
                           ("rdp", "rdp-html5"), ("serial", "novnc")):
        response = _console(api, uuid, protocol, kind)
        assert response.status_int == 400, (protocol, kind, response.text)
        assert "badRequest" in response.json
    for body in ({}, {"remote_console": {"protocol": "serial"}},
                 {"remote_console": {"protocol": "telnet", "type": "serial"}},
                 {"remote_console": {"protocol": "serial", "type": "serial",
                                     "extra": 1}}):
        assert api.request("POST", "/v2.1/servers/%s/remote-consoles" % uuid,
                           body, version="2.6").status_int == 400
    # mks is in the schema from 2.8 on, and Stratus has no such console.
    assert _console(api, uuid, "mks", "webmks",
                    version="2.8").status_int == 400
    response = _console(api, "00000000-0000-0000-0000-000000000000",
                        "serial", "serial")
    assert response.status_int == 404 and "itemNotFound" in response.json


def test_console_of_a_server_in_error_is_a_conflict(conf, cloud, api):
    cloud.services[-1].manager.driver._fail_spawn = __import__("re").compile(
        "^broken$")
    server = _boot(api, name="broken")
    assert server["status"] == "ERROR"
    response = _console(api, server["id"], "serial", "serial")
    assert response.status_int == 409 and "conflictingRequest" in response.json


class _EchoGuest:
    """A TCP console that greets and then echoes, like a guest's serial
    port would answer."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            connection.sendall(b"GUEST-CONSOLE-MARKER\r\n")
            while data := connection.recv(4096):
                connection.sendall(data.upper())

    def close(self):
        self.listener.close()


def _issue(cloud, port, console_type="serial", ttl=600):
    ctx = stratus_context.get_admin_context(cloud.databases)
    return tokens.issue(ctx, "11111111-2222-3333-4444-555555555555",
                        console_connection.ConsoleConnection(
                            console_type=console_type, host="127.0.0.1",
                            port=port), ttl)


@pytest.fixture
def serial_proxy(conf, cloud):
    console_proxy = proxy.ConsoleProxy(conf, cloud.databases, "serial",
                                       "127.0.0.1", 0).start()
    yield console_proxy
    console_proxy.stop()


def test_proxy_relays_once_per_token(cloud, serial_proxy):
    guest = _EchoGuest()
    try:
        token = _issue(cloud, guest.port)
        url = "ws://127.0.0.1:%d/?token=%s" % (serial_proxy.port, token)
        client = wsclient.Client(url)
        try:
            assert "GUEST-CONSOLE-MARKER" in client.read_until("MARKER")
            client.send(b"hello")
            assert "HELLO" in client.read_until("HELLO")
        finally:
            client.close()
        # The token was spent by its first use.
        with pytest.raises(wsclient.Refused) as refused:
            wsclient.Client(url)
        assert refused.value.status == 401
        ctx = stratus_context.get_admin_context(cloud.databases)
        assert tokens.show(ctx, token) is None
    finally:
        guest.close()


def test_proxy_refuses_bad_expired_and_other_type_tokens(cloud,
                                                         serial_proxy):
    base = "ws://127.0.0.1:%d/" % serial_proxy.port
    for url in (base, base + "?token=not-a-token"):
        with pytest.raises(wsclient.Refused) as refused:
            wsclient.Client(url)
        assert refused.value.status == 401
    vnc_token = _issue(cloud, 1, console_type="novnc")
    with pytest.raises(wsclient.Refused):
        wsclient.Client(base + "?token=" + vnc_token)
    ctx = stratus_context.get_admin_context(cloud.databases)
    # A token of another type is not spent by the wrong proxy.
    assert tokens.show(ctx, vnc_token) is not None

    expired = _issue(cloud, 1, ttl=1)
    deadline = time.time() + 3
    while tokens.show(ctx, expired) is not None and time.time() < deadline:
        time.sleep(0.2)
    assert tokens.show(ctx, expired) is None
    with pytest.raises(wsclient.Refused):
        wsclient.Client(base + "?token=" + expired)


@dbs.SQLITE_ONLY
def test_proxy_takes_the_token_from_a_cookie_or_novnc_path(cloud,
                                                           serial_proxy):
    for how in ("cookie", "path"):
        guest = _EchoGuest()
        try:
            token = _issue(cloud, guest.port)
            base = "ws://127.0.0.1:%d/" % serial_proxy.port
            if how == "cookie":
                client = wsclient.Client(base, cookie="token=" + token)
            else:
                client = wsclient.Client(base + "?" + urllib.parse.urlencode(
                    {"path": "?token=" + token}))
            assert "MARKER" in client.read_until("MARKER")
            client.close()
        finally:
            guest.close()


@dbs.SQLITE_ONLY
def test_proxy_checks_the_origin_of_browser_requests(conf, cloud,
                                                     serial_proxy):
    guest = _EchoGuest()
    try:
        url = "ws://127.0.0.1:%d/?token=" % serial_proxy.port
        with pytest.raises(wsclient.Refused) as refused:
            wsclient.Client(url + _issue(cloud, guest.port),
                            origin="https://evil.example")
        assert refused.value.status == 403
        client = wsclient.Client(url + _issue(cloud, guest.port),
                                 origin="http://127.0.0.1:%d"
                                 % serial_proxy.port)
        assert "MARKER" in client.read_until("MARKER")
        client.close()
    finally:
        guest.close()
    conf.set_override("allowed_origins", ["console.example"], group="console")
    allowing = proxy.ConsoleProxy(conf, cloud.databases, "serial",
                                  "127.0.0.1", 0).start()
    guest = _EchoGuest()
    try:
        client = wsclient.Client("ws://127.0.0.1:%d/?token=%s" % (
            allowing.port, _issue(cloud, guest.port)),
            origin="https://console.example")
        assert "MARKER" in client.read_until("MARKER")
        client.close()
    finally:
        guest.close()
        allowing.stop()


@dbs.SQLITE_ONLY
def test_disabled_console_is_unavailable(conf, cloud, api):
    server = _boot(api)
    conf.set_override("enabled", False, group="serial_console")
    response = _console(api, server["id"], "serial", "serial")
    assert response.status_int == 400, response.text
    assert "Unavailable console type serial" in \
        response.json["badRequest"]["message"]



def _legacy_console(api, server_id, action, kind, version="2.1"):
    """The deprecated console action of before 2.6."""
    return api.request("POST", "/v2.1/servers/%s/action" % server_id,
                       {action: {"type": kind}}, version=version)


@dbs.SQLITE_ONLY
def test_the_console_actions_of_before_2_6_share_the_errors(conf, cloud,
                                                            api):
    """os-getVNCConsole and os-getSerialConsole go the remote-consoles way:
    a console the configuration turns off is 400, one the driver lacks
    501, as Nova answers both."""
    server = _boot(api)
    conf.set_override("enabled", False, group="vnc")
    for response in (_console(api, server["id"], "vnc", "novnc"),
                     _legacy_console(api, server["id"], "os-getVNCConsole",
                                     "novnc")):
        assert response.status_int == 400, response.text
        assert "Unavailable console type novnc" in \
            response.json["badRequest"]["message"]
    response = _legacy_console(api, server["id"], "os-getSerialConsole",
                               "serial", version="2.5")
    assert response.status_int == 200, response.text
    assert response.json["console"]["url"].startswith(
        "ws://127.0.0.1:6083/?token=")


@dbs.SQLITE_ONLY
def test_a_driver_without_consoles_is_501(cloud, api, monkeypatch):
    server = _boot(api)
    supports = virt_driver.supports
    monkeypatch.setattr(virt_driver, "supports", lambda driver, interface: (
        interface is not virt_driver.RemoteConsoles
        and supports(driver, interface)))
    for response in (_console(api, server["id"], "serial", "serial"),
                     _legacy_console(api, server["id"],
                                     "os-getSerialConsole", "serial")):
        assert response.status_int == 501, response.text
        assert response.json == {"notImplemented": {
            "code": 501,
            "message": "The requested functionality is not supported."}}


@dbs.SQLITE_ONLY
@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")
def test_proxy_speaks_tls_when_configured(conf, cloud, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    conf.set_override("ssl_certfile", str(cert), group="console")
    conf.set_override("ssl_keyfile", str(key), group="console")
    console_proxy = proxy.ConsoleProxy(conf, cloud.databases, "serial",
                                       "127.0.0.1", 0).start()
    guest = _EchoGuest()
    try:
        assert console_proxy.scheme == "wss"
        client_ssl = ssl.create_default_context(cafile=str(cert))
        client = wsclient.Client("wss://127.0.0.1:%d/?token=%s" % (
            console_proxy.port, _issue(cloud, guest.port)),
            ssl_context=client_ssl)
        assert "MARKER" in client.read_until("MARKER")
        client.close()
    finally:
        guest.close()
        console_proxy.stop()


@dbs.SQLITE_ONLY
def test_all_in_one_serves_the_proxies_its_urls_name(conf, cloud_urls,
                                                     tmp_path):
    running = cloud_harness.start_cloud(conf, cloud_urls, tmp_path,
                                        serve_http=True)
    try:
        api = cloud_harness.StackClient(running.apps["compute"])
        assert [p.console_type for p in running.console_proxies] == [
            "serial", "novnc"]
        server = _boot(api)
        for protocol, kind in (("serial", "serial"), ("vnc", "novnc")):
            url = _console(api, server["id"], protocol, kind).json[
                "remote_console"]["url"]
            port = urllib.parse.urlsplit(url).port
            assert port in [p.port for p in running.console_proxies]
            if kind == "serial":
                # The fake driver simulates the guest's serial port.
                client = wsclient.Client(url)
                assert client.read_until("login: ").endswith("vm login: ")
                client.close()
                continue
            # No simulated VNC display: the proxy accepted the token and
            # says the guest is unreachable.
            with pytest.raises(wsclient.Refused) as refused:
                wsclient.Client("ws://127.0.0.1:%d/?token=%s"
                                % (port, _token(url)))
            assert refused.value.status == 502
    finally:
        running.stop()


@dbs.SQLITE_ONLY
def test_the_novnc_proxy_serves_novncs_web_files_and_nothing_else(
        conf, cloud, serial_proxy, tmp_path):
    web = tmp_path / "novnc"
    (web / "core").mkdir(parents=True)
    page = (b"<html><script type='module'>import RFB from "
            b"'./core/rfb.js';</script></html>")
    (web / "vnc_lite.html").write_bytes(page)
    (web / "core" / "rfb.js").write_bytes(b"export default class RFB {}")
    (web / "vnc_auto.html").symlink_to("vnc_lite.html")
    (tmp_path / "secret.txt").write_text("not for the web")
    (web / "leak.txt").symlink_to(tmp_path / "secret.txt")
    conf.set_override("web", str(web))
    novnc = proxy.ConsoleProxy(conf, cloud.databases, "novnc", "127.0.0.1",
                               0).start()
    try:
        base = "http://127.0.0.1:%d/" % novnc.port
        status, headers, body = wsclient.http_request(
            base + "vnc_auto.html?path=%3Ftoken%3Dabc")
        assert (status, body) == (200, page)
        assert headers["content-type"] == "text/html; charset=utf-8"
        status, headers, body = wsclient.http_request(base + "core/rfb.js")
        assert status == 200
        assert headers["content-type"].startswith("application/javascript")
        status, headers, body = wsclient.http_request(
            base + "vnc_lite.html", method="HEAD")
        assert (status, headers["content-length"], body) == (
            200, str(len(page)), b"")
        for path in ("../secret.txt", "%2e%2e/secret.txt", "leak.txt",
                     "core", "", "nothing.html"):
            assert wsclient.http_request(base + path)[0] == 404, path
        assert wsclient.http_request(base + "vnc_lite.html",
                                     method="POST")[0] == 405
        # The serial proxy serves no pages.
        assert wsclient.http_request("http://127.0.0.1:%d/vnc_lite.html"
                                     % serial_proxy.port)[0] == 400
        # Without noVNC installed, the page says so.
        shutil.rmtree(web)
        status, _, body = wsclient.http_request(base + "vnc_lite.html")
        assert status == 404
        assert b"noVNC's web files are not installed: %s does not exist" % (
            str(web).encode()) in body
    finally:
        novnc.stop()
