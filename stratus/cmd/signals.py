"""How a Stratus process stops: SIGTERM or SIGINT asks it to, its stop
steps run in order, and it exits once they are done or their bound has
passed (what has not stopped by then is left behind), its logs
flushed."""
import logging
import os
import signal
import threading

LOG = logging.getLogger(__name__)


class StopSignals:
    """Catches SIGTERM and SIGINT from its creation on."""

    def __init__(self):
        self._event = threading.Event()
        self._received = []
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        # Nothing more here: the signal may interrupt an import, where
        # even logging can fail (a half-imported module).
        self._received.append(signum)
        self._event.set()

    def wait(self):
        """Block until a signal came; its number."""
        while not self._event.wait(1):
            pass
        return self._received[0]


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
