"""/servers/{id}/metadata: list, merge, replace; one item: show, set,
delete."""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import server_metadata as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import server_metadata as policies

_NOT_FOUND = "Metadata item was not found"


def _server(req, server_id, rule):
    instance = servers.get_server(req, server_id, expected_attrs=["metadata"])
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def _metadata_response(req, metadata, key="metadata"):
    return wsgi.json_response(req, {key: metadata})


def list_metadata(req, server_id):
    instance = _server(req, server_id, "index")
    return _metadata_response(req, dict(instance.metadata))


@validation.schema(schemas.create)
def update_metadata(req, server_id):
    instance = _server(req, server_id, "create")
    metadata = req.app.compute_api.update_metadata(
        req.context, instance, req.json_document()["metadata"])
    return _metadata_response(req, metadata)


@validation.schema(schemas.update_all)
def replace_metadata(req, server_id):
    instance = _server(req, server_id, "update_all")
    metadata = req.app.compute_api.update_metadata(
        req.context, instance, req.json_document()["metadata"], replace=True)
    return _metadata_response(req, metadata)


def show_metadata_item(req, server_id, key):
    instance = _server(req, server_id, "show")
    if key not in instance.metadata:
        raise errors.not_found(_NOT_FOUND)
    return _metadata_response(req, {key: instance.metadata[key]}, "meta")


@validation.schema(schemas.update)
def put_metadata_item(req, server_id, key):
    instance = _server(req, server_id, "update")
    meta = req.json_document()["meta"]
    if key not in meta:
        raise errors.bad_request("Request body and URI mismatch")
    req.app.compute_api.update_metadata(req.context, instance, meta)
    return _metadata_response(req, meta, "meta")


def delete_metadata_item(req, server_id, key):
    instance = _server(req, server_id, "delete")
    if key not in instance.metadata:
        raise errors.not_found(_NOT_FOUND)
    req.app.compute_api.delete_metadata_item(req.context, instance, key)
    return wsgi.empty_response(req, 204)
