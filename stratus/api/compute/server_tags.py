"""/servers/{id}/tags (2.26): list, replace, delete all; one tag: check,
add, delete."""
import urllib.parse

import jsonschema

from stratus.api.compute import links
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import server_tags as schemas
from stratus.api.schemas import servers as server_schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import server_tags as policies

MIN_VERSION = (2, 26)


def _server(req, server_id, rule):
    if req.api_version < MIN_VERSION:
        raise errors.not_found("The resource could not be found.")
    instance = servers.get_server(req, server_id, expected_attrs=["tags"])
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def _tags_response(req, tags):
    return wsgi.json_response(req, {"tags": sorted(tags)})


def list_tags(req, server_id):
    return _tags_response(req, _server(req, server_id, "index").tags)


@validation.schema(schemas.update_all)
def replace_tags(req, server_id):
    instance = _server(req, server_id, "update_all")
    tags = req.app.compute_api.set_tags(req.context, instance,
                                        req.json_document()["tags"])
    return _tags_response(req, tags)


def delete_all_tags(req, server_id):
    instance = _server(req, server_id, "delete_all")
    req.app.compute_api.delete_tags(req.context, instance)
    return wsgi.empty_response(req, 204)


def check_tag(req, server_id, tag):
    instance = _server(req, server_id, "show")
    if tag not in instance.tags:
        raise errors.not_found("Server %s has no tag '%s'" % (server_id, tag))
    return wsgi.empty_response(req, 204)


def put_tag(req, server_id, tag):
    instance = _server(req, server_id, "update")
    try:
        jsonschema.validate(tag, server_schemas.tag)
    except jsonschema.ValidationError as exc:
        raise errors.bad_request(
            "Tag '%s' is invalid. It must be a non empty string without "
            "characters '/' and ','. Validation error message: %s"
            % (tag, exc.message))
    if not req.app.compute_api.add_tag(req.context, instance, tag):
        return wsgi.empty_response(req, 204)
    # A header is latin-1: the tag goes into the URL percent-encoded.
    location = "%s%s/servers/%s/tags/%s" % (
        links.root_url(req), links.VERSION_PATH, server_id,
        urllib.parse.quote(tag, safe=""))
    return wsgi.empty_response(req, 201, headers={"Location": location})


def delete_tag(req, server_id, tag):
    instance = _server(req, server_id, "delete")
    req.app.compute_api.delete_tag(req.context, instance, tag)
    return wsgi.empty_response(req, 204)
