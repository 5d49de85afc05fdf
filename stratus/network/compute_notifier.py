"""How the built-in network service tells the compute API of its ports'
events, as Neutron's Nova notifier does: POST /os-server-external-events
(network-vif-plugged when a server's port is plugged on its host,
network-vif-unplugged, network-vif-deleted when it is deleted,
network-changed when its addresses or floating IPs change), as a service
(Nova's policy for the API is the service role).

Where the compute API is: [nova] endpoint_override; else in keystone mode
the ``compute`` endpoint of the service user's catalog; else the compute
app of this process (the all-in-one), else the built-in compute API's own
address ([DEFAULT] osapi_compute_listen and port). A failed notification
is logged, never raised: the port's change stands, and a build waiting
for the event fails at its vif_plugging_timeout as in Nova.
"""
import json
import logging

from stratus import exception
from stratus import rest_transport

LOG = logging.getLogger(__name__)

PATH = "/v2.1/os-server-external-events"
SERVICE_ROLE = "service"


def _unavailable(reason):
    return exception.StratusException("The compute API cannot be reached: "
                                      "%s" % reason)


def _without_version(url):
    """The compute endpoint without its /v2.1 (PATH has it)."""
    url = url.rstrip("/")
    return url[:-len("/v2.1")] if url.endswith("/v2.1") else url


class ComputeNotifier:
    def __init__(self, transport):
        self.transport = transport

    @classmethod
    def from_conf(cls, conf, in_process_app=None):
        """in_process_app: the compute app of this process (callable
        that returns it), whose authenticator takes an in-process
        caller's context (stratus.api.auth.InProcess)."""
        session = rest_transport.service_session(conf, "nova")
        timeout = conf.nova.timeout or 60
        if conf.nova.endpoint_override:
            return cls(rest_transport.HTTPTransport(
                [_without_version(conf.nova.endpoint_override)],
                _unavailable, timeout=timeout, service_session=session))
        if in_process_app is not None:
            fallback = rest_transport.DirectTransport(_Lazy(in_process_app))
        else:
            fallback = rest_transport.HTTPTransport(
                [rest_transport.local_url(conf.osapi_compute_listen,
                                          conf.osapi_compute_listen_port)], _unavailable, timeout=timeout,
                service_session=session)
        if conf.api.auth_strategy == "keystone" and session is not None:
            return cls(_Unversioned(rest_transport.CatalogTransport(
                fallback, "compute", conf.nova.valid_interfaces,
                _unavailable, conf.nova.region_name,
                service_session=session, timeout=timeout)))
        return cls(fallback)

    def send(self, ctx, events, microversion=None):
        """Post events ([{name, server_uuid, tag, status}]) as a service;
        microversion: the compute API version those events need
        (volume-extended 2.51, volume-reimaged 2.93), as Cinder's Nova
        client asks for it."""
        service = ctx.elevated()
        service.roles = sorted(set(service.roles) | {SERVICE_ROLE})
        headers = {"Content-Type": "application/json",
                   "Accept": "application/json"}
        if microversion:
            headers["OpenStack-API-Version"] = "compute " + microversion
        try:
            reply = self.transport.request(
                service, "POST", PATH, headers,
                json.dumps({"events": events}).encode("utf-8"))
            text = reply.read().decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - a lost notification is logged
            LOG.exception("Could not send events %s to the compute API",
                          events)
            return
        if reply.status not in (200, 207):
            LOG.warning("The compute API refused events %s: %s %s", events,
                        reply.status, text[:500])


class _Lazy:
    """The WSGI app made on first use (the compute app exists after the
    network service's RPC endpoint starts)."""

    def __init__(self, make):
        self.make = make

    def __call__(self, environ, start_response):
        return self.make()(environ, start_response)


class _Unversioned:
    """The catalog's compute endpoint names /v2.1 already: take it off."""

    def __init__(self, transport):
        self.transport = transport

    def request(self, ctx, method, path, headers, body=None):
        endpoint = self.transport.endpoint(ctx)
        if endpoint is not None and endpoint.rstrip("/").endswith("/v2.1"):
            path = path[len("/v2.1"):]
        return self.transport.request(ctx, method, path, headers, body)
