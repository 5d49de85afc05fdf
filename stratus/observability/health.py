"""``/healthcheck`` in oslo.middleware's format, with checks of this
process's databases and message broker.

oslo.middleware's ``Healthcheck`` renders the answer (200 / 503, HEAD 204,
text, JSON or HTML by Accept, ``[healthcheck] detailed``) and still loads
the backends of ``[healthcheck] backends`` (disable_by_file ...); the
Stratus check is added as one more backend. Without ``detailed`` the
answer says only ``OK`` or which kind of dependency failed, never an
address or an error text.
"""
import concurrent.futures
import logging
import time

from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import pluginbase
import oslo_messaging

LOG = logging.getLogger(__name__)


class _Extension:
    """Looks like the stevedore extension oslo's middleware iterates."""

    def __init__(self, obj):
        self.obj = obj


class Healthcheck(healthcheck.Healthcheck):
    """oslo.middleware's healthcheck app with Stratus's dependency check."""

    def __init__(self, conf, application, dependency_check):
        # application answers what this middleware ignores (a source
        # outside [healthcheck] allowed_source_ranges ...).
        super().__init__(application, conf)
        self._backends = list(self._backends) + [_Extension(
            dependency_check)]


class DependencyCheck(pluginbase.HealthcheckBaseExtension):
    """The process answers; its databases answer `SELECT 1` and its
    broker accepts a connection, each within [healthcheck] check_timeout."""

    def __init__(self, conf, databases, messaging):
        super().__init__(conf, {})
        self._conf = conf
        self._databases = databases
        self._messaging = messaging
        # Checks run here so a hung database costs a probe its timeout,
        # not its thread; a few workers bound what hung checks can hold.
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=4, thread_name_prefix="healthcheck")

    def healthcheck(self, server_port):
        checks = [("process", "process", lambda: "answering")]
        if self._databases is not None:
            checks += [("database", "database %s" % name, check)
                       for name, check in self._database_checks()]
        if self._messaging is not None:
            checks.append(("broker", "broker", self._broker_check))
        timeout = self._conf.healthcheck.check_timeout
        started = [(kind, name, time.monotonic(), self._pool.submit(check))
                   for kind, name, check in checks]
        failed, details = [], []
        for kind, name, start, future in started:
            remaining = max(timeout - (time.monotonic() - start), 0)
            try:
                note = future.result(timeout=remaining)
                details.append("%s: OK (%s, %.1f ms)" % (
                    name, note, (time.monotonic() - start) * 1000))
            except concurrent.futures.TimeoutError:
                failed.append(kind)
                details.append("%s: no answer within %.1f s"
                               % (name, timeout))
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                failed.append(kind)
                details.append("%s: %s: %s" % (name, type(exc).__name__,
                                               exc))
        if failed:
            LOG.warning("Health check failed: %s", "; ".join(details))
            reason = "UNAVAILABLE: %s" % ", ".join(sorted(set(failed)))
            return pluginbase.HealthcheckResult(False, reason,
                                                "\n".join(details))
        return pluginbase.HealthcheckResult(True, "OK", "\n".join(details))

    def _database_checks(self):
        """(name, check) for the API database and every cell's (a cell
        conductor's: its own cell's)."""
        databases = self._databases
        if not getattr(databases, "has_api", True):
            # A cell conductor: its one cell database.
            yield "cell", databases.cell(None).ping
            return
        yield "api", databases.api.ping
        from stratus.objects import cell_mapping as cell_mapping_obj
        try:
            cells = cell_mapping_obj.connections(databases)
        except Exception:  # noqa: BLE001 - the api check reports it
            return
        for name, uuid, url in cells:
            yield name or uuid, databases.cell_by_url(uuid, url).ping

    def _broker_check(self):
        url = self._messaging.url
        if url.startswith("inproc:"):
            return "in-process transport"
        parsed = oslo_messaging.TransportURL.parse(self._conf, url)
        if parsed.transport not in ("rabbit", "amqp", "kombu"):
            return "%s transport not checked" % parsed.transport
        import kombu
        timeout = self._conf.healthcheck.check_timeout
        # A URL without hosts ("rabbit://") means oslo.messaging's
        # defaults: guest on localhost.
        host = parsed.hosts[0] if parsed.hosts else oslo_messaging.TransportHost(
            hostname="localhost", username="guest", password="guest")
        address = "%s:%s" % (host.hostname, host.port or 5672)
        connection = kombu.Connection(
            hostname=host.hostname, port=host.port or 5672,
            userid=host.username, password=host.password,
            virtual_host=parsed.virtual_host or "/",
            connect_timeout=timeout, transport_options={"max_retries": 0})
        try:
            connection.connect()
        finally:
            connection.release()
        return address
