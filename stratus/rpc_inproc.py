"""The all-in-one's message transport: ``inproc://``.

oslo.messaging's ``fake://`` driver passes messages in memory but its
listeners poll every 50 ms, which would add that much to every RPC hop of a
boot. This driver keeps fake's queues and its JSON-serializability check
(so messages are still fully serialized by our object serializer) and
wakes a listener the moment a message is delivered.

Each virtual host (``inproc:///cell2``) is a broker of its own, as a
RabbitMQ vhost is: the all-in-one's cells have one each, and a message
sent on one never reaches a listener of another.
"""
import threading
import time

import oslo_messaging
from oslo_messaging._drivers import base
from oslo_messaging._drivers import impl_fake


class _Exchange(impl_fake.FakeExchange):
    def __init__(self, name):
        super().__init__(name)
        self.arrived = threading.Condition(self._queues_lock)

    def deliver_message(self, topic, ctxt, message, server=None,
                        fanout=False, reply_q=None):
        with self.arrived:
            super().deliver_message(topic, ctxt, message, server=server,
                                    fanout=fanout, reply_q=reply_q)
            self.arrived.notify_all()


class _ExchangeManager(impl_fake.FakeExchangeManager):
    # (virtual host, exchange name) -> the exchange, for every transport
    # of the process: transports on one virtual host share its exchanges.
    _exchanges_lock = threading.Lock()
    _exchanges = {}

    def __init__(self, default_exchange, virtual_host=None):
        super().__init__(default_exchange)
        self._virtual_host = virtual_host or ""

    def get_exchange(self, name):
        if name is None:
            name = self._default_exchange
        with self._exchanges_lock:
            return self._exchanges.setdefault((self._virtual_host, name),
                                              _Exchange(name))


class _Listener(impl_fake.FakeListener):

    @base.batch_poll_helper
    def poll(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        exchanges = [(self._exchange_manager.get_exchange(t.exchange), t)
                     for t in self._targets]
        arrived = exchanges[0][0].arrived
        with arrived:
            while not self._stopped.is_set():
                for exchange, target in exchanges:
                    ctxt, message, reply_q, requeue = exchange.poll(
                        target, self._pool)
                    if message is not None:
                        return impl_fake.FakeIncomingMessage(
                            ctxt, message, reply_q, requeue)
                wait = 1.0
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        return None
                arrived.wait(wait)
        return None

    def stop(self):
        super().stop()
        for target in self._targets:
            exchange = self._exchange_manager.get_exchange(target.exchange)
            with exchange.arrived:
                exchange.arrived.notify_all()


# (virtual host, notification topic '<topic>.<priority>') -> listeners
# subscribed.
_LISTENED = {}
_LISTENED_LOCK = threading.Lock()


class _NotificationListener(_Listener):

    def __init__(self, exchange_manager, targets, pool=None):
        super().__init__(exchange_manager, targets, pool)
        self._topics = [(exchange_manager._virtual_host, target.topic)
                        for target in targets]
        with _LISTENED_LOCK:
            for topic in self._topics:
                _LISTENED[topic] = _LISTENED.get(topic, 0) + 1

    def cleanup(self):
        super().cleanup()
        with _LISTENED_LOCK:
            for topic in self._topics:
                _LISTENED[topic] -= 1
        self._topics = []


class InProcessDriver(impl_fake.FakeDriver):
    def __init__(self, conf, url, default_exchange=None,
                 allowed_remote_exmods=None):
        super().__init__(conf, url, default_exchange, allowed_remote_exmods)
        self._exchange_manager = _ExchangeManager(
            default_exchange, getattr(url, "virtual_host", None))

    def listen(self, target, batch_size, batch_timeout):
        exchange = target.exchange or self._default_exchange
        listener = _Listener(self._exchange_manager, [
            oslo_messaging.Target(topic=target.topic, server=target.server,
                                  exchange=exchange),
            oslo_messaging.Target(topic=target.topic, exchange=exchange)])
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)

    def listens(self, topic):
        """Whether a notification listener is subscribed to topic
        ('<topic>.<priority>'); a notification nobody listens to is not
        kept (there is no broker to keep it)."""
        key = (self._exchange_manager._virtual_host, topic)
        with _LISTENED_LOCK:
            return _LISTENED.get(key, 0) > 0

    def send_notification(self, target, ctxt, message, version, retry=None):
        # The notifier's target names '<topic>.<priority>'.
        if not self.listens(target.topic):
            return
        super().send_notification(target, ctxt, message, version, retry)

    def listen_for_notifications(self, targets_and_priorities, pool,
                                 batch_size, batch_timeout):
        targets = [oslo_messaging.Target(
            topic="%s.%s" % (target.topic, priority),
            exchange=target.exchange)
            for target, priority in targets_and_priorities]
        listener = _NotificationListener(self._exchange_manager, targets,
                                         pool)
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)
