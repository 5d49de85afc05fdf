"""Counting the messages a process publishes to RabbitMQ (a developer's
profile, stratus/cmd/profiling.py, beside the SQL statements of
stratus/db/statement_count.py), while ``running``:

- ``call <topic>.<method>`` and ``cast <topic>.<method>`` (the topic
  without its server: ``compute``, not ``compute.compute3``);
- ``reply``: an RPC server's answer to a call (one per call answered);
- ``fanout <topic>`` and ``notify <topic>``.

Counted where oslo.messaging's rabbit driver publishes
(``impl_rabbit.Connection``), so every message the broker receives from
this process is counted once, whichever client sent it; the broker's
own heartbeats are frames, not messages, and are not counted.
"""
import collections
import json

from oslo_messaging._drivers import impl_rabbit

_WRAPPED = ("topic_send", "direct_send", "fanout_send", "notify_send")


def _rpc_label(topic, msg):
    """call|cast <topic without server>.<method> of an enveloped message."""
    try:
        body = json.loads(msg["oslo.message"]) if "oslo.message" in msg \
            else msg
        method = body.get("method", "?")
        kind = "call" if body.get("_reply_q") else "cast"
    except (TypeError, ValueError, AttributeError):
        method, kind = "?", "cast"
    return "%s %s.%s" % (kind, str(topic).split(".", 1)[0], method)


class MessageCounter:
    """Installed once per process: counts while running."""

    def __init__(self):
        self.running = False
        self.counts = collections.Counter()
        self._originals = {}
        for name in _WRAPPED:
            original = getattr(impl_rabbit.Connection, name)
            self._originals[name] = original
            setattr(impl_rabbit.Connection, name, self._wrap(name, original))

    def _wrap(self, name, original):
        counter = self

        def counted(connection, *args, **kwargs):
            if counter.running:
                counter.counts[counter._label(name, args, kwargs)] += 1
            return original(connection, *args, **kwargs)
        counted.__name__ = original.__name__
        return counted

    @staticmethod
    def _label(name, args, kwargs):
        if name == "direct_send":
            return "reply"
        if name == "topic_send":
            topic = kwargs.get("topic", args[1] if len(args) > 1 else "?")
            msg = kwargs.get("msg", args[2] if len(args) > 2 else {})
            return _rpc_label(topic, msg)
        topic = kwargs.get("topic", args[1] if name == "notify_send"
                           and len(args) > 1 else args[0] if args else "?")
        return "%s %s" % ("fanout" if name == "fanout_send" else "notify",
                          topic)

    def remove(self):
        """Stop counting (for good): the driver's methods restored."""
        for name, original in self._originals.items():
            setattr(impl_rabbit.Connection, name, original)
        self._originals = {}
