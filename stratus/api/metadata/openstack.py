"""The OpenStack metadata tree: /openstack/<version>/<file>."""
import webob

from stratus.metadata import content
from stratus.metadata import password
from stratus import exception
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
    """Only the password may be posted (from 2013-04-04), and only once
    until a user clears it (409 then), as in Nova; at most
    password.MAX_SIZE bytes (400)."""
    metadata = req.app.metadata_for(req)
    if name != "password":
        raise errors.HTTPError(405, "The method POST is not allowed for "
                               "this resource.")
    try:
        metadata.openstack(version, name)
    except content.NotFound:
        raise errors.not_found("The resource could not be found.")
    if metadata.password():
        # Nova's order: a kept password first, then the size.
        raise exception.PasswordAlreadySet(
            instance_uuid=metadata.instance.uuid)
    body = req.body
    if (req.content_length or 0) > password.MAX_SIZE \
            or len(body) > password.MAX_SIZE:
        raise errors.bad_request("Request is too large.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.bad_request("The password is not UTF-8 text.")
    req.app.set_password(metadata.instance, text)
    return webob.Response(status=200, body=b"")
