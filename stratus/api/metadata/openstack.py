"""The OpenStack metadata tree: /openstack/<version>/<file>."""
import webob

from stratus.metadata import content
from stratus.api import errors

_JSON_FILES = {"meta_data.json", "network_data.json", "vendor_data.json",
               "vendor_data2.json"}


def _text(body, content_type="text/plain"):
    return webob.Response(body=body, content_type=content_type,
                          charset="utf-8" if content_type.startswith("text")
                          or content_type.endswith("json") else None)


def list_versions(req):
    versions = content.OPENSTACK_VERSIONS + [content.LATEST]
    return _text("\n".join(versions).encode())


def list_files(req, version):
    metadata = req.app.metadata_for(req)
    try:
        return _text(metadata.openstack(version))
    except content.NotFound:
        raise errors.not_found("The resource could not be found.")


def show_file(req, version, name):
    metadata = req.app.metadata_for(req)
    try:
        body = metadata.openstack(version, name)
    except content.NotFound:
        raise errors.not_found("The resource could not be found.")
    if name in _JSON_FILES:
        return _text(body, "application/json")
    if name == "user_data":
        return webob.Response(body=body,
                              content_type="application/octet-stream")
    return _text(body)


def post_file(req, version, name):
    """Only the password may be posted; Stratus keeps none (a guest
    reading it gets an empty one), so the post is accepted and dropped."""
    req.app.metadata_for(req)
    if name != "password":
        raise errors.HTTPError(405, "The method POST is not allowed for "
                               "this resource.")
    return webob.Response(status=200, body=b"")
