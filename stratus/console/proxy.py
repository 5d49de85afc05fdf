"""The console proxies Stratus runs (``stratus serialproxy``,
``stratus novncproxy``, and both inside the all-in-one): a websocket
server that spends the console token in the request (``?token=`` or
the ``token`` cookie) and relays bytes between the websocket and the
guest's console socket on its compute host, over TLS when ``[console]
ssl_certfile`` and ``ssl_keyfile`` are set. The noVNC proxy also answers
plain HTTP requests with noVNC's web files (``stratus.console.web``)."""
import http.cookies
import logging
import socket
import socketserver
import ssl
import threading
import urllib.parse

from stratus.console import api as console_api
from stratus.console import web
from stratus.console import websocket
from stratus import context as stratus_context
from stratus.objects import console_auth_token as tokens

LOG = logging.getLogger(__name__)
CONNECT_TIMEOUT = 10


def request_token(target, headers):
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
    if query.get("token"):
        return query["token"][0]
    # noVNC may carry the token inside its "path" parameter.
    path = query.get("path", [""])[0]
    inner = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    if inner.get("token"):
        return inner["token"][0]
    cookie = http.cookies.SimpleCookie(headers.get("cookie", ""))
    return cookie["token"].value if "token" in cookie else None


def ssl_context(conf):
    certfile, keyfile = conf.console.ssl_certfile, conf.console.ssl_keyfile
    if not (certfile and keyfile):
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ConsoleProxy:
    """One proxy for one console type ("serial" or "novnc")."""

    def __init__(self, conf, databases, console_type, host, port):
        self.console_type = console_type
        # The noVNC proxy also serves noVNC's pages ([DEFAULT] web).
        self._web = web.WebFiles(conf.web) if console_type == "novnc" \
            else None
        self._databases = databases
        self._ssl = ssl_context(conf)
        self._allowed_origins = set(conf.console.allowed_origins)
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                proxy.handle(self.request)

        try:
            self._server = _Server((host, port), Handler)
        except OSError as error:
            from stratus import wsgi_server
            raise wsgi_server.ListenError(console_type, host, port,
                                          error) from error
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True,
            name="console-proxy-%s" % console_type)

    @property
    def scheme(self):
        return "wss" if self._ssl else "ws"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def handle(self, sock):
        try:
            if self._ssl is not None:
                sock = self._ssl.wrap_socket(sock, server_side=True)
            self._serve(sock)
        except (websocket.ConnectionClosed, OSError, ssl.SSLError) as error:
            LOG.debug("console connection ended: %s", error)
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def _serve(self, sock):
        try:
            method, target, headers = websocket.read_request(sock)
            if self._web is not None and not websocket.is_upgrade(headers):
                sock.sendall(self._web.response(method, target))
                return
            response = websocket.handshake_response(headers)
            self._check_origin(headers)
            token = request_token(target, headers)
            ctx = stratus_context.get_admin_context(self._databases)
            grant = tokens.consume(ctx, token, self.console_type) \
                if token else None
            if grant is None:
                raise websocket.HandshakeError(
                    401, "The token has expired or is invalid")
        except websocket.HandshakeError as error:
            sock.sendall(websocket.error_response(error.status, str(error)))
            return
        try:
            guest = socket.create_connection((grant.host, grant.port),
                                             timeout=CONNECT_TIMEOUT)
        except OSError as error:
            LOG.warning("console of %s at %s:%s unreachable: %s",
                        grant.instance_uuid, grant.host, grant.port, error)
            sock.sendall(websocket.error_response(502, "Bad Gateway"))
            return
        guest.settimeout(None)
        sock.sendall(response)
        LOG.info("console of %s opened (%s)", grant.instance_uuid,
                 self.console_type)
        self._relay(websocket.WebSocket(sock), guest)

    def _check_origin(self, headers):
        """A page of another site must not open a console with a token it
        got hold of: the Origin, when a browser sends one, must name the
        proxy's own host or an allowed one."""
        origin = headers.get("origin")
        if not origin:
            return
        origin_host = urllib.parse.urlsplit(origin).hostname
        own_host = urllib.parse.urlsplit(
            "//" + headers.get("host", "")).hostname
        if origin_host not in self._allowed_origins | {own_host}:
            raise websocket.HandshakeError(403, "Origin not allowed")

    @staticmethod
    def _relay(ws, guest):
        def guest_to_client():
            try:
                while True:
                    data = guest.recv(65536)
                    if not data:
                        break
                    ws.send(data)
            except OSError:
                pass
            finally:
                ws.close()
                try:
                    ws.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        reader = threading.Thread(target=guest_to_client, daemon=True)
        reader.start()
        try:
            while True:
                guest.sendall(ws.receive())
        except (websocket.ConnectionClosed, OSError):
            pass
        finally:
            try:
                guest.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            guest.close()
            reader.join(timeout=5)


def proxies_from_conf(conf, databases):
    """The proxies of the enabled console types, not started."""
    proxies = []
    if conf.serial_console.enabled:
        proxies.append(ConsoleProxy(
            conf, databases, "serial", conf.serial_console.serialproxy_host,
            conf.serial_console.serialproxy_port))
    if conf.vnc.enabled:
        proxies.append(ConsoleProxy(
            conf, databases, "novnc", conf.vnc.novncproxy_host,
            conf.vnc.novncproxy_port))
    return proxies


def publish_port(conf, console_proxy):
    """A proxy started on port 0 got its port from the OS: the URLs
    handed to users (the default base URL follows the port option) must
    name it."""
    options = console_api.PROXIES[console_proxy.console_type]
    if conf[options.group][options.port_option] == 0:
        conf.set_override(options.port_option, console_proxy.port,
                          group=options.group)
