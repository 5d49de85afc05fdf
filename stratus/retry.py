"""Bounded retries with backoff while a database cannot be reached.

One helper for both sides of a database outage (issue 17):

- a conductor's own database work waits for the database: within
  ``patient(seconds)`` (the conductor runs every RPC method and periodic
  pass in one), ``stratus.db.api`` tries a refused connection again with
  backoff for that long before it raises DatabaseUnreachable;
- a compute's call that a conductor answers with DatabaseUnreachable is
  sent again with backoff for a bounded time (conductor/rpcapi.py).

(oslo.db's ``wrap_db_retry`` retries oslo.db's own exceptions around
oslo.db engines; Stratus has neither, so this small helper does it.)
"""
import contextlib
import logging
import threading
import time

LOG = logging.getLogger(__name__)

FIRST_DELAY = 0.25
MOST_DELAY = 2.0

_patience = threading.local()


def delays(seconds):
    """The pauses between attempts, doubling from FIRST_DELAY up to
    MOST_DELAY, until seconds have passed from the first call."""
    deadline = time.monotonic() + seconds
    delay = FIRST_DELAY
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        yield min(delay, left)
        delay = min(delay * 2, MOST_DELAY)


def retry_while(unavailable, func, seconds, what):
    """func(); while it raises one of the unavailable exceptions, again
    after a pause, for at most seconds (then the last error is raised)."""
    pauses = delays(seconds)
    attempt = 1
    while True:
        try:
            return func()
        except unavailable as exc:
            pause = next(pauses, None)
            if pause is None:
                raise
            LOG.warning("%s failed (attempt %d): %s; trying again in "
                        "%.2f s", what, attempt, exc, pause)
            attempt += 1
            time.sleep(pause)


@contextlib.contextmanager
def patient(seconds):
    """Within this block (on this thread), a database connection that is
    refused is tried again for up to seconds (see connect_patience)."""
    before = getattr(_patience, "seconds", 0)
    _patience.seconds = max(before, seconds)
    try:
        yield
    finally:
        _patience.seconds = before


@contextlib.contextmanager
def impatient():
    """Within this block (on this thread), a refused connection fails at
    once, even inside patient(): for reads that can go on without the
    database (one cell of several)."""
    before = getattr(_patience, "seconds", 0)
    _patience.seconds = 0
    try:
        yield
    finally:
        _patience.seconds = before


def connect_patience():
    """Seconds this thread waits for a database that refuses connections
    (0 unless inside patient())."""
    return getattr(_patience, "seconds", 0)
