"""/v2/images/{image_id}/file: upload and download, streamed."""
import webob
import webob.request
import webob.static

from stratus.api.image import access
from stratus.api import wsgi
from stratus import exception
from stratus.image import exception as image_exception
from stratus.image import store as image_store

_OCTET_STREAM = "application/octet-stream"


def _chunks(body_file):
    while True:
        try:
            chunk = body_file.read(image_store.CHUNK_SIZE)
        except webob.request.DisconnectionError:
            raise exception.Invalid(
                "The image data ended before its announced length.")
        if not chunk:
            return
        yield chunk


def upload_image_data(req, image_id):
    if req.content_type != _OCTET_STREAM:
        raise image_exception.UnsupportedMediaType(
            "Image data must be sent as application/octet-stream.")
    image = req.app.store.get(req.context, image_id)
    access.authorize(req, "upload_image", access.target(image))
    req.app.store.store_data(req.context, image_id, _chunks(req.body_file))
    return wsgi.empty_response(req)


def download_image_data(req, image_id):
    store = req.app.store
    image = store.get(req.context, image_id)
    access.authorize(req, "download_image", access.target(image))
    if image.status == "deactivated" and not req.context.is_admin:
        raise image_exception.ImageDeactivated()
    if image.status not in ("active", "deactivated"):
        # Glance answers 204 for an image that has no data yet.
        return wsgi.empty_response(req)
    data = store.open_data(image)
    response = webob.Response(
        app_iter=webob.static.FileIter(data),
        content_type=_OCTET_STREAM, content_length=image.size)
    response.headers["Content-MD5"] = image.checksum
    return response
