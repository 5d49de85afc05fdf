"""The network service as the rest of Stratus sees it: the client the
compute API, the conductor and the computes use to talk to Neutron — a
real one or Stratus's built-in one (stratus network) — over the Neutron
v2.0 REST API only.

``NeutronAPI.from_conf`` chooses the transport (stratus.rest_transport)
as the image client does for Glance:

- ``[neutron] endpoint_override`` set: HTTP to it;
- otherwise, in keystone mode, HTTP to the ``network`` endpoint of the
  caller's service catalog (``[neutron] valid_interfaces``,
  ``region_name``), else of the service user's catalog;
- otherwise the built-in network app in this process when the caller
  serves it (the all-in-one, tests), through the same WSGI requests, or
  HTTP to the built-in service's own address (``[neutron] listen`` and
  ``port``), where `stratus network` serves it.

Requests carry the caller's token; a context without one (a periodic
task's) uses the service user of ``[neutron]``'s keystoneauth options
(auth_type, auth_url, username ...), as in Nova. Every method is one
request (lists follow ``*_links`` pages unless a limit was asked for) and
turns Neutron's errors (``{"NeutronError": {"type", "message"}}`` and
the status) into Stratus exceptions (``_error``), keeping Neutron's type
as ``neutron_type``.
"""
import copy
import json
import threading
import time
import urllib.parse

from stratus import client_exception
from stratus import exception
from stratus import rest_transport

SERVICE_TYPE = "network"
_JSON = "application/json"
_PREFIX = "/v2.0"


def _unavailable(reason):
    return client_exception.NetworkServiceUnavailable(reason=reason)


def http_transport(conf, base_urls):
    """HTTP to the network service, as [neutron]'s service user when a
    request carries no token."""
    return rest_transport.HTTPTransport(
        base_urls, _unavailable, timeout=conf.neutron.timeout or 60,
        service_session=rest_transport.service_session(conf, "neutron"))


def network_endpoint(catalog, interfaces, region=None):
    """The URL of the network service in a service catalog, or None."""
    return rest_transport.catalog_endpoint(catalog, SERVICE_TYPE,
                                           interfaces, region)


def built_in_url(conf):
    """Where the built-in network service listens ([neutron] listen and
    port; a wildcard address is reached on loopback)."""
    return rest_transport.local_url(conf.neutron.listen, conf.neutron.port)


def _neutron_error(text):
    """(type, message) of an error body of Neutron's."""
    try:
        body = json.loads(text)
    except ValueError:
        return None, text.strip()
    error = body.get("NeutronError") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get("type"), str(error.get("message") or "")
    if isinstance(error, str):
        return None, error
    return None, rest_transport.error_message(text)


def _error(reply, resource, detail=None):
    """The Stratus exception for an error reply of the network service.
    detail: what the call was about (a network id for
    IpAddressGenerationFailure)."""
    neutron_type, message = _neutron_error(
        reply.read().decode("utf-8", "replace"))
    status = reply.status
    if status == 404:
        error = client_exception.NetworkResourceNotFound(reason=message)
    elif status == 409 and neutron_type == "OverQuota" and resource == "port":
        error = client_exception.PortLimitExceeded()
    elif status == 409 and neutron_type == "IpAddressGenerationFailure":
        error = exception.NoMoreFixedIps(network=detail)
    elif status == 409:
        error = client_exception.NetworkServiceConflict(reason=message)
    elif status in (400, 413, 415):
        error = client_exception.NetworkServiceBadRequest(reason=message)
    elif status == 401:
        error = exception.Unauthorized()
    elif status == 403:
        error = client_exception.NetworkServiceForbidden(reason=message)
    elif status in (502, 503, 504):
        error = client_exception.NetworkServiceUnavailable(
            reason="%s %s" % (status, message))
    else:
        error = client_exception.NetworkServiceError(
            reason="%s %s" % (status, message))
    error.neutron_type = neutron_type
    return error


def _url_name(collection):
    """A collection's name in URLs (security_groups: security-groups)."""
    return collection.replace("_", "-")


def _path(collection, resource_id=None, query=None):
    path = "%s/%s" % (_PREFIX, collection)
    if resource_id is not None:
        path += "/" + urllib.parse.quote(str(resource_id), safe="")
    if query:
        path += "?" + urllib.parse.urlencode(query, doseq=True)
    return path


def _admin_identity(conf):
    """NeutronAPI's admin_identity over HTTP (see _as_admin)."""
    if rest_transport.service_session(conf, "neutron") is not None:
        return "service"
    if conf.api.auth_strategy == "noauth":
        return "noauth"
    return None


def _binding_path(port_id, host):
    return "%s/bindings/%s" % (_path("ports", port_id),
                               urllib.parse.quote(str(host), safe=""))


def _query_value(value):
    """Neutron's form of a filter value: booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return [_query_value(item) for item in value]
    return value


class NeutronAPI:
    """Neutron v2.0 for Nova's needs. Every method takes the caller's
    RequestContext first and returns Neutron's documents (dicts)."""

    def __init__(self, transport=None, direct_app=None,
                 extension_sync_interval=600, http_retries=0,
                 clock=time.monotonic, admin_identity=None):
        if transport is None:
            if direct_app is None:
                raise ValueError("NeutronAPI needs a transport or "
                                 "direct_app")
            transport = rest_transport.DirectTransport(direct_app)
        self.transport = transport
        # How an administrator's context (a caller's elevated() for the
        # binding calls) speaks over HTTP: None as itself, "service" as
        # [neutron]'s service user, "noauth" with an administrator's
        # noauth token (see _as_admin).
        self.admin_identity = admin_identity
        self.extension_sync_interval = extension_sync_interval
        self.http_retries = http_retries
        self._clock = clock
        self._extensions = None
        self._extensions_at = None
        self._extensions_lock = threading.Lock()

    @classmethod
    def from_conf(cls, conf, in_process_app=None):
        """The client [neutron] describes (see the module's doc);
        in_process_app: a callable that makes the built-in network app
        for in-process calls, where this process serves it."""
        if conf.neutron.endpoint_override:
            return cls(http_transport(conf, [conf.neutron.endpoint_override]),
                       admin_identity=_admin_identity(conf),
                       **cls._options(conf))
        if in_process_app is not None:
            return cls.built_in(conf, in_process_app(),
                                admin_identity=_admin_identity(conf))
        return cls.built_in(conf, None, fallback=http_transport(
            conf, [built_in_url(conf)]),
            admin_identity=_admin_identity(conf))

    @classmethod
    def built_in(cls, conf, in_process_app, fallback=None,
                 admin_identity=None):
        """The built-in network app in this process (its in-process form:
        stratus.api.network_client.in_process_app), or ``fallback`` (a
        transport); in keystone mode only when no catalog names a network
        service."""
        transport = fallback or rest_transport.DirectTransport(
            in_process_app)
        if conf.api.auth_strategy == "keystone":
            transport = rest_transport.CatalogTransport(
                transport, SERVICE_TYPE, conf.neutron.valid_interfaces,
                _unavailable, conf.neutron.region_name,
                service_session=rest_transport.service_session(
                    conf, "neutron"),
                timeout=conf.neutron.timeout or 60)
        return cls(transport, admin_identity=admin_identity,
                   **cls._options(conf))

    @staticmethod
    def _options(conf):
        return {"extension_sync_interval":
                conf.neutron.extension_sync_interval,
                "http_retries": conf.neutron.http_retries}

    # The requests ---------------------------------------------------------

    def _as_admin(self, ctx):
        """The context an administrator's request goes with: as Nova's
        admin client, an elevated context (whose token is still the
        user's) speaks as [neutron]'s service user, or in noauth mode
        with an administrator's token of the caller's project."""
        if not ctx.is_admin or self.admin_identity is None:
            return ctx
        admin = copy.copy(ctx)
        admin.auth_token = (None if self.admin_identity == "service"
                            else "admin:%s" % (ctx.project_id or "admin"))
        return admin

    def _call(self, ctx, method, path, resource, body=None, ok=(200,),
              detail=None):
        ctx = self._as_admin(ctx)
        headers = {"Accept": _JSON}
        data = None
        if body is not None:
            headers["Content-Type"] = _JSON
            data = json.dumps(body).encode("utf-8")
        attempts = 1 + (self.http_retries if method == "GET" else 0)
        for attempt in range(attempts):
            try:
                reply = self.transport.request(ctx, method, path, headers,
                                               data)
                break
            except client_exception.NetworkServiceUnavailable:
                if attempt + 1 == attempts:
                    raise
        if reply.status not in ok:
            raise _error(reply, resource, detail)
        if reply.status == 204:
            reply.read()
            return None
        return reply.json()

    def _list(self, ctx, collection, resource, filters):
        query = [(name, _query_value(value))
                 for name, value in filters.items() if value is not None]
        path = _path(_url_name(collection), query=query)
        found = []
        while path:
            page = self._call(ctx, "GET", path, resource)
            found.extend(page[collection])
            path = None
            if "limit" not in filters:
                path = next((link["href"] for link in
                             page.get(collection + "_links") or ()
                             if link.get("rel") == "next"), None)
                if path:
                    path = _relative(path)
        return found

    def _show(self, ctx, collection, resource, resource_id, fields):
        query = [("fields", list(fields))] if fields else None
        return self._call(ctx, "GET", _path(_url_name(collection),
                                            resource_id, query),
                          resource)[resource]

    # Networks -------------------------------------------------------------

    def list_networks(self, ctx, **filters):
        """Networks the caller sees, by Neutron's filters (id=[...],
        shared=True, router:external ... as keyword arguments or
        ``**{"router:external": True}``), fields=[...], limit, marker."""
        return self._list(ctx, "networks", "network", filters)

    def show_network(self, ctx, network_id, fields=None):
        """NetworkResourceNotFound if it does not exist or the caller may
        not see it."""
        return self._show(ctx, "networks", "network", network_id, fields)

    def available_networks(self, ctx, project_id):
        """The networks a server of the project may be put on: its own and
        the shared ones, not external ones unless shared (Nova's
        _get_available_networks), by id."""
        own = self.list_networks(ctx, project_id=project_id)
        shared = self.list_networks(ctx, shared=True)
        networks = {network["id"]: network for network in own + shared
                    if not network.get("router:external")
                    or network.get("shared")}
        return sorted(networks.values(), key=lambda network: network["id"])

    def floating_ip_pools(self, ctx):
        """The external networks (Nova's floating IP pools)."""
        return self.list_networks(ctx, **{"router:external": True})

    # Ports ----------------------------------------------------------------

    def list_ports(self, ctx, **filters):
        """Ports by Neutron's filters (device_id, network_id, ...)."""
        return self._list(ctx, "ports", "port", filters)

    def show_port(self, ctx, port_id, fields=None):
        return self._show(ctx, "ports", "port", port_id, fields)

    def create_port(self, ctx, port):
        """A new port of ``port`` (network_id, fixed_ips, device_id,
        binding:host_id ...). NoMoreFixedIps when the network has no free
        address, PortLimitExceeded over the project's port quota."""
        return self._call(ctx, "POST", _path("ports"), "port",
                          body={"port": port}, ok=(201,),
                          detail=port.get("network_id"))["port"]

    def update_port(self, ctx, port_id, changes):
        return self._call(ctx, "PUT", _path("ports", port_id), "port",
                          body={"port": changes})["port"]

    def delete_port(self, ctx, port_id):
        self._call(ctx, "DELETE", _path("ports", port_id), "port",
                   ok=(204,))

    # Port bindings (binding-extended) -------------------------------------

    def create_port_binding(self, ctx, port_id, binding):
        """A binding of the port to binding["host"] (vnic_type, profile):
        INACTIVE while the port is bound elsewhere."""
        return self._call(ctx, "POST", _path("ports", port_id) + "/bindings",
                          "binding", body={"binding": binding},
                          ok=(201,))["binding"]

    def activate_port_binding(self, ctx, port_id, host):
        """The port's binding to host becomes its ACTIVE one (the one it
        had INACTIVE): the binding (answered bare, as a member action's;
        {"binding": ...} taken too)."""
        answer = self._call(ctx, "PUT", _binding_path(port_id, host)
                            + "/activate", "binding")
        return answer.get("binding", answer)

    def delete_port_binding(self, ctx, port_id, host):
        self._call(ctx, "DELETE", _binding_path(port_id, host), "binding",
                   ok=(204,))

    # Subnets, security groups, floating IPs --------------------------------

    def list_subnets(self, ctx, **filters):
        return self._list(ctx, "subnets", "subnet", filters)

    def list_security_groups(self, ctx, **filters):
        return self._list(ctx, "security_groups", "security_group",
                          filters)

    def show_security_group(self, ctx, group_id):
        return self._show(ctx, "security_groups", "security_group",
                          group_id, None)

    def create_security_group(self, ctx, group):
        return self._call(ctx, "POST", _path("security-groups"),
                          "security_group", body={"security_group": group},
                          ok=(201,))["security_group"]

    def update_security_group(self, ctx, group_id, changes):
        return self._call(ctx, "PUT", _path("security-groups", group_id),
                          "security_group",
                          body={"security_group": changes})["security_group"]

    def delete_security_group(self, ctx, group_id):
        self._call(ctx, "DELETE", _path("security-groups", group_id),
                   "security_group", ok=(204,))

    def show_security_group_rule(self, ctx, rule_id):
        return self._show(ctx, "security_group_rules", "security_group_rule",
                          rule_id, None)

    def create_security_group_rule(self, ctx, rule):
        return self._call(ctx, "POST", _path("security-group-rules"),
                          "security_group_rule",
                          body={"security_group_rule": rule},
                          ok=(201,))["security_group_rule"]

    def delete_security_group_rule(self, ctx, rule_id):
        self._call(ctx, "DELETE", _path("security-group-rules", rule_id),
                   "security_group_rule", ok=(204,))

    def list_floating_ips(self, ctx, **filters):
        return self._list(ctx, "floatingips", "floatingip", filters)

    def show_floating_ip(self, ctx, floating_ip_id):
        return self._show(ctx, "floatingips", "floatingip", floating_ip_id,
                          None)

    def create_floating_ip(self, ctx, floating_ip):
        """A floating IP of floating_network_id: NoMoreFixedIps when the
        network has no free address, NetworkServiceConflict (neutron_type
        OverQuota) over the project's quota."""
        return self._call(ctx, "POST", _path("floatingips"), "floatingip",
                          body={"floatingip": floating_ip}, ok=(201,),
                          detail=floating_ip.get("floating_network_id")
                          )["floatingip"]

    def update_floating_ip(self, ctx, floating_ip_id, changes):
        """Associate (port_id, fixed_ip_address) or disassociate
        (port_id None)."""
        return self._call(ctx, "PUT", _path("floatingips", floating_ip_id),
                          "floatingip",
                          body={"floatingip": changes})["floatingip"]

    def delete_floating_ip(self, ctx, floating_ip_id):
        self._call(ctx, "DELETE", _path("floatingips", floating_ip_id),
                   "floatingip", ok=(204,))

    # Extensions -----------------------------------------------------------

    def list_extensions(self, ctx, refresh=False):
        """{alias: extension document} of the network service, asked
        again at most every [neutron] extension_sync_interval seconds."""
        with self._extensions_lock:
            now = self._clock()
            if (refresh or self._extensions is None
                    or now - self._extensions_at
                    >= self.extension_sync_interval):
                found = self._call(ctx, "GET", _path("extensions"),
                                   "extension")["extensions"]
                self._extensions = {extension["alias"]: extension
                                    for extension in found}
                self._extensions_at = now
            return dict(self._extensions)

    def has_extension(self, ctx, alias):
        return alias in self.list_extensions(ctx)


def _relative(href):
    """The path and query of a next link (the transport adds the base)."""
    parts = urllib.parse.urlsplit(href)
    path = parts.path
    # An endpoint with a path of its own (http://host/network/v2.0/...)
    # keeps only what follows it.
    index = path.find(_PREFIX + "/")
    if index > 0:
        path = path[index:]
    return path + ("?" + parts.query if parts.query else "")
