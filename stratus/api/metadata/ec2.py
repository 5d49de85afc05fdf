"""The EC2-style metadata tree: /<version>/meta-data/..., user-data."""
import webob

from stratus.metadata import content
from stratus.api import errors


def list_versions(req):
    return webob.Response(
        body="\n".join(content.EC2_VERSIONS + [content.LATEST]).encode(),
        content_type="text/plain", charset="utf-8")


def show_tree(req, version, **segments):
    metadata = req.app.metadata_for(req)
    path = "/".join(segments[key] for key in sorted(segments))
    try:
        body = metadata.ec2(version, path)
    except content.NotFound:
        raise errors.not_found("The resource could not be found.")
    if path == "user-data":
        return webob.Response(body=body,
                              content_type="application/octet-stream")
    return webob.Response(body=body, content_type="text/plain",
                          charset="utf-8")
