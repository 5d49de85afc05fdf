"""How a Stratus process stops: SIGTERM or SIGINT asks it to, its stop
steps run in order, and it exits once they are done or their bound has
passed (what has not stopped by then is left behind), its logs
flushed.

SIGHUP reloads what can be: the ``[upgrade_levels]`` options and the
pins ``auto`` reads from the services' versions (stratus/upgrade_pins.py),
so that an operator who upgraded the last old compute lifts the caps
without a restart, as with Nova."""
import logging
import os
import signal
import threading

from stratus import upgrade_pins

LOG = logging.getLogger(__name__)


class StopSignals:
    """Catches SIGTERM and SIGINT, and SIGHUP (a reload, done while
    waiting), from its creation on."""

    def __init__(self):
        self._event = threading.Event()
        self._received = []
        self._reload = threading.Event()
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGHUP, self._handle_reload)

    def _handle_reload(self, signum, frame):
        self._reload.set()

    def _handle(self, signum, frame):
        # Nothing more here: the signal may interrupt an import, where
        # even logging can fail (a half-imported module).
        self._received.append(signum)
        self._event.set()

    def wait(self):
        """Block until a signal came; its number."""
        while not self._event.wait(1):
            if self._reload.is_set():
                self._reload.clear()
                reload()
        return self._received[0]


def reload():
    """What SIGHUP does."""
    LOG.info("SIGHUP received: reloading the upgrade levels")
    upgrade_pins.refresh_all()


def stop_and_exit(steps, seconds, what="graceful_shutdown_timeout"):
    """Run steps (callables) in order, for at most seconds, then end the
    process with status 0. Threads of the libraries (the transport's
    heartbeats, connection pools) must not hold the exit past the
    bound, hence os._exit."""
    stopper = threading.Thread(target=lambda: [step() for step in steps],
                               daemon=True, name="stop")
    stopper.start()
    stopper.join(timeout=seconds)
    if stopper.is_alive():
        LOG.warning("Not stopped within %s (%s s): exiting", what, seconds)
    LOG.info("Stopped")
    logging.shutdown()
    os._exit(0)
