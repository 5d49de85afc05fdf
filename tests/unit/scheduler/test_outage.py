"""When every compute looking down means a broker outage (the computes
went quiet together, recently) and when it means computes that are down."""
import datetime

import pytest

from stratus.objects import service as service_obj
from stratus.scheduler import outage

NOW = datetime.datetime(2026, 12, 6, 12, 0, 0, tzinfo=datetime.timezone.utc)
DOWN_TIME, WAIT, WINDOW = 60, 30, 20


def _computes(*seconds_ago, forced_down=False):
    return [service_obj.Service(
        host="c%d" % index, binary="nova-compute", forced_down=forced_down,
        last_seen_up=NOW - datetime.timedelta(seconds=ago))
        for index, ago in enumerate(seconds_ago)]


@pytest.mark.parametrize("seconds_ago, outage_seen", [
    # A 70 s outage: all of them stopped within a few seconds.
    ((70, 72, 78), True),
    # The only compute there is.
    ((75,), True),
    # One of them beats: the others are down.
    ((5, 70, 72), False),
    # Silent for longer than service_down_time + outage_wait: gone.
    ((95, 96), False),
    # They died one by one, the last alone: it is down.
    ((70, 130), False),
    # Two went quiet together, one died long before: an outage.
    ((70, 75, 88, 300), True),
])
def test_quiet_together(seconds_ago, outage_seen):
    assert outage.computes_quiet_together(
        _computes(*seconds_ago), DOWN_TIME, WAIT, WINDOW, now=NOW) \
        is outage_seen


def test_forced_down_computes_are_not_an_outage():
    assert not outage.computes_quiet_together(
        _computes(70, 72, forced_down=True), DOWN_TIME, WAIT, WINDOW,
        now=NOW)


def test_a_heartbeat_after_the_hosts_were_read():
    # The first compute back from an outage beat 1 s ago; the failed
    # decision read the hosts 2 s ago: that view missed it.
    computes = _computes(1, 70)
    assert outage.beat_since(computes, NOW - datetime.timedelta(seconds=2))
    assert not outage.beat_since(computes, NOW)


def test_the_hold_schedules_again_when_a_compute_came_up_since_the_view(
        conf, monkeypatch):
    monkeypatch.setattr(outage, "_enabled_computes",
                        lambda ctx: _computes(1, 70))
    hold = outage.OutageHold(conf, sleep=pytest.fail)
    assert hold.wait_for_heartbeats(None, NOW - datetime.timedelta(
        seconds=2))
    # Up before the view was read: the NoValidHost stands, at once.
    assert not hold.wait_for_heartbeats(None, NOW)
