"""The image service as the rest of Stratus sees it.

``ImageAPI`` speaks Glance v2 over one of two transports with the same
behaviour: HTTP to [glance] api_servers, or the built-in image app called
in-process through webob (the caller's RequestContext travels in the WSGI
environ, so the same visibility rules apply). Either way the caller's token
travels as X-Auth-Token; a context without one (a periodic task's admin
context) uses the service user of [glance] (keystoneauth options, as
Nova's) when one is configured. Each method is one request; ``list``
follows ``next`` links only when no limit was asked for.
"""
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import webob

from stratus import exception

_JSON = "application/json"
_OCTET_STREAM = "application/octet-stream"
# Glance v2's media type for PATCH bodies (JSON Patch, RFC 6902).
PATCH_MEDIA_TYPE = "application/openstack-images-v2.1-json-patch"
# Where DirectTransport puts the caller's RequestContext in the WSGI
# environ; the built-in image app reads it there.
DIRECT_CONTEXT = "stratus.image.context"


class _Reply:
    """Status, headers and body of one image service response."""

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
    """Calls the built-in image WSGI app in this process. A request body
    is bytes or an iterable of bytes (streamed), for both transports."""

    def __init__(self, app):
        self.app = app

    def request(self, ctx, method, path, headers, body=None):
        headers = _with_identity(ctx, headers)
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
        return _Reply(response.status_code, response.headers, app_iter,
                      getattr(app_iter, "close", lambda: None))


class HTTPTransport:
    """Talks to image API servers over HTTP, trying each in turn when one
    cannot be reached."""

    def __init__(self, base_urls, timeout=60, service_session=None):
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self.timeout = timeout
        self.service_session = service_session

    def request(self, ctx, method, path, headers, body=None):
        headers = _with_identity(ctx, headers)
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
            except urllib.error.URLError as error:
                failure = error
                continue
            return _Reply(response.status, response.headers,
                          iter(lambda: response.read(65536), b""),
                          response.close)
        raise exception.ImageServiceUnavailable(
            reason="no image API server answered (%s)" % failure)


class CatalogTransport:
    """Keystone mode without [glance] api_servers: HTTP to the image
    endpoint of the caller's service catalog (as Nova finds Glance), or the
    fallback transport (the built-in image service) when the catalog names
    none."""

    def __init__(self, fallback, interfaces, region=None,
                 service_session=None):
        self.fallback = fallback
        self.interfaces = list(interfaces)
        self.region = region
        self.service_session = service_session

    def request(self, ctx, method, path, headers, body=None):
        url = image_endpoint(ctx.service_catalog, self.interfaces,
                             self.region)
        if url is None:
            return self.fallback.request(ctx, method, path, headers, body)
        return HTTPTransport([url], service_session=self.service_session
                             ).request(ctx, method, path, headers, body)


def image_endpoint(catalog, interfaces, region=None):
    """The URL of the image service in a service catalog, by interface
    preference; None if it names none. Takes the v3 shape (an endpoint per
    interface) and the one keystonemiddleware's X-Service-Catalog has (an
    endpoint per region with publicURL, internalURL ...)."""
    urls = {}
    for entry in catalog or ():
        if not isinstance(entry, dict) or entry.get("type") != "image":
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


def _with_identity(ctx, headers):
    """headers plus the caller's token and request id."""
    headers = dict(headers)
    if ctx.auth_token:
        headers["X-Auth-Token"] = ctx.auth_token
    if ctx.global_request_id or ctx.request_id:
        headers["X-OpenStack-Request-ID"] = (ctx.global_request_id
                                             or ctx.request_id)
    return headers


def service_session(conf):
    """A keystoneauth session of the service user named in [glance]
    (auth_type, auth_url, username, ... as in Nova), or None."""
    from keystoneauth1 import loading as ks_loading
    auth = ks_loading.load_auth_from_conf_options(conf, "glance")
    if auth is None:
        return None
    return ks_loading.load_session_from_conf_options(conf, "glance",
                                                     auth=auth)


def _error(reply, image_id):
    """The exception for an error reply of the image service."""
    text = reply.read().decode("utf-8", "replace")
    try:
        message = json.loads(text).get("message", text)
    except (ValueError, AttributeError):
        message = text
    message = message.replace("<br /><br />", "").strip()
    if reply.status in (404, 410):
        return exception.ImageNotFound(image_id=image_id)
    if reply.status == 401:
        return exception.Unauthorized()
    if reply.status == 403:
        return exception.NotAuthorized(message)
    if reply.status == 409:
        return exception.Conflict(message)
    if reply.status in (400, 413, 415):
        return exception.Invalid(message)
    if reply.status in (502, 503, 504):
        return exception.ImageServiceUnavailable(reason="%s %s" % (reply.status,
                                                         message))
    return exception.ImageServiceError(reason="%s %s" % (reply.status, message))


class ImageAPI:
    def __init__(self, transport=None, direct_app=None):
        if transport is None:
            if direct_app is None:
                raise ValueError("ImageAPI needs a transport or direct_app")
            transport = DirectTransport(direct_app)
        self.transport = transport

    @classmethod
    def from_conf(cls, conf, in_process_app=None):
        """HTTP to [glance] api_servers when set; otherwise the built-in
        image app in this process when the caller serves one
        (``in_process_app``, a callable that makes it: see
        stratus.api.image.app.image_api), or in keystone mode the
        catalog's; else HTTP to the built-in image service's own address
        ([glance] listen and port), where `stratus api` serves it."""
        if conf.glance.api_servers:
            return cls(HTTPTransport(
                [url.strip() for url in conf.glance.api_servers.split(",")
                 if url.strip()], service_session=service_session(conf)))
        if in_process_app is not None:
            return cls.built_in(conf, in_process_app())
        built_in_url = "http://%s:%d" % (conf.glance.listen,
                                         conf.glance.port)
        return cls.built_in(conf, None, fallback=HTTPTransport(
            [built_in_url], service_session=service_session(conf)))

    @classmethod
    def built_in(cls, conf, in_process_app, fallback=None):
        """The built-in image app in this process (image app.make_apps'
        in_process), or ``fallback`` (a transport) where this process
        serves none; in keystone mode only when the caller's catalog names
        no image service."""
        transport = fallback or DirectTransport(in_process_app)
        if conf.api.auth_strategy == "keystone":
            transport = CatalogTransport(
                transport, conf.glance.valid_interfaces,
                conf.glance.region_name,
                service_session=service_session(conf))
        return cls(transport)

    def _call(self, ctx, method, path, image_id=None, body=None,
              content_type=None, ok=(200,)):
        headers = {"Accept": _JSON}
        if content_type:
            headers["Content-Type"] = content_type
        reply = self.transport.request(ctx, method, path, headers, body)
        if reply.status not in ok:
            raise _error(reply, image_id)
        return reply

    def get(self, ctx, image_id):
        """The Glance v2 document of the image; ImageNotFound if it does not
        exist or the caller may not see it."""
        return self._call(ctx, "GET", _image_path(image_id), image_id).json()

    def list(self, ctx, **filters):
        """Image documents matching Glance's list filters (name, status,
        visibility, tag=[...], sort_key, marker, limit ...)."""
        query = urllib.parse.urlencode(filters, doseq=True)
        path = "/v2/images" + ("?" + query if query else "")
        images = []
        while path:
            page = self._call(ctx, "GET", path).json()
            images.extend(page["images"])
            path = None if "limit" in filters else page.get("next")
        return images

    def create(self, ctx, **fields):
        """A new image record (queued until data is uploaded)."""
        body = json.dumps(fields).encode("utf-8")
        return self._call(ctx, "POST", "/v2/images", fields.get("id"),
                          body=body, content_type=_JSON, ok=(201,)).json()

    def update(self, ctx, image_id, properties):
        """Set core attributes or extra properties; a value of None removes
        an extra property. The updated document."""
        patch = [{"op": "remove", "path": "/" + _escape(name)}
                 if value is None else
                 {"op": "add", "path": "/" + _escape(name), "value": value}
                 for name, value in properties.items()]
        body = json.dumps(patch).encode("utf-8")
        return self._call(ctx, "PATCH", _image_path(image_id), image_id,
                          body=body,
                          content_type=PATCH_MEDIA_TYPE).json()

    def upload(self, ctx, image_id, data):
        """Stream data (bytes or an iterable of bytes) in as the image's
        content; the image is active afterwards."""
        self._call(ctx, "PUT", _image_path(image_id, "/file"), image_id,
                   body=data, content_type=_OCTET_STREAM,
                   ok=(204,)).read()

    def download(self, ctx, image_id):
        """An iterator over the image's data (empty if it has none)."""
        reply = self._call(ctx, "GET", _image_path(image_id, "/file"),
                           image_id, ok=(200, 204))

        def chunks():
            try:
                yield from reply.chunks
            finally:
                reply.close()
        return chunks()

    def delete(self, ctx, image_id):
        self._call(ctx, "DELETE", _image_path(image_id), image_id,
                   ok=(204,)).read()


def _image_path(image_id, suffix=""):
    """The image's URL path: its id percent-encoded as one segment (any
    id a caller sends, however odd, stays inside it)."""
    return "/v2/images/%s%s" % (urllib.parse.quote(str(image_id), safe=""),
                                suffix)


def _escape(name):
    """A property name as a JSON pointer segment."""
    return name.replace("~", "~0").replace("/", "~1")
