"""STRATUS_PROFILE_DIR (a developer's profile of a running service,
docs/benchmarks.md): two toggles write the SQL statements sent in
between, by database and verb, and yappi's profile when it is there."""
import json
import os
import signal

import pytest
import sqlalchemy as sa

from stratus.cmd import profiling
from stratus.db import api as db_api


@pytest.fixture
def toggle(tmp_path, monkeypatch):
    monkeypatch.setenv(profiling.ENV, str(tmp_path))
    previous = signal.getsignal(signal.SIGUSR2)
    toggle = profiling.install()
    yield toggle
    signal.signal(signal.SIGUSR2, previous)
    toggle.counter.remove()


def test_not_set_installs_nothing(monkeypatch):
    monkeypatch.delenv(profiling.ENV, raising=False)
    assert profiling.install() is None


def test_statements_between_two_toggles_are_counted(toggle, tmp_path):
    database = db_api.Database("sqlite:///%s" % (tmp_path / "x.db"))
    with database.reader() as session:  # before: not counted
        session.execute(sa.text("SELECT 1"))
    toggle()
    with database.writer() as session:
        session.execute(sa.text("CREATE TABLE t (a INTEGER)"))
        session.execute(sa.text("INSERT INTO t VALUES (1)"))
    with database.reader() as session:
        session.execute(sa.text("SELECT a FROM t"))
    toggle()
    database.dispose()
    written = tmp_path / ("%d.statements.json" % os.getpid())
    counts = json.loads(written.read_text())
    name = str(tmp_path / "x.db")
    assert counts["%s SELECT" % name] == 1
    assert counts["%s INSERT" % name] == 1
    assert counts["pool checkouts"] == 2
