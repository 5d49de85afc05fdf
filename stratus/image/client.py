"""The image service as the rest of Stratus sees it.

``ImageAPI`` speaks Glance v2 over one of the transports of
stratus.rest_transport, with the same behaviour: HTTP to [glance]
api_servers (or in keystone mode the catalog's image endpoint), or the
built-in image app called in-process through webob (the caller's RequestContext travels in the WSGI
environ, so the same visibility rules apply). Either way the caller's token
travels as X-Auth-Token; a context without one (a periodic task's admin
context) uses the service user of [glance] (keystoneauth options, as
Nova's) when one is configured. Each method is one request; ``list``
follows ``next`` links only when no limit was asked for.
"""
import json
import urllib.parse

from stratus import client_exception
from stratus import exception
from stratus import rest_transport

_JSON = "application/json"
_OCTET_STREAM = "application/octet-stream"
# Glance v2's media type for PATCH bodies (JSON Patch, RFC 6902).
PATCH_MEDIA_TYPE = "application/openstack-images-v2.1-json-patch"
DirectTransport = rest_transport.DirectTransport


def _unavailable(reason):
    return client_exception.ImageServiceUnavailable(reason=reason)


def http_transport(conf, base_urls):
    """HTTP to the image API servers, as [glance]'s service user when a
    request carries no token."""
    return rest_transport.HTTPTransport(
        base_urls, _unavailable,
        service_session=rest_transport.service_session(conf, "glance"))


def image_endpoint(catalog, interfaces, region=None):
    """The URL of the image service in a service catalog (see
    rest_transport.catalog_endpoint)."""
    return rest_transport.catalog_endpoint(catalog, "image", interfaces,
                                           region)


def _error(reply, image_id):
    """The exception for an error reply of the image service."""
    message = rest_transport.error_message(
        reply.read().decode("utf-8", "replace"))
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
        return client_exception.ImageServiceUnavailable(reason="%s %s" % (reply.status,
                                                         message))
    return client_exception.ImageServiceError(reason="%s %s" % (reply.status, message))


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
            return cls(http_transport(
                conf, [url.strip() for url in conf.glance.api_servers.split(",")
                       if url.strip()]))
        if in_process_app is not None:
            return cls.built_in(conf, in_process_app())
        built_in_url = "http://%s:%d" % (conf.glance.listen,
                                         conf.glance.port)
        return cls.built_in(conf, None, fallback=http_transport(
            conf, [built_in_url]))

    @classmethod
    def built_in(cls, conf, in_process_app, fallback=None):
        """The built-in image app in this process (image app.make_apps'
        in_process), or ``fallback`` (a transport) where this process
        serves none; in keystone mode only when the caller's catalog names
        no image service."""
        transport = fallback or DirectTransport(in_process_app)
        if conf.api.auth_strategy == "keystone":
            transport = rest_transport.CatalogTransport(
                transport, "image", conf.glance.valid_interfaces,
                _unavailable, conf.glance.region_name,
                service_session=rest_transport.service_session(
                    conf, "glance"))
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
