"""A developer's CPU profile of a running service (not for production).

With ``STRATUS_PROFILE_DIR`` set in its environment, a service started by
``stratus <service>`` toggles a profiler on each SIGUSR2: the first starts
it (yappi, CPU clock, every thread), the next stops it and writes
``<dir>/<pid>.pstats`` (read with ``python -m pstats``, or
snakeviz). bench/boot_bench.py --yappi DIR does this around the burst.
yappi is a dev tool (`pip install yappi`), not a dependency.
"""
import logging
import os
import signal
import threading

LOG = logging.getLogger(__name__)
ENV = "STRATUS_PROFILE_DIR"


def install():
    """Wire SIGUSR2 to the profiler when STRATUS_PROFILE_DIR is set."""
    directory = os.environ.get(ENV)
    if not directory:
        return
    try:
        import yappi
    except ImportError:
        LOG.warning("%s is set but yappi is not installed: no profile",
                    ENV)
        return
    lock = threading.Lock()

    def toggle():
        with lock:
            if not yappi.is_running():
                yappi.clear_stats()
                yappi.set_clock_type("cpu")
                yappi.start()
                return
            yappi.stop()
            os.makedirs(directory, exist_ok=True)
            path = os.path.join(directory, "%d.pstats" % os.getpid())
            yappi.get_func_stats().save(path, type="pstat")
            LOG.info("Profile written to %s", path)

    def handle(signum, frame):
        # Out of the signal handler: saving takes a while.
        threading.Thread(target=toggle, daemon=True,
                         name="profile").start()

    signal.signal(signal.SIGUSR2, handle)
