"""Serve WSGI apps with waitress, each on its own listener and threads.

One process may serve several APIs (compute, placement, identity, image):
each gets its own socket map and asyncore loop thread, so they start and
stop together but never share a dispatcher.
"""
import logging
import threading

import waitress.server
from waitress import wasyncore

LOG = logging.getLogger(__name__)


class Listener:
    def __init__(self, name, app, host, port, threads):
        self.name = name
        self._map = {}
        self.server = waitress.server.create_server(
            app, map=self._map, host=host, port=port, threads=threads,
            ident="stratus", clear_untrusted_proxy_headers=True,
            channel_timeout=300, connection_limit=1000,
            expose_tracebacks=False)
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

    def stop(self):
        self.server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._map)
        self._thread.join(timeout=5)


class Server:
    """Several listeners started and stopped as one."""

    def __init__(self, apps, threads=16):
        self.listeners = [Listener(name, app, host, port, threads)
                          for name, app, host, port in apps]

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


def serve(apps, threads=16):
    """Start serving [(name, app, host, port), ...]; the running Server."""
    return Server(apps, threads).start()
