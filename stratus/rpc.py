"""RPC and notifications over oslo.messaging.

One ``Messaging`` per process holds the transport. The all-in-one uses the
in-process ``inproc://`` transport (stratus/rpc_inproc.py), which still
serializes every message, so single-process and distributed deployments run
the same code path.

Each cell has a message queue of its own (its cell mapping's
``transport_url``; the all-in-one's cells ``inproc:///cell<K>``): a
Messaging reaches another transport through ``for_url``, and once
``bind_cells`` has given it the databases, ``for_host`` is the transport
of a compute host's cell (``CellTransports``).

While releases are mixed, ``Messaging.pins`` (stratus/upgrade_pins.py)
says what each service is sent: a client made with ``pin=<service>``
caps its version and back-levels its objects to that service's Pin, a
server made with ``reply_pin`` back-levels its replies.
"""
import logging
import threading
import time

import kombu.exceptions
import oslo_messaging as messaging
from oslo_messaging._drivers import amqpdriver

from stratus import exception

from stratus import context as stratus_context
from stratus.objects import base as objects_base
from stratus.observability import metrics as stratus_metrics
from stratus import upgrade_pins

LOG = logging.getLogger(__name__)

IN_PROCESS_URL = "inproc://"
# What a send raises when the broker cannot be reached (kombu's own when
# a connection cannot even be made, with retry=0).
TRANSPORT_ERRORS = (messaging.MessageDeliveryFailure,
                    kombu.exceptions.KombuError, OSError)
# Seconds between the attempts of a bounded send.
SEND_RETRY_PAUSE = 0.5
# A cell mapping's transport_url that names no transport of its own
# (cell0's, and cells that share the API level's).
NO_TRANSPORT_URLS = (None, "", "none:///")
# Seconds a compute host's cell (its transport) is remembered.
HOST_CELL_TTL = 60.0
# Exceptions raised by a remote endpoint are re-raised as themselves on
# the caller's side only from these modules (else as RemoteError).
ALLOWED_EXMODS = ["stratus.exception"]
# Seconds a RabbitMQ listener of oslo.messaging (an RPC server's, a
# caller's reply queue, a notification listener's) first waits for the
# next message after one arrived, doubling up to 5 s. oslo.messaging
# starts at 1 ms, so that a notification listener's acknowledgements
# (queued by its dispatch threads) go out at once: every message woke
# its listener about a dozen times more (1, 2, 4, ... 4096 ms), each a
# socket timeout, a heartbeat check and kombu's retry wrapper, which
# cost the services more CPU per boot than several of its SQL
# statements. RPC requests are acknowledged on arrival and replies in
# the thread that reads them: only a notification's acknowledgement
# waits for the listener, by at most this long (its dispatch already
# runs after the message is read, unacknowledged). A message arriving
# wakes the listener at once, whatever the wait.
LISTENER_FIRST_WAIT = 0.5
amqpdriver.ACK_REQUEUE_EVERY_SECONDS_MIN = LISTENER_FIRST_WAIT


class RequestContextSerializer(messaging.Serializer):
    """Serializes objects, and rebuilds contexts with this side's DB handles."""

    def __init__(self, databases=None, compact=False, pin=None):
        """compact: contexts go as RequestContext.to_rpc_dict (RPC;
        notifications carry the whole to_dict); pin: the Pin whose
        object versions the objects sent are back-levelled to."""
        self._base = objects_base.StratusObjectSerializer(pin)
        self._databases = databases
        self._compact = compact

    def serialize_entity(self, context, entity):
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        if self._compact:
            return context.to_rpc_dict()
        return context.to_dict()

    def deserialize_context(self, context):
        return stratus_context.RequestContext.from_dict(
            context, databases=self._databases)


class Messaging:
    """A process's messaging transport plus factories for clients/servers."""

    def __init__(self, conf, url=None, parent=None):
        self.conf = conf
        self.url = url or conf.transport_url or IN_PROCESS_URL
        self.transport = messaging.get_rpc_transport(
            conf, url=self.url, allowed_remote_exmods=ALLOWED_EXMODS)
        self._notification_transport = None
        self._parent = parent
        self._children = {}
        self._children_lock = threading.Lock()
        self._cells = None
        self.pins = (parent.pins if parent is not None
                     else upgrade_pins.UpgradePins(conf))

    def for_url(self, url):
        """The Messaging on transport url: this one for its own URL or a
        URL that names no transport (NO_TRANSPORT_URLS), else one made on
        first use, kept, and cleaned up with this one. It sends its
        notifications where this one does."""
        if url in NO_TRANSPORT_URLS or url == self.url:
            return self
        if self._parent is not None:
            return self._parent.for_url(url)
        with self._children_lock:
            child = self._children.get(url)
            if child is None:
                child = self._children[url] = Messaging(self.conf, url,
                                                        parent=self)
            return child

    def bind_cells(self, databases):
        """From now on for_host routes by the cell mappings of databases'
        API database; returns self."""
        self._cells = CellTransports(databases)
        self.pins.bind(upgrade_pins.database_versions(databases))
        return self

    def for_host(self, host):
        """The Messaging that reaches compute host: its cell's transport
        (bind_cells), else this one."""
        if self._cells is None or not host:
            return self
        return self.for_url(self._cells.transport_url(host))

    def bounded(self, send_timeout):
        """This Messaging, with clients that give up sending after
        send_timeout seconds without a broker (BrokerUnavailable, a 503)
        instead of waiting for it: what the API sends with."""
        return BoundedMessaging(self, send_timeout)

    @property
    def notification_transport(self):
        """The transport of notifications: [oslo_messaging_notifications]
        transport_url, else the RPC transport's URL (made on first use)."""
        if self._parent is not None:
            return self._parent.notification_transport
        if self._notification_transport is None:
            url = (self.conf.oslo_messaging_notifications.transport_url
                   or self.url)
            self._notification_transport = \
                messaging.get_notification_transport(self.conf, url=url)
        return self._notification_transport

    def client(self, topic, version, version_cap=None, server=None,
               timeout=None, send_timeout=None, pin=None):
        """send_timeout: see bounded; pin: the service (see
        upgrade_pins) whose Pin caps the version (instead of a fixed
        version_cap) and back-levels the objects sent."""
        pin = None if pin is None else self.pins.pin(pin)
        target = messaging.Target(topic=topic, version=version, server=server)
        return MeteredClient(messaging.get_rpc_client(
            self.transport, target,
            version_cap=version_cap if pin is None else pin.version_cap,
            serializer=RequestContextSerializer(compact=True, pin=pin),
            timeout=timeout,
            retry=None if send_timeout is None else 0),
            stratus_metrics.for_conf(self.conf), topic,
            send_timeout=send_timeout, pin=pin)

    def server(self, topic, server, endpoints, databases=None,
               reply_pin=None):
        """reply_pin: the service (see upgrade_pins) whose Pin the
        replies are back-levelled to: that of the callers."""
        target = messaging.Target(topic=topic, server=server)
        pin = None if reply_pin is None else self.pins.pin(reply_pin)
        return messaging.get_rpc_server(
            self.transport, target, endpoints, executor="threading",
            serializer=RequestContextSerializer(databases, pin=pin),
            access_policy=messaging.DefaultRPCAccessPolicy)

    def notification_listener(self, topics, endpoints, pool=None):
        """A listener of the notifications on topics (all priorities)."""
        targets = [messaging.Target(topic=topic) for topic in topics]
        return messaging.get_notification_listener(
            self.notification_transport, targets, endpoints,
            executor="threading", pool=pool)

    def cleanup(self):
        with self._children_lock:
            children, self._children = list(self._children.values()), {}
        for child in children:
            child.cleanup()
        self.transport.cleanup()
        if self._notification_transport is not None:
            self._notification_transport.cleanup()


class CellTransports:
    """Compute host -> the transport_url of its cell (host mapping, then
    cell mapping, in the API database), remembered HOST_CELL_TTL seconds.
    A host without a mapping (not discovered yet) has None: the caller's
    own transport."""

    def __init__(self, databases):
        self._databases = databases
        self._known = {}

    def transport_url(self, host):
        known = self._known.get(host)
        now = time.monotonic()
        if known is not None and known[1] > now:
            return known[0]
        from stratus.objects import host_mapping as host_mapping_obj
        ctx = stratus_context.get_admin_context(self._databases)
        try:
            url = host_mapping_obj.HostMapping.get_by_host(
                ctx, host).cell_mapping.transport_url
        except exception.HostMappingNotFound:
            return None
        self._known[host] = (url, now + HOST_CELL_TTL)
        return url


class BoundedMessaging:
    """A Messaging whose clients send within send_timeout (the rest is
    the Messaging's own: one transport, cleaned up by its owner)."""

    def __init__(self, messaging, send_timeout):
        self._messaging = messaging
        self._send_timeout = send_timeout

    def client(self, *args, **kwargs):
        kwargs.setdefault("send_timeout", self._send_timeout)
        return self._messaging.client(*args, **kwargs)

    def for_url(self, url):
        return BoundedMessaging(self._messaging.for_url(url),
                                self._send_timeout)

    def for_host(self, host):
        return BoundedMessaging(self._messaging.for_host(host),
                                self._send_timeout)

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

    def __init__(self, client, metrics, topic, send_timeout=None, pin=None):
        self._client = client
        self._metrics = metrics
        self._topic = topic
        self._send_timeout = send_timeout
        self._pin = pin

    def prepare(self, **kwargs):
        return MeteredClient(self._client.prepare(**kwargs), self._metrics,
                             kwargs.get("topic") or self._topic,
                             send_timeout=self._send_timeout, pin=self._pin)

    def _capped(self):
        """The client, capped at its Pin's version as it is now (SIGHUP
        may have changed it since the client was made)."""
        client = self._client
        if self._pin is not None:
            cap = self._pin.current().version_cap
            if client.version_cap != cap:
                client = client.prepare(version_cap=cap)
        return client

    def can_send_version(self, version):
        return self._capped().can_send_version(version)

    @property
    def version_cap(self):
        return self._capped().version_cap

    def call(self, ctxt, method, **kwargs):
        with self._metrics.rpc_call(self._topic, method):
            return self._bounded(self._capped().call, ctxt, method,
                                 **kwargs)

    def cast(self, ctxt, method, **kwargs):
        try:
            self._bounded(self._capped().cast, ctxt, method, **kwargs)
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
