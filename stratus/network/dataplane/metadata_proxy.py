"""The metadata proxy of each DHCP namespace (Neutron's isolated
metadata): a socket opened inside qdhcp-<network> on 169.254.169.254:80,
served by a thread of the network service, forwarding each guest's
request to the metadata service on loopback with Nova's
service-metadata-proxy headers: X-Instance-ID (the port's device_id),
X-Tenant-ID, X-Forwarded-For (the guest's address) and
X-Instance-ID-Signature, HMAC-SHA256 of the instance id under
[neutron] metadata_proxy_shared_secret.
"""
import hashlib
import hmac
import http.client
import http.server
import logging
import socketserver
import threading

from stratus.network.dataplane import netns

LOG = logging.getLogger(__name__)

PORT = 80
_HOP_HEADERS = {"connection", "keep-alive", "proxy-connection",
                "transfer-encoding", "upgrade", "host", "content-length",
                "x-instance-id", "x-tenant-id", "x-forwarded-for",
                "x-instance-id-signature"}


def signature(secret, instance_id):
    return hmac.new(secret.encode(), instance_id.encode(),
                    hashlib.sha256).hexdigest()


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def __init__(self, sock, proxy, network_id):
        self.proxy = proxy
        self.network_id = network_id
        super().__init__(sock.getsockname()[:2], _Handler,
                         bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_address = sock.getsockname()[:2]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        LOG.debug("metadata proxy: " + fmt, *args)

    def _forward(self):
        server = self.server
        status, headers, body = server.proxy.forward(
            server.network_id, self.client_address[0], self.command,
            self.path, self.headers, self.rfile)
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _forward


class MetadataProxy:
    """The proxies of the DHCP namespaces. ports_of_address(network_id,
    address) gives the Port of the network holding address (or None)."""

    def __init__(self, conf, ports_of_address):
        self.conf = conf
        self.find_port = ports_of_address
        self.servers = {}  # namespace: (_Server, thread)
        self._lock = threading.Lock()

    def forward(self, network_id, address, method, path, headers, body):
        port = self.find_port(network_id, address)
        if port is None or not port.device_id:
            return 404, [("Content-Type", "text/plain")], (
                b"No instance has the address %s" % address.encode())
        length = int(headers.get("Content-Length") or 0)
        payload = body.read(length) if length else None
        forwarded = {name: value for name, value in headers.items()
                     if name.lower() not in _HOP_HEADERS}
        forwarded.update({
            "X-Instance-ID": port.device_id,
            "X-Tenant-ID": port.project_id,
            "X-Forwarded-For": address,
            "X-Instance-ID-Signature": signature(
                self.conf.neutron.metadata_proxy_shared_secret or "",
                port.device_id)})
        connection = http.client.HTTPConnection(
            self.conf.dataplane.metadata_listen,
            self.conf.dataplane.metadata_port, timeout=30)
        try:
            connection.request(method, path, body=payload,
                               headers=forwarded)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        except OSError as error:
            LOG.warning("Metadata service unreachable: %s", error)
            return 502, [("Content-Type", "text/plain")], \
                b"The metadata service is unreachable"
        finally:
            connection.close()

    def sync(self, sites):
        """A proxy in each site's namespace, none elsewhere."""
        wanted = {site.namespace: site for site in sites.values()}
        with self._lock:
            for namespace in sorted(set(self.servers) - set(wanted)):
                self._stop(namespace)
            for namespace, site in sorted(wanted.items()):
                if namespace not in self.servers:
                    self._start(site)

    def _start(self, site):
        sock = netns.socket_in_namespace(site.namespace)
        try:
            sock.setsockopt(netns.socket.SOL_SOCKET,
                            netns.socket.SO_REUSEADDR, 1)
            sock.bind(("169.254.169.254", PORT))
            sock.listen(64)
        except OSError:
            sock.close()
            raise
        server = _Server(sock, self, site.network_id)
        thread = threading.Thread(target=server.serve_forever,
                                  kwargs={"poll_interval": 0.5},
                                  name="metadata-proxy-" + site.network_id,
                                  daemon=True)
        thread.start()
        self.servers[site.namespace] = (server, thread)

    def _stop(self, namespace):
        server, thread = self.servers.pop(namespace)
        server.shutdown()
        server.server_close()
        thread.join()

    def stop(self):
        with self._lock:
            for namespace in sorted(self.servers):
                self._stop(namespace)
