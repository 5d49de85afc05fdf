"""Serve WSGI apps with waitress, each on its own listener and threads.

One process may serve several APIs (compute, placement, identity, image):
each gets its own socket map and asyncore loop thread, so they start and
stop together but never share a dispatcher.
"""
import errno
import logging
import threading

import waitress.server
from waitress import wasyncore

LOG = logging.getLogger(__name__)

# The option that sets each listener's port, for the error a taken port gives.
PORT_OPTIONS = {
    "compute": "[DEFAULT] osapi_compute_listen_port",
    "identity": "[identity] port",
    "image": "[glance] port",
    "placement": "[placement_api] port",
    "metadata": "[DEFAULT] metadata_listen_port",
    "health": "[DEFAULT] healthcheck_port",
    "serial": "[serial_console] serialproxy_port",
    "novnc": "[vnc] novncproxy_port",
}
_LISTEN_ERRORS = {errno.EADDRINUSE: "address already in use",
                  errno.EACCES: "permission denied",
                  errno.EADDRNOTAVAIL: "address not available on this host"}


class ListenError(Exception):
    """A listener could not bind its address; names the port's option."""

    def __init__(self, name, host, port, error):
        reason = _LISTEN_ERRORS.get(error.errno) or error.strerror or str(error)
        option = PORT_OPTIONS.get(name)
        super().__init__("cannot listen on %s:%s%s: %s" % (
            host, port, " (%s)" % option if option else "", reason))


class Listener:
    def __init__(self, name, app, host, port, threads):
        self.name = name
        self._map = {}
        try:
            self.server = waitress.server.create_server(
                app, map=self._map, host=host, port=port, threads=threads,
                ident="stratus", clear_untrusted_proxy_headers=True,
                channel_timeout=300, connection_limit=1000,
                expose_tracebacks=False)
        except OSError as error:
            raise ListenError(name, host, port, error) from error
        self.host = host
        self.port = int(self.server.effective_port)  # waitress gives a str
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="wsgi-%s" % name)

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def _run(self):
        try:
            self.server.run()
        except Exception:  # noqa: BLE001 - a dead listener must be logged
            LOG.exception("%s listener stopped unexpectedly", self.name)

    def start(self):
        self._thread.start()

    def close(self):
        """Give the socket back (a listener never started)."""
        self.server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._map)

    def stop(self):
        self.server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._map)
        self._thread.join(timeout=5)


class Server:
    """Several listeners started and stopped as one."""

    def __init__(self, apps, threads=16, operations=None):
        self.listeners = []
        try:
            for name, app, host, port in apps:
                if operations is not None:
                    app = operations.wrap(name, app, host)
                self.listeners.append(Listener(name, app, host, port,
                                               threads))
        except ListenError:
            for listener in self.listeners:
                listener.close()
            raise

    def start(self):
        for listener in self.listeners:
            listener.start()
        return self

    def stop(self):
        for listener in self.listeners:
            listener.stop()

    def url(self, name):
        for listener in self.listeners:
            if listener.name == name:
                return listener.url
        raise KeyError(name)


def serve(apps, threads=16, operations=None):
    """Start serving [(name, app, host, port), ...]; the running Server.
    operations: a stratus.observability.endpoints.Operations that puts
    /healthcheck, /metrics and the access log in front of each app.
    ListenError when an address cannot be bound."""
    return Server(apps, threads, operations).start()
