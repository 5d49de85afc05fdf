"""/v3/auth: tokens, the catalog and the projects a token gives access
to; the version documents (Keystone's API reference, "Authentication and
token management" and "Versions")."""
from stratus.api.schemas.identity_responses import common as k
from stratus.api.schemas.identity_responses import resources
from stratus.api.schemas.responses import versions

endpoint_ref = k.obj({"id": k.string, "interface": {
    "enum": ["public", "internal", "admin"]}, "region": k.string,
    "region_id": k.string, "url": k.string})
catalog = k.array_of(k.obj({"id": k.string, "type": k.string,
                            "name": k.string,
                            "endpoints": k.array_of(endpoint_ref)}))
_role_ref = k.obj({"id": k.string, "name": k.string})
_project_ref = k.obj({"id": k.string, "name": k.string,
                      "domain": k.domain_ref})
# Unscoped tokens have none of the scoped properties; a token of
# ?nocatalog has no catalog.
token = k.wrap("token", k.obj({
    "methods": k.array_of(k.string),
    "user": k.obj({"id": k.string, "name": k.string,
                   "domain": k.domain_ref,
                   "password_expires_at": {"anyOf": [k.datetime,
                                                     {"type": "null"}]}}),
    "audit_ids": k.array_of(k.string),
    "issued_at": k.datetime, "expires_at": k.datetime,
    "project": _project_ref, "is_domain": k.boolean,
    "domain": k.domain_ref,
    "application_credential": k.obj({"id": k.string, "name": k.string,
                                     "restricted": k.boolean}),
    "roles": k.array_of(_role_ref), "catalog": catalog,
}, required=["methods", "user", "audit_ids", "issued_at", "expires_at"]),
    )

_media_type = k.obj({"base": k.string, "type": k.string})
_version = k.obj({"id": k.string,
                  "status": {"enum": ["stable", "deprecated", "experimental"]},
                  "updated": k.datetime,
                  "media-types": k.array_of(_media_type),
                  "links": k.array_of(k.obj({"rel": k.string,
                                             "href": k.string}))})

RESPONSES = {
    ("GET", "/"): k.one(300, k.wrap("versions", k.wrap(
        "values", k.array_of(_version)))),
    ("GET", "/v3"): k.one(200, k.wrap("version", _version)),
    ("GET", "/openapi.json"): k.one(200, versions.OPENAPI),
    ("POST", "/v3/auth/tokens"): k.one(201, token),
    ("GET", "/v3/auth/tokens"): k.one(200, token),
    ("DELETE", "/v3/auth/tokens"): k.none(),
    ("GET", "/v3/auth/catalog"): k.one(200, k.obj(
        {"catalog": catalog, "links": k.collection_links})),
    ("GET", "/v3/auth/projects"): k.one(200, k.collection(
        "projects", resources.project)),
    ("GET", "/v3/auth/domains"): k.one(200, k.collection(
        "domains", resources.domain)),
}
