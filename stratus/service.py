"""Service: runs one manager (conductor, scheduler or compute) in a
process: its RPC server, its service record and heartbeat, its periodic
tasks.

A service with databases (conductor, scheduler) writes its own record in
the cell of ``[database] connection``; a compute, which has none, reports
through ``ConductorAPI.service_report``. Either way the record is created
at start and refreshed every ``[DEFAULT] report_interval`` seconds from a
daemon thread, so ``is_up`` reflects whether the process is alive.

A heartbeat that gets no answer within ``report_interval`` is sent again at
once (it waits for the broker when the broker is away, so it goes out the
moment the transport reconnects): a reply lost in a broker outage costs a
compute one interval, never ``service_down_time``.

``stop`` is bounded by ``[DEFAULT] graceful_shutdown_timeout``: the RPC
server stops taking messages at once, the manager's ``prepare_stop()``
(when it has one) hands back work not started yet, and what is still
running gets what is left of the bound.

Managers provide ``target`` (an oslo_messaging.Target), ``init_host()``
(run before the RPC server starts serving) and ``periodic_tasks()``: a list
of ``(interval seconds, callable(ctx))``, each first run one interval after
start, in one daemon thread.
"""
import logging
import threading
import time

import oslo_messaging

from stratus.conductor import rpcapi as conductor_rpcapi
from stratus import context as stratus_context
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import service as service_obj
from stratus import upgrade_pins
from stratus import version as stratus_version

LOG = logging.getLogger(__name__)

# Seconds of [DEFAULT] graceful_shutdown_timeout kept for what a process
# does after its service stopped (closing its transport and databases).
CLEANUP_RESERVE = 1.0
# Seconds between heartbeats that failed for another reason than a lost
# answer (a database that is away): retried soon, not in a busy loop.
FAILED_BEAT_PAUSE = 1.0


class Service:

    def __init__(self, conf, messaging, binary, topic, host, manager,
                 databases=None, cell_uuid=None):
        """cell_uuid: the cell of the record of a service with databases
        (else that of [database] connection)."""
        self.conf = conf
        self.messaging = messaging
        self.binary = binary
        self.topic = topic
        self.host = host
        self.manager = manager
        self.databases = databases
        self.service_ref = None
        self._cell = None
        self._cell_uuid = cell_uuid
        self._rpc_server = None
        self._extra_rpc_servers = []
        self._stopping = threading.Event()
        self._threads = []
        self._conductor = (None if databases is not None
                           else conductor_rpcapi.ConductorAPI(messaging))
        # Where [upgrade_levels] auto reads the services' versions: the
        # databases, or for a compute its conductor.
        messaging.pins.bind(
            upgrade_pins.database_versions(databases)
            if databases is not None else conductor_rpcapi.conductor_versions(
                messaging, conf.report_interval))

    def context(self):
        return stratus_context.get_admin_context(self.databases)

    def start(self):
        self._stopping.clear()
        self.service_ref = None  # the first report says what it runs
        if self.databases is not None:
            # As Nova's control plane: not with computes it cannot serve.
            service_obj.raise_if_old_compute(
                self.context(), upgrade_pins.own_cell(self.databases))
        self._first_report()
        # Beating while the manager starts: a compute registering tens of
        # thousands of nodes takes longer than service_down_time, and its
        # nodes must not look down meanwhile (the first report already
        # counts the service up before it serves).
        self._spawn("heartbeat", self._heartbeat_loop)
        try:
            self.manager.init_host()
        except BaseException:
            self.stop()
            raise
        self._beat()
        self._rpc_server = self.messaging.server(
            self.topic, self.host, [self.manager], self.databases,
            reply_pin=upgrade_pins.REPLY_PINS.get(self.binary))
        self._rpc_server.start()
        extra = getattr(self.manager, "extra_rpc_endpoints", lambda: [])
        self._extra_rpc_servers = [
            self.messaging.server(topic, self.host, [endpoint],
                                  self.databases)
            for topic, endpoint in extra()]
        for server in self._extra_rpc_servers:
            server.start()
        tasks = self.manager.periodic_tasks()
        if tasks:
            self._spawn("periodic", self._periodic_loop, tasks)
        LOG.info("%s started on %s (topic %s)", self.binary, self.host,
                 self.topic)
        return self

    def stop(self, timeout=None):
        """Stop within timeout seconds (by default what [DEFAULT]
        graceful_shutdown_timeout leaves after the process's own clean-up,
        see shutdown_budget); whether the work in hand finished in that
        time."""
        if timeout is None:
            timeout = shutdown_budget(self.conf)
        deadline = time.monotonic() + timeout
        self._stopping.set()
        finished = True
        if self._rpc_server is not None:
            prepare_stop = getattr(self.manager, "prepare_stop", None)
            if prepare_stop is not None:
                prepare_stop()
            server = self._rpc_server
            finished = _join_within(
                lambda: (server.stop(), server.wait()), deadline)
            if not finished:
                LOG.warning("%s on %s stops with work still running after "
                            "%.1f s; it is settled when the service starts "
                            "again", self.binary, self.host, timeout)
            self._rpc_server = None
        # After the work in hand: it may be waiting for their events.
        for server in self._extra_rpc_servers:
            _join_within(lambda: (server.stop(), server.wait()), deadline)
        self._extra_rpc_servers = []
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._threads = []
        LOG.info("%s stopped on %s", self.binary, self.host)
        return finished

    def report(self, timeout=None):
        """Create or refresh this service's record; the Service."""
        ctx = self.context()
        # What this service runs, with the first report of each start.
        runs = ({} if self.service_ref is not None else {
            "version": service_obj.SERVICE_VERSION,
            "release": stratus_version.VERSION})
        if self._conductor is not None:
            service = service_obj.Service(
                host=self.host, binary=self.binary, topic=self.topic, **runs)
            self.service_ref = self._conductor.service_report(
                ctx, service, timeout=timeout)
        else:
            if self._cell is None:
                self._cell = cell_mapping_obj.local_cell(
                    ctx, self.conf, self._cell_uuid)
            self.service_ref = service_obj.Service.report(
                ctx, self._cell.uuid, self.host, self.binary, self.topic,
                **runs)
        return self.service_ref

    def _first_report(self):
        # A compute may start before any conductor listens (a message sent
        # before the conductor's queue exists is lost): ask again every
        # report_interval until one answers.
        while True:
            try:
                return self.report(timeout=self.conf.report_interval)
            except oslo_messaging.MessagingTimeout:
                if self._stopping.is_set():
                    raise
                LOG.warning("No conductor answered %s on %s; retrying",
                            self.binary, self.host)
            except exception.ServiceTooOld as exc:
                LOG.error("%s refused: %s", self.binary, exc)
                raise

    def _spawn(self, name, target, *args):
        thread = threading.Thread(
            target=target, args=args, daemon=True,
            name="%s-%s-%s" % (self.binary, self.host, name))
        thread.start()
        self._threads.append(thread)

    def _heartbeat_loop(self):
        pause = self.conf.report_interval
        while not self._stopping.wait(pause):
            pause = self._beat()

    def _beat(self):
        """One heartbeat; the seconds until the next one."""
        try:
            self.report(timeout=self.conf.report_interval)
        except oslo_messaging.MessagingTimeout:
            LOG.warning("Heartbeat of %s on %s got no answer in %s s; "
                        "sending it again", self.binary, self.host,
                        self.conf.report_interval)
            return 0
        except Exception:  # noqa: BLE001 - keep beating after a failure
            LOG.exception("Heartbeat of %s on %s failed", self.binary,
                          self.host)
            return min(FAILED_BEAT_PAUSE, self.conf.report_interval)
        return self.conf.report_interval

    def _periodic_loop(self, tasks):
        now = time.monotonic()
        due = [now + interval for interval, _task in tasks]
        while True:
            wait = max(0.0, min(due) - time.monotonic())
            if self._stopping.wait(wait):
                return
            for index, (interval, task) in enumerate(tasks):
                if due[index] > time.monotonic():
                    continue
                try:
                    task(self.context())
                except Exception:  # noqa: BLE001 - one failure must not end them all
                    LOG.exception("Periodic task %s of %s failed",
                                  getattr(task, "__name__", task), self.binary)
                due[index] = time.monotonic() + interval


def shutdown_budget(conf):
    """Seconds a service's stop may take: graceful_shutdown_timeout less
    CLEANUP_RESERVE (at least half of it)."""
    timeout = conf.graceful_shutdown_timeout
    return max(timeout - CLEANUP_RESERVE, timeout / 2.0)


def _join_within(wait, deadline):
    """Run wait() in a daemon thread; whether it returned by deadline
    (time.monotonic()). A stuck wait is left behind: the process exits
    without it."""
    waiter = threading.Thread(target=wait, daemon=True, name="stop-wait")
    waiter.start()
    waiter.join(timeout=max(0.0, deadline - time.monotonic()))
    return not waiter.is_alive()
