"""JsonFilter: the ``query`` hint, a JSON expression over host state
attributes, holds on the host.

An expression is a list ``[operator, argument, ...]``. Comparisons ``=``,
``<``, ``>``, ``<=``, ``>=`` hold when the first argument compares so with
every other; ``in`` when the first is among the others; ``not`` negates
each argument, ``or`` and ``and`` combine. Arguments are lists (nested
expressions), numbers, or strings; a string ``$name`` is the host state
attribute of that name (``$free_ram_mb``, ``$free_disk_mb``,
``$vcpus_total``, ``$vcpus_used``, ``$num_instances``, ``$hypervisor_type``,
``$host``, ...), ``$name.key`` keys into a dict attribute (``$stats.x``,
``$metrics.cpu.percent`` is looked up as the key ``cpu.percent`` of
``metrics`` when there is no nested dict). Arguments that resolve to
nothing are dropped, as in Nova. A query that is not valid JSON, uses an
unknown operator or compares values that do not compare lets no host
pass.
"""
import json
import logging
import operator

from stratus.scheduler.filters import utils

LOG = logging.getLogger(__name__)
HINT = "query"


class BadQuery(ValueError):
    pass


def _compare(check):
    def command(args):
        if len(args) < 2:
            return False
        try:
            return all(check(args[0], other) for other in args[1:])
        except TypeError:
            raise BadQuery("values that do not compare: %r" % (args,))
    return command


COMMANDS = {
    "=": _compare(operator.eq),
    "<": _compare(operator.lt),
    ">": _compare(operator.gt),
    "<=": _compare(operator.le),
    ">=": _compare(operator.ge),
    "in": lambda args: len(args) >= 2 and args[0] in args[1:],
    "not": lambda args: [not arg for arg in args],
    "or": any,
    "and": all,
}


class JsonFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        text = utils.hint(spec, HINT)
        if not text:
            return None
        try:
            query = json.loads(text) if isinstance(text, str) else text
            if not isinstance(query, list):
                raise BadQuery("a query is a list")
        except ValueError as exc:
            LOG.info("Scheduler hint 'query' %r: %s", text, exc)
            return NoHost()
        return Query(query)

    def host_passes(self, host_state, spec, resources):
        """Unprepared use (each call reads the hint again)."""
        prepared = self.for_request(None, spec)
        return prepared is None or prepared.host_passes(host_state, spec,
                                                        resources)


class NoHost:
    def host_passes(self, host_state, spec, resources):
        return False


class Query:

    def __init__(self, query):
        self.query = query

    def host_passes(self, host_state, spec, resources):
        try:
            result = evaluate(self.query, host_state)
        except BadQuery as exc:
            LOG.info("Scheduler hint 'query' on %s: %s", host_state, exc)
            return False
        if isinstance(result, list):
            result = any(result)
        return bool(result)


def evaluate(query, host_state):
    if not query:
        return True
    command = COMMANDS.get(query[0]) if isinstance(query[0], str) else None
    if command is None:
        raise BadQuery("unknown operator %r" % (query[0],))
    args = []
    for arg in query[1:]:
        if isinstance(arg, list):
            arg = evaluate(arg, host_state)
        elif isinstance(arg, str):
            arg = variable(arg, host_state)
        if arg is not None:
            args.append(arg)
    return command(args)


def variable(text, host_state):
    """A string argument: itself, or the host state value it names."""
    if not text:
        return None
    if not text.startswith("$"):
        return text
    path = text[1:].split(".")
    value = getattr(host_state, path[0], None)
    rest = path[1:]
    while rest and value is not None:
        if not isinstance(value, dict):
            return None
        # Metric names contain dots: try the longest key first.
        for length in range(len(rest), 0, -1):
            key = ".".join(rest[:length])
            if key in value:
                value, rest = value[key], rest[length:]
                break
        else:
            return None
    return value
