"""How Stratus's REST clients of other OpenStack services (the image
client, stratus.image.client; the Neutron client, stratus.network.neutron)
reach them, with the same behaviour over every transport:

- ``HTTPTransport``: HTTP to fixed base URLs (``[glance] api_servers``,
  ``[neutron] endpoint_override``, a built-in service's own address),
  trying each in turn when one cannot be reached;
- ``DirectTransport``: a built-in service's WSGI app called in this
  process through webob; the caller's RequestContext travels in the WSGI
  environ under ``DIRECT_CONTEXT`` (an HTTP request cannot set an environ
  key, so it cannot be forged from outside: see
  stratus.api.auth.InProcess);
- ``CatalogTransport``: keystone mode, HTTP to the endpoint the caller's
  service catalog names for the service type (as Nova finds Glance and
  Neutron), else the one the service user's catalog names, else a
  fallback transport.

Every request carries the caller's token (X-Auth-Token) and request id;
a context without a token (a periodic task's admin context) uses the
service user of the client's config group (keystoneauth's auth options,
as Nova's [glance] and [neutron]) when one is configured.
"""
import io
import json
import urllib.error
import urllib.request

import webob

# Where DirectTransport puts the caller's RequestContext in the WSGI
# environ; the built-in apps read it there (stratus.api.auth.InProcess).
DIRECT_CONTEXT = "stratus.direct_context"


class Reply:
    """Status, headers and body of one response."""

    def __init__(self, status, headers, chunks, close):
        self.status = status
        self.headers = headers
        self.chunks = chunks
        self.close = close

    def read(self):
        try:
            return b"".join(self.chunks)
        finally:
            self.close()

    def json(self):
        return json.loads(self.read().decode("utf-8"))


class _IterableReader(io.RawIOBase):
    """A file object over an iterable of bytes (wsgi.input for uploads)."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class DirectTransport:
    """Calls a built-in service's WSGI app in this process. A request
    body is bytes or an iterable of bytes (streamed), for every
    transport."""

    def __init__(self, app):
        self.app = app

    def request(self, ctx, method, path, headers, body=None):
        headers = with_identity(ctx, headers)
        req = webob.Request.blank(path, method=method, headers=headers)
        req.environ[DIRECT_CONTEXT] = ctx
        if isinstance(body, bytes):
            req.body = body
        elif body is not None:
            req.environ["wsgi.input"] = io.BufferedReader(
                _IterableReader(body))
            req.environ["wsgi.input_terminated"] = True
        response = req.get_response(self.app)
        app_iter = response.app_iter
        return Reply(response.status_code, response.headers, app_iter,
                     getattr(app_iter, "close", lambda: None))


class HTTPTransport:
    """Talks to a service's base URLs over HTTP, trying each in turn when
    one cannot be reached; ``unavailable(reason)`` is the exception when
    none can."""

    def __init__(self, base_urls, unavailable, timeout=60,
                 service_session=None):
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self.unavailable = unavailable
        self.timeout = timeout
        self.service_session = service_session

    def request(self, ctx, method, path, headers, body=None):
        headers = with_identity(ctx, headers)
        if "X-Auth-Token" not in headers and self.service_session:
            headers["X-Auth-Token"] = self.service_session.get_token()
        failure = None
        for base_url in self.base_urls:
            request = urllib.request.Request(base_url + path, data=body,
                                             headers=headers, method=method)
            try:
                response = urllib.request.urlopen(request,
                                                  timeout=self.timeout)
            except urllib.error.HTTPError as error:
                response = error
            except (urllib.error.URLError, OSError) as error:
                failure = error
                continue
            return Reply(response.status, response.headers,
                         iter(lambda: response.read(65536), b""),
                         response.close)
        raise self.unavailable("no server answered at %s (%s)" % (
            ", ".join(self.base_urls), failure))


class CatalogTransport:
    """Keystone mode without a configured URL: HTTP to the endpoint of
    ``service_type`` in the caller's service catalog, else in the service
    user's catalog, else the fallback transport (the built-in service)."""

    def __init__(self, fallback, service_type, interfaces, unavailable,
                 region=None, service_session=None, timeout=60):
        self.fallback = fallback
        self.service_type = service_type
        self.interfaces = list(interfaces)
        self.unavailable = unavailable
        self.region = region
        self.service_session = service_session
        self.timeout = timeout

    def endpoint(self, ctx):
        url = catalog_endpoint(getattr(ctx, "service_catalog", None),
                               self.service_type, self.interfaces,
                               self.region)
        if url is None and self.service_session is not None:
            try:
                url = self.service_session.get_endpoint(
                    service_type=self.service_type,
                    interface=self.interfaces, region_name=self.region)
            except Exception:  # noqa: BLE001 - no catalog: the fallback
                url = None
        return url

    def request(self, ctx, method, path, headers, body=None):
        url = self.endpoint(ctx)
        if url is None:
            return self.fallback.request(ctx, method, path, headers, body)
        return HTTPTransport([url], self.unavailable, timeout=self.timeout,
                             service_session=self.service_session
                             ).request(ctx, method, path, headers, body)


def catalog_endpoint(catalog, service_type, interfaces, region=None):
    """The URL of the service of ``service_type`` in a service catalog, by
    interface preference; None if it names none. Takes the v3 shape (an
    endpoint per interface) and the one keystonemiddleware's
    X-Service-Catalog has (an endpoint per region with publicURL,
    internalURL ...)."""
    urls = {}
    for entry in catalog or ():
        if not isinstance(entry, dict) or entry.get("type") != service_type:
            continue
        for endpoint in entry.get("endpoints") or ():
            if not isinstance(endpoint, dict) or (
                    region is not None and region not in (
                        endpoint.get("region"), endpoint.get("region_id"))):
                continue
            if "interface" in endpoint:
                found = [(endpoint["interface"], endpoint.get("url"))]
            else:
                found = [(interface, endpoint.get(interface + "URL"))
                         for interface in interfaces]
            for interface, url in found:
                if url and interface not in urls:
                    urls[interface] = url
    return next((urls[interface] for interface in interfaces
                 if interface in urls), None)


def local_url(host, port):
    """The URL of a service of this cloud listening on host:port (a
    wildcard address is reached on loopback)."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = "[%s]" % host
    return "http://%s:%d" % (host, port)


def with_identity(ctx, headers):
    """headers plus the caller's token and request id."""
    headers = dict(headers)
    if ctx.auth_token:
        headers["X-Auth-Token"] = ctx.auth_token
    if ctx.global_request_id or ctx.request_id:
        headers["X-OpenStack-Request-ID"] = (ctx.global_request_id
                                             or ctx.request_id)
    return headers


def service_session(conf, group):
    """A keystoneauth session of the service user named in ``[group]``
    (auth_type, auth_url, username, ... as in Nova), or None."""
    from keystoneauth1 import loading as ks_loading
    auth = ks_loading.load_auth_from_conf_options(conf, group)
    if auth is None:
        return None
    return ks_loading.load_session_from_conf_options(conf, group,
                                                     auth=auth)


def error_message(text):
    """The message of an error body: JSON's "message" where there is one,
    else the text."""
    try:
        body = json.loads(text)
    except ValueError:
        return text
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and "message" in value:
                return str(value["message"])
        if "message" in body:
            return str(body["message"])
    return text
