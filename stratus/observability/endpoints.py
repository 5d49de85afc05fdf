"""The operations endpoints on every listener of a process: ``/healthcheck``
(always, unauthenticated as oslo.middleware's), ``/metrics`` (on loopback
listeners, or everywhere with ``[metrics] on_public_listeners``), and the
access log and request metrics around the API behind them."""
import ipaddress

import webob

from stratus.observability import access_log
from stratus.observability import health
from stratus.observability import metrics as stratus_metrics

HEALTHCHECK_PATH = "/healthcheck"
METRICS_PATH = "/metrics"


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Operations:
    """What one process adds to each of its listeners."""

    def __init__(self, conf, databases=None, messaging=None,
                 count_servers=True):
        """count_servers: export stratus_servers from databases (the API
        process does; a conductor or scheduler leaves it to the API, or
        Prometheus would add the same servers up twice)."""
        self.conf = conf
        self.metrics = stratus_metrics.for_conf(conf)
        if (count_servers and databases is not None
                and conf.metrics.enabled):
            self.metrics.watch_servers(databases)
        self.dependencies = health.DependencyCheck(conf, databases,
                                                   messaging)

    def wrap(self, api, app, host):
        """app behind the operations endpoints, access log and metrics;
        api names it in the log and the metrics, host is its bind."""
        serve_metrics = self.conf.metrics.enabled and (
            is_loopback(host) or self.conf.metrics.on_public_listeners)
        endpoints = _Endpoints(
            app, health.Healthcheck(self.conf, app, self.dependencies),
            self.metrics if serve_metrics else None)
        return access_log.ObservedRequests(
            endpoints, api,
            self.metrics if self.conf.metrics.enabled else None,
            quiet_paths=(HEALTHCHECK_PATH, METRICS_PATH))


class _Endpoints:
    def __init__(self, app, healthcheck, metrics):
        self.app = app
        self.healthcheck = healthcheck
        self.metrics = metrics

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == HEALTHCHECK_PATH:
            return self.healthcheck(environ, start_response)
        if (path == METRICS_PATH and self.metrics is not None
                and environ.get("REQUEST_METHOD") in ("GET", "HEAD")):
            body, content_type = self.metrics.exposition()
            response = webob.Response(body=body)
            response.headers["Content-Type"] = content_type
            return response(environ, start_response)
        return self.app(environ, start_response)


def not_found(environ, start_response):
    """The app behind a health listener: nothing but the endpoints."""
    response = webob.Response(status=404, content_type="text/plain",
                              charset="utf-8", text="Not Found")
    return response(environ, start_response)
