"""A developer's CPU profile of a running service (not for production).

With ``STRATUS_PROFILE_DIR`` set in its environment, a service started by
``stratus <service>`` toggles a profiler on each SIGUSR2: the first starts
it, the next stops it and writes

- ``<dir>/<pid>.pstats``: yappi's profile (CPU clock, every thread; read
  with ``python -m pstats`` or snakeviz), when yappi is installed (a dev
  tool, ``pip install yappi``, not a dependency);
- ``<dir>/<pid>.statements.json``: the SQL statements the process sent
  meanwhile, by database and first word, its pool checkouts, and the
  messages it published to RabbitMQ (keys ``rabbit <kind> ...``,
  stratus/rpc_count.py).

``STRATUS_PROFILE_CPU=0`` leaves yappi out (counts only: the services
run at their own speed).

bench/boot_bench.py --profile DIR --yappi does this around the burst.
"""
import json
import logging
import os
import signal
import threading

from stratus.db import statement_count
from stratus import rpc_count

LOG = logging.getLogger(__name__)
ENV = "STRATUS_PROFILE_DIR"
CPU_ENV = "STRATUS_PROFILE_CPU"
MESSAGES = "rabbit "


def install():
    """Wire SIGUSR2 to the profiler when STRATUS_PROFILE_DIR is set; the
    toggle (None when it is not set)."""
    directory = os.environ.get(ENV)
    if not directory:
        return None
    yappi = None
    if os.environ.get(CPU_ENV, "1") != "0":
        try:
            import yappi
        except ImportError:
            LOG.warning("%s is set but yappi is not installed: statements "
                        "are counted, no profile is taken", ENV)
    counter = statement_count.StatementCounter()
    messages = rpc_count.MessageCounter()
    lock = threading.Lock()

    def toggle():
        with lock:
            if not counter.running:
                counter.counts.clear()
                messages.counts.clear()
                counter.running = messages.running = True
                if yappi is not None:
                    yappi.clear_stats()
                    yappi.set_clock_type("cpu")
                    yappi.start()
                return
            counter.running = messages.running = False
            os.makedirs(directory, exist_ok=True)
            base = os.path.join(directory, "%d" % os.getpid())
            counts = dict(counter.counts)
            counts.update((MESSAGES + label, number)
                          for label, number in messages.counts.items())
            with open(base + ".statements.json.tmp", "w") as handle:
                json.dump(counts, handle, indent=1, sort_keys=True)
            if yappi is not None:
                yappi.stop()
                yappi.get_func_stats().save(base + ".pstats.tmp",
                                            type="pstat")
                os.replace(base + ".pstats.tmp", base + ".pstats")
            os.replace(base + ".statements.json.tmp",
                       base + ".statements.json")
            LOG.info("Profile written to %s.*", base)

    def handle(signum, frame):
        # Out of the signal handler: saving takes a while.
        threading.Thread(target=toggle, daemon=True,
                         name="profile").start()

    signal.signal(signal.SIGUSR2, handle)
    toggle.counter = counter
    return toggle
