"""/os-keypairs: a user's keypairs.

2.2 adds types (ssh, x509) and the 201/204 status codes; 2.10 lets
admins act for other users (user_id); 2.35 pages the list; 2.92 stops
generating keys (import only) and allows '@' and '.' in names.
"""
from stratus.api.compute import links
from stratus.api import errors
from stratus.api.schemas import keypairs as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus import objects
from stratus.objects import keypair as keypair_obj
from stratus.policies import keypairs as policies
from stratus import quota

TYPE_VERSION = (2, 2)
USER_ID_VERSION = (2, 10)
PAGING_VERSION = (2, 35)

_QUOTA_EXCEEDED = "Quota exceeded, too many key pairs."


def _owner(req, action, user_id=None):
    """The user whose keypairs the request is about (2.10: user_id), once
    policy allows the caller to act for them."""
    if req.api_version < USER_ID_VERSION or not user_id:
        user_id = req.context.user_id
    req.authorize(policies.POLICY_ROOT % action, {"user_id": user_id})
    return user_id


def _user_query(handler):
    """The query string of a request on one keypair: user_id from 2.10."""
    for schema, low, high in ((schemas.query_v21, "2.1", "2.9"),
                              (schemas.query_v210, "2.10", "2.74"),
                              (schemas.query_v275, "2.75", None)):
        handler = validation.query_schema(schema, low, high)(handler)
    return handler


def _view(req, keypair, attrs):
    body = {attr: getattr(keypair, attr) for attr in attrs}
    if req.api_version >= TYPE_VERSION:
        body["type"] = keypair.type
    return body


def _check_quota(req, user_id, already_counted=False):
    try:
        quota.Quotas(req.app.conf).check_deltas(
            req.context, req.context.project_id, user_id, {"key_pairs": 1},
            already_counted=already_counted)
    except exception.OverQuota:
        raise errors.forbidden(_QUOTA_EXCEEDED)


@validation.schema(schemas.create, "2.1", "2.1")
@validation.schema(schemas.create_v22, "2.2", "2.9")
@validation.schema(schemas.create_v210, "2.10", "2.91")
@validation.schema(schemas.create_v292, "2.92")
def create_keypair(req):
    values = req.json_document()["keypair"]
    user_id = _owner(req, "create", values.get("user_id"))
    key_type = values.get("type", keypair_obj.TYPE_SSH)
    _check_quota(req, user_id)
    private_key = None
    public_key = values.get("public_key")
    if public_key is None:
        if key_type == keypair_obj.TYPE_X509:
            private_key, public_key, fingerprint = (
                keypair_obj.generate_x509_keypair(user_id))
        else:
            private_key, public_key, fingerprint = (
                keypair_obj.generate_ssh_keypair())
    else:
        fingerprint = keypair_obj.fingerprint(key_type, public_key)
    keypair = objects.KeyPair(
        context=req.context, name=values["name"], user_id=user_id,
        type=key_type, public_key=public_key, fingerprint=fingerprint)
    keypair.create()
    if req.app.conf.quota.recheck_quota:
        try:
            _check_quota(req, user_id, already_counted=True)
        except errors.HTTPError:
            keypair.destroy()
            raise
    body = _view(req, keypair, ("name", "public_key", "fingerprint",
                                "user_id"))
    if private_key is not None:
        body["private_key"] = private_key
    status = 201 if req.api_version >= TYPE_VERSION else 200
    return wsgi.json_response(req, {"keypair": body}, status=status)


@validation.query_schema(schemas.query_v21, "2.1", "2.9")
@validation.query_schema(schemas.query_v210, "2.10", "2.34")
@validation.query_schema(schemas.index_query_v235, "2.35", "2.74")
@validation.query_schema(schemas.index_query_v275, "2.75")
def list_keypairs(req):
    user_id = _owner(req, "index", req.GET.get("user_id"))
    paged = req.api_version >= PAGING_VERSION
    limit, marker = links.limit_and_marker(req) if paged else (None, None)
    keypairs = objects.KeyPairList.get_by_user(req.context, user_id,
                                               limit=limit, marker=marker)
    body = {"keypairs": [
        {"keypair": _view(req, keypair,
                          ("name", "public_key", "fingerprint"))}
        for keypair in keypairs]}
    if paged:
        next_links = links.next_links(req, keypairs, "os-keypairs",
                                      lambda keypair: keypair.name)
        if next_links:
            body["keypairs_links"] = next_links
    return wsgi.json_response(req, body)


@_user_query
def show_keypair(req, keypair_name):
    user_id = _owner(req, "show", req.GET.get("user_id"))
    keypair = objects.KeyPair.get_by_name(req.context, user_id, keypair_name)
    body = _view(req, keypair, ("name", "public_key", "fingerprint",
                                "user_id", "deleted", "deleted_at", "id"))
    body["created_at"] = wsgi.isotime(keypair.created_at, microseconds=True)
    body["updated_at"] = wsgi.isotime(keypair.updated_at, microseconds=True)
    return wsgi.json_response(req, {"keypair": body})


@_user_query
def delete_keypair(req, keypair_name):
    user_id = _owner(req, "delete", req.GET.get("user_id"))
    objects.KeyPair.destroy_by_name(req.context, user_id, keypair_name)
    status = 204 if req.api_version >= TYPE_VERSION else 202
    return wsgi.empty_response(req, status=status)
