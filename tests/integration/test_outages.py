"""Outages of the broker and of the database under load (issue 17): the
distributed services over a RabbitMQ node and a PostgreSQL server that
the test starts for itself (bench/chaos.py; never the machine's shared
ones). In each scenario a burst of 60 boots and a burst of 30 deletes
from ten client threads runs through the Compute API while the broker
is down 10 s or as long as service_down_time, or the database 10 s; the
services use the [oslo_messaging_rabbit] settings docs/operations.md
recommends (bench/chaos.py --settings default measures oslo.messaging's
defaults) and chaos.QUICK_TIMING: report_interval 5 s and
service_down_time 30 s, Nova's ratio at half its figures (10 s and
60 s, what bench/chaos.py runs), so that each scenario takes about a
minute less.
Asserted, as a user sees it: every server the API accepted (202) exists
once and ends ACTIVE, or ERROR with a fault (never NoValidHost: capacity
is ample), within 60 s of the recovery; none is lost, duplicated, or
created by a request that was not accepted; every accepted delete
completes; no request gives a 500; after a 10 s outage (shorter than
service_down_time) no compute is shown down once two report intervals
have passed; placement holds
exactly the servers' allocations. Requests the API refuses with 503
during the outage are fine: the clients send them again.

One scenario alone: -k broker-10s (or broker-60s, the long one,
database-10s).
bench/chaos.py prints the same figures and writes them to
bench/results/outages-<settings>.json.
"""
import pytest

from bench import chaos

# One worker runs the scenarios, one after another: side by side on two
# cores they would measure each other.
pytestmark = [pytest.mark.slow, pytest.mark.integration,
              pytest.mark.xdist_group("outages")]


@pytest.fixture(scope="module")
def infra():
    reason = chaos.missing()
    if reason:
        pytest.skip(reason)
    with chaos.infrastructure() as infra:
        yield infra


@pytest.mark.parametrize("scenario", list(chaos.SCENARIOS))
def test_nothing_lost_or_stuck_after_an_outage(infra, scenario):
    figures = chaos.run_scenario(infra, scenario, settings="recommended",
                                 timing=chaos.QUICK_TIMING)
    print(chaos.summary(figures))
    # The outage met the bursts under way.
    before = figures["accepted_before_outage"]
    assert chaos.BOOTS_BEFORE <= before["boots"] < chaos.BOOTS, figures
    assert chaos.DELETES_BEFORE <= before["deletes"] < chaos.BASE, figures

    assert figures["never_accepted"] == 0, figures
    assert figures["unsettled"] == {}, figures
    assert figures["lost"] == [], figures
    assert figures["duplicated"] == {}, figures
    assert figures["created_unaccepted"] == [], figures
    assert figures["deletes_left"] == [], figures
    assert figures["deletes_accepted"] == chaos.BASE, figures
    assert figures["errors_without_fault"] == [], figures
    assert figures["no_valid_host"] == 0, figures
    assert figures["placement_problems"] == {}, figures
    if figures["planned_outage_s"] < figures["service_down_time"]:
        assert figures["computes_down_after_recovery"] == 0, figures
    errors_500 = {code: count for code, count in
                  figures["refused_other"].items() if code.endswith(" 500")}
    assert errors_500 == {}, figures
