"""Prometheus metrics of one Stratus process (or one all-in-one Cloud).

Each configuration gets its own ``CollectorRegistry`` (``for_conf``), never
prometheus_client's global one: the tests build several clouds in one
process, each with its own ``ConfigOpts``, and each must count only its
own requests. Labels are bounded: API route templates (not raw paths),
RPC topics without their host suffix, HTTP methods from a fixed set.
"""
import logging
import threading
import time

import prometheus_client
from prometheus_client import core as prometheus_core

LOG = logging.getLogger(__name__)

_ATTRIBUTE = "_stratus_metrics"
_CREATE_LOCK = threading.Lock()

# Seconds: from a cached GET (a millisecond) to a slow boot request.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                   1.0, 2.5, 5.0, 10.0, 30.0)
# The text format version every Prometheus server reads; newer
# prometheus-client releases call the same text "version=1.0.0".
EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                           "OPTIONS"))


def for_conf(conf):
    """The Metrics of the process (or Cloud) that conf configures."""
    metrics = getattr(conf, _ATTRIBUTE, None)
    if metrics is None:
        with _CREATE_LOCK:
            metrics = getattr(conf, _ATTRIBUTE, None)
            if metrics is None:
                metrics = Metrics()
                setattr(conf, _ATTRIBUTE, metrics)
    return metrics


def topic_label(topic):
    """compute.<host> -> compute: one series per topic, not per host."""
    return (topic or "").split(".", 1)[0] or "unknown"


def method_label(method):
    return method if method in KNOWN_METHODS else "OTHER"


class Metrics:
    def __init__(self):
        self.registry = prometheus_client.CollectorRegistry()
        registry = self.registry
        self.api_requests = prometheus_client.Counter(
            "stratus_api_requests", "API requests answered, by API, route "
            "template, method and status.",
            ["api", "route", "method", "status"], registry=registry)
        self.api_latency = prometheus_client.Histogram(
            "stratus_api_request_duration_seconds", "Time from a request's "
            "arrival to the last byte of its answer.",
            ["api", "route", "method"], buckets=LATENCY_BUCKETS,
            registry=registry)
        self.rpc_messages = prometheus_client.Counter(
            "stratus_rpc_messages", "RPC messages sent, by topic, method, "
            "kind (call or cast) and outcome (ok, timeout, error).",
            ["topic", "method", "kind", "outcome"], registry=registry)
        self.rpc_latency = prometheus_client.Histogram(
            "stratus_rpc_call_duration_seconds", "Time an RPC call waited "
            "for its answer.", ["topic", "method"],
            buckets=LATENCY_BUCKETS, registry=registry)
        self.scheduler_latency = prometheus_client.Histogram(
            "stratus_scheduler_decision_duration_seconds", "Time of a "
            "select_destinations decision (queueing for the decision lock "
            "included), by outcome (selected, no_valid_host, error).",
            ["outcome"], buckets=LATENCY_BUCKETS, registry=registry)
        self.placement_claims = prometheus_client.Counter(
            "stratus_placement_claims", "Scheduler claims of resources in "
            "placement, by outcome (success, conflict: the host turned out "
            "full or changed).", ["outcome"], registry=registry)
        self.audit_drift = prometheus_client.Gauge(
            "stratus_audit_drift", "What the self-audit's last pass found, "
            "by kind (orphaned_allocations, unmapped_instances, "
            "mappings_without_instance, build_requests_left).", ["kind"],
            registry=registry)
        self.audit_healed = prometheus_client.Counter(
            "stratus_audit_healed", "Drift the self-audit healed.",
            registry=registry)
        self.audit_passes = prometheus_client.Counter(
            "stratus_audit_passes", "Passes of the self-audit.",
            registry=registry)
        self._servers = None

    def watch_servers(self, databases):
        """Count servers by state from every cell at each scrape."""
        with _CREATE_LOCK:
            if self._servers is None:
                self._servers = ServersByState(databases)
                self.registry.register(self._servers)

    def exposition(self):
        """(body, content type) of the text exposition format."""
        return (prometheus_client.generate_latest(self.registry),
                EXPOSITION_CONTENT_TYPE)

    def time_scheduler_decision(self):
        return _Timer(self.scheduler_latency)

    def rpc_call(self, topic, method):
        return _RpcTimer(self, topic_label(topic), method)

    def rpc_cast(self, topic, method, outcome):
        self.rpc_messages.labels(topic_label(topic), method, "cast",
                                 outcome).inc()


class _Timer:
    """Observes the time of a with-block, labelled by its outcome."""

    def __init__(self, histogram):
        self._histogram = histogram
        self.outcome = "error"

    def __enter__(self):
        self._start = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._histogram.labels(self.outcome).observe(
            time.monotonic() - self._start)
        return False


class _RpcTimer:
    def __init__(self, metrics, topic, method):
        self._metrics = metrics
        self._labels = (topic, method)
        self.outcome = "error"

    def __enter__(self):
        self._start = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.outcome = "ok"
        elif exc_type.__name__ == "MessagingTimeout":
            self.outcome = "timeout"
        self._metrics.rpc_latency.labels(*self._labels).observe(
            time.monotonic() - self._start)
        self._metrics.rpc_messages.labels(*self._labels, "call",
                                          self.outcome).inc()
        return False


class ServersByState:
    """A collector: live servers per cell and vm_state, one GROUP BY per
    cell database at scrape time. A cell that cannot be read is left out
    of that scrape (and stratus_servers_cell_up says so)."""

    def __init__(self, databases):
        self._databases = databases

    def describe(self):
        return []

    def collect(self):
        servers = prometheus_core.GaugeMetricFamily(
            "stratus_servers", "Servers (not deleted) by cell and vm_state.",
            labels=["cell", "state"])
        cell_up = prometheus_core.GaugeMetricFamily(
            "stratus_servers_cell_up", "1 when the cell's database answered "
            "the servers count of this scrape.", labels=["cell"])
        for name, uuid, url in self._cells():
            try:
                counts = self._count(uuid, url)
            except Exception as exc:  # noqa: BLE001 - a scrape must answer
                LOG.warning("Counting the servers of cell %s failed: %s",
                            name, exc)
                cell_up.add_metric([name], 0)
                continue
            cell_up.add_metric([name], 1)
            for state, count in counts:
                servers.add_metric([name, state or "none"], count)
        yield servers
        yield cell_up

    def _cells(self):
        from stratus.objects import cell_mapping as cell_mapping_obj
        try:
            return [(name or uuid, uuid, url) for name, uuid, url in
                    cell_mapping_obj.connections(self._databases)]
        except Exception as exc:  # noqa: BLE001 - a scrape must answer
            LOG.warning("Reading the cell mappings failed: %s", exc)
            return []

    def _count(self, uuid, url):
        from stratus.objects import instance_queries
        return instance_queries.count_by_vm_state(
            self._databases.cell_by_url(uuid, url))
