"""Counting the SQL statements a process sends (a developer's profile,
stratus/cmd/profiling.py): by database and first word, and the pool
checkouts, while ``running``."""
import collections

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool


class StatementCounter:
    def __init__(self):
        self.running = False
        self.counts = collections.Counter()
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Pool, "checkout", self._checkout)

    def _statement(self, conn, _cursor, statement, *_args):
        if self.running:
            verb = statement.lstrip().split(None, 1)[0].upper()
            self.counts["%s %s" % (conn.engine.url.database, verb)] += 1

    def _checkout(self, *_args):
        if self.running:
            self.counts["pool checkouts"] += 1

    def remove(self):
        """Stop listening (for good)."""
        event.remove(Engine, "before_cursor_execute", self._statement)
        event.remove(Pool, "checkout", self._checkout)
