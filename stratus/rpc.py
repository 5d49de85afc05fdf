"""RPC and notifications over oslo.messaging.

One ``Messaging`` per process holds the transport. The all-in-one uses the
in-process ``inproc://`` transport (stratus/rpc_inproc.py), which still
serializes every message, so single-process and distributed deployments run
the same code path.
"""
import logging
import time

import kombu.exceptions
import oslo_messaging as messaging

from stratus import exception

from stratus import context as stratus_context
from stratus.objects import base as objects_base
from stratus.observability import metrics as stratus_metrics

LOG = logging.getLogger(__name__)

IN_PROCESS_URL = "inproc://"
# What a send raises when the broker cannot be reached (kombu's own when
# a connection cannot even be made, with retry=0).
TRANSPORT_ERRORS = (messaging.MessageDeliveryFailure,
                    kombu.exceptions.KombuError, OSError)
# Seconds between the attempts of a bounded send.
SEND_RETRY_PAUSE = 0.5
# Exceptions raised by a remote endpoint are re-raised as themselves on
# the caller's side only from these modules (else as RemoteError).
ALLOWED_EXMODS = ["stratus.exception"]


class RequestContextSerializer(messaging.Serializer):
    """Serializes objects, and rebuilds contexts with this side's DB handles."""

    def __init__(self, databases=None):
        self._base = objects_base.StratusObjectSerializer()
        self._databases = databases

    def serialize_entity(self, context, entity):
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return stratus_context.RequestContext.from_dict(
            context, databases=self._databases)


class Messaging:
    """A process's messaging transport plus factories for clients/servers."""

    def __init__(self, conf, url=None):
        self.conf = conf
        self.url = url or conf.transport_url or IN_PROCESS_URL
        self.transport = messaging.get_rpc_transport(
            conf, url=self.url, allowed_remote_exmods=ALLOWED_EXMODS)
        self._notification_transport = None

    def bounded(self, send_timeout):
        """This Messaging, with clients that give up sending after
        send_timeout seconds without a broker (BrokerUnavailable, a 503)
        instead of waiting for it: what the API sends with."""
        return BoundedMessaging(self, send_timeout)

    @property
    def notification_transport(self):
        """The transport of notifications: [oslo_messaging_notifications]
        transport_url, else the RPC transport's URL (made on first use)."""
        if self._notification_transport is None:
            url = (self.conf.oslo_messaging_notifications.transport_url
                   or self.url)
            self._notification_transport = \
                messaging.get_notification_transport(self.conf, url=url)
        return self._notification_transport

    def client(self, topic, version, version_cap=None, server=None,
               timeout=None, send_timeout=None):
        """send_timeout: see bounded."""
        target = messaging.Target(topic=topic, version=version, server=server)
        return MeteredClient(messaging.get_rpc_client(
            self.transport, target, version_cap=version_cap,
            serializer=RequestContextSerializer(), timeout=timeout,
            retry=None if send_timeout is None else 0),
            stratus_metrics.for_conf(self.conf), topic,
            send_timeout=send_timeout)

    def server(self, topic, server, endpoints, databases=None):
        target = messaging.Target(topic=topic, server=server)
        return messaging.get_rpc_server(
            self.transport, target, endpoints, executor="threading",
            serializer=RequestContextSerializer(databases),
            access_policy=messaging.DefaultRPCAccessPolicy)

    def notification_listener(self, topics, endpoints, pool=None):
        """A listener of the notifications on topics (all priorities)."""
        targets = [messaging.Target(topic=topic) for topic in topics]
        return messaging.get_notification_listener(
            self.notification_transport, targets, endpoints,
            executor="threading", pool=pool)

    def cleanup(self):
        self.transport.cleanup()
        if self._notification_transport is not None:
            self._notification_transport.cleanup()


class BoundedMessaging:
    """A Messaging whose clients send within send_timeout (the rest is
    the Messaging's own: one transport, cleaned up by its owner)."""

    def __init__(self, messaging, send_timeout):
        self._messaging = messaging
        self._send_timeout = send_timeout

    def client(self, *args, **kwargs):
        kwargs.setdefault("send_timeout", self._send_timeout)
        return self._messaging.client(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._messaging, name)


class MeteredClient:
    """An RPC client that counts its messages and times its calls
    (stratus_rpc_messages_total, stratus_rpc_call_duration_seconds).

    With send_timeout (Messaging.bounded) each send is tried without
    oslo.messaging's own reconnect loop (retry=0), again every
    SEND_RETRY_PAUSE seconds while the broker cannot be reached, and
    given up after send_timeout seconds with BrokerUnavailable: a message
    that was not sent then never is."""

    def __init__(self, client, metrics, topic, send_timeout=None):
        self._client = client
        self._metrics = metrics
        self._topic = topic
        self._send_timeout = send_timeout

    def prepare(self, **kwargs):
        return MeteredClient(self._client.prepare(**kwargs), self._metrics,
                             kwargs.get("topic") or self._topic,
                             send_timeout=self._send_timeout)

    def call(self, ctxt, method, **kwargs):
        with self._metrics.rpc_call(self._topic, method):
            return self._bounded(self._client.call, ctxt, method, **kwargs)

    def cast(self, ctxt, method, **kwargs):
        try:
            self._bounded(self._client.cast, ctxt, method, **kwargs)
        except Exception:
            self._metrics.rpc_cast(self._topic, method, "error")
            raise
        self._metrics.rpc_cast(self._topic, method, "ok")

    def _bounded(self, send, ctxt, method, **kwargs):
        if self._send_timeout is None:
            return send(ctxt, method, **kwargs)
        deadline = time.monotonic() + self._send_timeout
        while True:
            try:
                return send(ctxt, method, **kwargs)
            except TRANSPORT_ERRORS as exc:
                if time.monotonic() + SEND_RETRY_PAUSE >= deadline:
                    LOG.warning("%s to %s not sent within %s s: %s", method,
                                self._topic, self._send_timeout, exc)
                    raise exception.BrokerUnavailable() from exc
            time.sleep(SEND_RETRY_PAUSE)

    def __getattr__(self, name):
        return getattr(self._client, name)
