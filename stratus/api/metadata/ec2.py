"""The EC2-style metadata tree: /<version>/meta-data/..., user-data."""
import webob

from stratus.api.metadata import base
from stratus.api import errors


def list_versions(req):
    return webob.Response(
        body="\n".join(base.EC2_VERSIONS + [base.LATEST]).encode(),
        content_type="text/plain", charset="utf-8")


def show_tree(req, version, **segments):
    metadata = req.app.metadata_for(req)
    path = "/".join(segments[key] for key in sorted(segments))
    try:
        body = metadata.ec2(version, path)
    except base.NotFound:
        raise errors.not_found("The resource could not be found.")
    if path == "user-data":
        return webob.Response(body=body,
                              content_type="application/octet-stream")
    return webob.Response(body=body, content_type="text/plain",
                          charset="utf-8")
