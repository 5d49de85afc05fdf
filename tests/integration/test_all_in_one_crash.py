"""Crash recovery of the all-in-one: `stratus all-in-one` as a real
process is SIGKILLed during a burst of 100 boots from four client threads
— early, mid-burst and near its end — while one more thread deletes,
stops and reboots the servers of earlier rounds, and started again on
the same data directory. Within 60 s of each restart (the bound
docs/architecture.md promises) every server is settled: ACTIVE or
SHUTOFF, none in ERROR as capacity is ample (a build cut short is not a
failure); none that was accepted is lost; every accepted delete is
done; placement holds exactly one allocation per server and none for a
server that does not exist. The figures are printed
(bench/crash_recovery.py records them)."""
import pytest

from bench import crash_recovery

pytestmark = [pytest.mark.slow, pytest.mark.integration]

BOOTS = 100
KILL_AT = (10, 50, 90)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_killed_all_in_one_settles_every_server_after_its_restart(
        backend):
    rounds = crash_recovery.run(backend, BOOTS, KILL_AT)
    print(crash_recovery.summary(backend, rounds))
    for r, kill_at in zip(rounds, KILL_AT):
        assert r["accepted_at_kill"] >= kill_at
    for r in rounds:
        assert r["unsettled"] == {}, r
        assert r["lost"] == [], r
        assert r["deleted_left"] == [], r
        assert r["errors"] == {}, r
        assert r["placement_problems"] == {}, r
    # The churn reached the servers of the earlier rounds.
    assert sum(r["deletes"] for r in rounds) > 0
    assert sum(r["actions"] for r in rounds) > 0
