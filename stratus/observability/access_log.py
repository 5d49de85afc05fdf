"""One INFO line per API request on the ``stratus.api.access`` logger:

    [req-...] 127.0.0.1 "GET /v2.1/servers?limit=1" status: 200 len: 15 time: 3.2 ms

The request id is the record's (the log format prints it in brackets);
the record also carries each field as an attribute (method, path, status,
bytes, duration_ms, remote_addr, api) for structured handlers.
"""
import logging
import time
import uuid

from stratus.observability import metrics as stratus_metrics

LOG = logging.getLogger("stratus.api.access")
# A hostile client's 100 kB query string is cut in the log line.
MAX_LOGGED_PATH = 2048
UNMATCHED_ROUTE = "unmatched"


def new_request_id():
    return "req-" + str(uuid.uuid4())


class ObservedRequests:
    """WSGI middleware: logs and counts each request of one API once its
    answer is sent. The request id is chosen here (the API app keeps the
    one it finds in environ) so the log line and the answer agree."""

    def __init__(self, app, api, metrics=None, quiet_paths=()):
        self.app = app
        self.api = api
        self.metrics = metrics
        # Probes (health, metrics) are logged at DEBUG, not INFO.
        self.quiet_paths = frozenset(quiet_paths)

    def __call__(self, environ, start_response):
        start = time.monotonic()
        environ.setdefault("openstack.request_id", new_request_id())
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            seen.setdefault("status", 500)
            self._record(environ, seen["status"], 0, start)
            raise
        return _ObservedBody(body, lambda sent: self._record(
            environ, seen.get("status", 500), sent, start))

    def _record(self, environ, status, sent, start):
        seconds = time.monotonic() - start
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING")
        if self.metrics is not None:
            route = environ.get("stratus.route") or (
                path if path in self.quiet_paths else UNMATCHED_ROUTE)
            method_label = stratus_metrics.method_label(method)
            self.metrics.api_requests.labels(
                self.api, route, method_label, str(status)).inc()
            self.metrics.api_latency.labels(
                self.api, route, method_label).observe(seconds)
        if query:
            path += "?" + query
        if len(path) > MAX_LOGGED_PATH:
            path = path[:MAX_LOGGED_PATH] + "..."
        remote = environ.get("REMOTE_ADDR") or "-"
        level = (logging.DEBUG if environ.get("PATH_INFO") in self.quiet_paths
                 else logging.INFO)
        duration_ms = seconds * 1000
        LOG.log(level, '%s "%s %s" status: %d len: %d time: %.1f ms',
                remote, method, path, status, sent, duration_ms,
                extra={"request_id": environ["openstack.request_id"],
                       "api": self.api, "method": method, "path": path,
                       "status": status, "bytes": sent,
                       "duration_ms": duration_ms, "remote_addr": remote})


class _ObservedBody:
    """The answer's body, passed through; counts its bytes and reports
    them once the server closes it (after the last byte)."""

    def __init__(self, body, on_close):
        self._body = body
        self._on_close = on_close
        self._sent = 0
        self._closed = False

    def __iter__(self):
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close(self._sent)
