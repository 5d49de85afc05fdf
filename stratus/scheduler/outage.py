"""Broker outages seen from the scheduler: every compute went quiet at once.

A compute's heartbeat reaches its cell's database through the conductor,
over the message broker. When the broker is away for longer than
``[DEFAULT] service_down_time`` (or its connections take that long to come
back), every compute looks down although none of them is: a request
scheduled then would fail with NoValidHost. One compute that stops
beating while others beat is down; all of them stopping together is the
broker's doing.

So a request that finds no host while

- no enabled compute service is up,
- the latest heartbeats came at most ``service_down_time +
  [scheduler] outage_wait`` seconds ago (computes gone for longer are
  gone), and
- at least two computes (or the only one there is) fell silent within
  ``[scheduler] outage_window`` seconds of the latest heartbeat

waits for the heartbeats to come back instead: it is scheduled again as
soon as one compute is up, and fails with NoValidHost as before when none
is within ``outage_wait`` seconds of the first failure. The wait is spent
outside the scheduler's decision lock, and is at most half of ``[conductor]
task_lease``: a build whose lease ran out while it waited would be resumed
by a second conductor.

The compute API asks the same question (``computes_went_quiet``) before it
does without a compute that looks down: a delete is then sent to the
compute (and recorded for the conductor) rather than done in the database
alone while the guest still runs, and an evacuation is refused.
"""
import datetime
import logging
import time

from stratus.db.types import utcnow
from stratus.objects import service as service_obj
from stratus import constants
from stratus.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

# Seconds between looks at the heartbeats while a request waits.
POLL_INTERVAL = 1.0


def last_heartbeat(service):
    return service.get("last_seen_up") or service.get("created_at")


def computes_quiet_together(services, service_down_time, outage_wait,
                            outage_window, now=None):
    """Whether these compute services (enabled ones) look down because
    all of them went quiet at once (see the module's docstring)."""
    now = now or utcnow()
    watched = [service for service in services
               if not service.get("forced_down")
               and last_heartbeat(service) is not None]
    if not watched or any(service.is_up(service_down_time, now)
                          for service in watched):
        return False
    latest = max(last_heartbeat(service) for service in watched)
    if now - latest > datetime.timedelta(
            seconds=service_down_time + outage_wait):
        return False
    window = datetime.timedelta(seconds=outage_window)
    together = [service for service in watched
                if latest - last_heartbeat(service) <= window]
    return len(together) >= min(2, len(watched))


def _enabled_computes(ctx):
    return service_obj.ServiceList.get_all(
        ctx, binary=constants.COMPUTE_BINARY, disabled=False)


def _quiet_together(services, conf):
    return computes_quiet_together(
        services, conf.service_down_time, scheduler_rpcapi.outage_wait(conf),
        conf.scheduler.outage_window)


def computes_went_quiet(ctx, conf):
    """Whether every enabled compute service looks down because all of
    them went quiet at once (ctx: one that reads every cell)."""
    return _quiet_together(_enabled_computes(ctx), conf)


def beat_since(services, since):
    """Whether one of these compute services sent a heartbeat after
    since (a datetime as the database keeps them)."""
    return any(service.get("last_seen_up") is not None
               and service.get("last_seen_up") > since
               for service in services)


class OutageHold:
    """One scheduling request's wait for computes that went quiet
    together; made per request, its deadline counts from its first
    wait."""

    def __init__(self, conf, clock=time.monotonic, sleep=time.sleep):
        self.conf = conf
        self._clock = clock
        self._sleep = sleep
        self._deadline = None

    def quiet_together(self, ctx):
        return computes_went_quiet(ctx, self.conf)

    def wait_for_heartbeats(self, ctx, since=None):
        """After a NoValidHost: True once a compute that went quiet with
        the others is up again (schedule again); False at once when the
        computes did not go quiet together, or when outage_wait has run
        out (the NoValidHost stands). True at once, too, when a compute
        beat after since, the time the failed decision's view of the
        hosts was read: the first compute back from an outage may come
        up between that read and this look."""
        services = _enabled_computes(ctx)
        if since is not None and beat_since(services, since):
            LOG.info("A compute came up after the hosts were read: "
                     "scheduling again")
            return True
        wait = scheduler_rpcapi.outage_wait(self.conf)
        if wait <= 0 or not _quiet_together(services, self.conf):
            return False
        if self._deadline is None:
            self._deadline = self._clock() + wait
            LOG.warning("Every compute went quiet at once (a message broker "
                        "outage?): the request waits up to %s s for their "
                        "heartbeats", wait)
        while self._clock() < self._deadline:
            self._sleep(min(POLL_INTERVAL,
                            max(0.0, self._deadline - self._clock())))
            if not self.quiet_together(ctx):
                LOG.info("Compute heartbeats are back: scheduling again")
                return True
        LOG.warning("No compute heartbeat came back in %s s", wait)
        return False
