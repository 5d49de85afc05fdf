"""Waiting for external events (os-server-external-events), as Nova's
compute waits for ``network-vif-plugged`` before it calls a guest built.

An operation says which events it expects *before* it does what makes
them happen (plugging the VIFs), so that an event that comes at once is
not missed, and then waits for them::

    with self.instance_events.expect(instance.uuid, names, timeout) as got:
        plug the VIFs ...
        got.wait()

``wait`` returns when every expected event came, raises
VirtualInterfaceCreateException when one came with status ``failed``,
and when the deadline passes raises it too (``fatal``) or logs and goes
on, as [DEFAULT] vif_plugging_is_fatal says. ``error`` (a callable of
the failed or late events) makes the exception raised instead, for
events other than the network's (``volume-reimaged``).
"""
import contextlib
import logging
import threading
import time

from stratus import exception

LOG = logging.getLogger(__name__)


class _Expected:
    def __init__(self, instance_uuid, names, timeout, fatal, error=None):
        self.instance_uuid = instance_uuid
        self.events = list(names)
        self.pending = set(names)
        self.failed = []
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.fatal = fatal
        self.condition = threading.Condition()
        self.error = error

    def deliver(self, key, status):
        with self.condition:
            if key not in self.pending:
                return False
            self.pending.discard(key)
            if status == "failed":
                self.failed.append(key)
            self.condition.notify_all()
            return True

    def wait(self):
        with self.condition:
            while self.pending and not self.failed:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.condition.wait(remaining)
            failed, pending = list(self.failed), sorted(self.pending)
        if failed:
            LOG.error("Events %s of instance %s failed", failed,
                      self.instance_uuid)
            raise self._error(failed, "failed")
        if pending:
            if self.fatal:
                LOG.error("Timeout waiting for %s for instance %s (%d s)",
                          pending, self.instance_uuid, self.timeout)
                raise self._error(pending, "timed out")
            LOG.warning("Timeout waiting for %s for instance %s (%d s); "
                        "going on: vif_plugging_is_fatal is off", pending,
                        self.instance_uuid, self.timeout)


    def _error(self, events, why):
        if self.error is None:
            return exception.VirtualInterfaceCreateException()
        return self.error(events, why)


class InstanceEvents:
    """The events operations on this host are waiting for."""

    def __init__(self):
        self._lock = threading.Lock()
        self._expected = {}

    @contextlib.contextmanager
    def expect(self, instance_uuid, names, timeout, fatal=True, error=None):
        """names: (event name, tag) pairs; error(events, why): the
        exception to raise when some failed or did not come."""
        expected = _Expected(instance_uuid, names, timeout, fatal, error)
        with self._lock:
            self._expected.setdefault(instance_uuid, []).append(expected)
        try:
            yield expected
        finally:
            with self._lock:
                waiting = self._expected.get(instance_uuid, [])
                if expected in waiting:
                    waiting.remove(expected)
                if not waiting:
                    self._expected.pop(instance_uuid, None)

    def deliver(self, instance_uuid, name, tag, status="completed"):
        """True when an operation was waiting for the event."""
        with self._lock:
            waiting = list(self._expected.get(instance_uuid, []))
        return any([expected.deliver((name, tag), status)
                    for expected in waiting])
