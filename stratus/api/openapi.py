"""OpenAPI 3.1 documents of the Compute, Placement, Identity and Image
APIs, made from their route tables, the request schemas on the handlers
(stratus/api/validation.py) and the response tables
(stratus/api/response_schemas.py).

A document describes the LATEST microversion's shapes: the request and
response schemas in force there. Every operation lists in
``x-openstack-microversions`` the ranges of its responses (status, min,
max) so that a client sees where older versions differ; the document's
``info.x-openstack-microversion`` gives the API's min and max. Routes that
end before the latest microversion (the image proxy, 2.35) are described
with the shapes of their last version and marked ``deprecated``. The
Identity and Image APIs have no microversions: their documents give the
API version they serve a subset of. See docs/openapi.md.

Each API serves its document at GET /openapi.json without a token, as it
serves its version document; docs/openapi/*.json hold copies
(tools/openapi.py writes them; a test keeps them in step).
"""
import copy
import functools
import importlib
import re

from stratus.api import microversion
from stratus.api import response_schemas
from stratus.api import wsgi

_PARAM = re.compile(r"\{(\w+)\}")
OPENAPI_VERSION = "3.1.0"
JSON = "application/json"


def _version(text_or_tuple):
    if isinstance(text_or_tuple, tuple):
        return text_or_tuple
    return response_schemas.parse_version(text_or_tuple)


def _in_range(version, low, high):
    return ((low is None or version >= low)
            and (high is None or version <= high))


def _latest_body_schema(handler, attr, latest):
    """The request schema in force at latest (or at the last version the
    handler has one for)."""
    entries = getattr(handler, attr, [])
    for schema, low, high in entries:
        if _in_range(latest, low, high):
            return schema
    if entries:
        return max(entries, key=lambda e: e[2] or latest)[0]
    return None


def _query_parameters(schema):
    """Query schemas see {name: [values]}: one parameter per property."""
    if not schema:
        return []
    parameters = []
    for name, prop in sorted(schema.get("properties", {}).items()):
        inner = prop.get("items", {"type": "string"}) \
            if prop.get("type") == "array" else prop
        parameters.append({"name": name, "in": "query", "required": False,
                           "schema": copy.deepcopy(inner)})
    return parameters


def _path_parameters(template):
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "string"}}
            for name in _PARAM.findall(template)]


def _responses(table, method, template, latest, actions=()):
    """{status: response} at latest (or the last version of the route)
    and the x-openstack-microversions ranges. latest None: an API without
    microversions."""
    keys = [(method, template)] + [(method, template, a) for a in actions]
    ranges, by_status = [], {}
    last = None
    for key in keys:
        for low, high, status, _schema in table.responses.get(key, ()):
            entry = {"status": status, "min_version": low,
                     "max_version": high}
            if len(key) == 3:
                entry["action"] = key[2]
            ranges.append(entry)
            if latest is not None:
                high_v = _version(high) if high else latest
                last = high_v if last is None else max(last, high_v)
    at = None if latest is None else min(last or latest, latest)
    for key in keys:
        for low, high, status, schema in table.responses.get(key, ()):
            if not _in_range(at, _version(low), high and _version(high)):
                continue
            by_status.setdefault(status, [])
            if schema is not None and schema not in by_status[status]:
                by_status[status].append(schema)
            elif schema is None:
                by_status[status].append(None)
    responses = {}
    for status, schemas in sorted(by_status.items()):
        bodies = [s for s in schemas if s is not None]
        response = {"description": "Success" if status < 400 else
                    "An error (this route's only answer)"}
        if status >= 400:
            response["content"] = {JSON: {"schema": {
                "$ref": "#/components/schemas/Error"}}}
        elif bodies and None in schemas:
            # Some actions answer this status with a body, others without:
            # OpenAPI cannot say "a body or none" (the response tables can).
            response["description"] += (
                " (a body for some actions, none for others: see "
                "x-openstack-actions)")
        elif bodies:
            body = bodies[0] if len(bodies) == 1 else {"anyOf": bodies}
            response["content"] = _content(body)
        responses[str(status)] = response
    error = {"description": "An error", "content": {JSON: {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    for media_type in table.error_media_types:
        error["content"][media_type] = {"schema": {"type": "string"}}
    responses["4XX"] = error
    responses["5XX"] = error
    return responses, ranges, at is not None and at < latest


def _content(schema, media_type=None):
    """The content of a body of schema: JSON (under media_type, when the
    API gives one, e.g. Glance's JSON patch), or raw data (image data: a
    binary string)."""
    kind = response_schemas.media_type(schema)
    if kind != JSON:
        return {kind: {"schema": {"type": "string", "format": "binary"}}}
    return {media_type or JSON: {"schema": copy.deepcopy(schema)}}


def _operation(api, table, method, template, handler, latest, actions_of):
    resource = handler.__module__.rsplit(".", 1)[-1]
    operation = {
        "operationId": "%s_%s" % (resource, handler.__name__),
        "tags": [resource],
        "parameters": _path_parameters(template) + _query_parameters(
            _latest_body_schema(handler, "_query_schemas", latest))
        + copy.deepcopy(api.get("headers", {}).get((method, template), [])),
    }
    summary = (handler.__doc__ or "").strip().split("\n")[0]
    if summary:
        operation["summary"] = summary
    actions = actions_of(handler)
    body = _latest_body_schema(handler, "_body_schemas", latest)
    if actions:
        bodies = [_latest_body_schema(f, "_body_schemas", latest)
                  or _any_value(name) for name, f in sorted(actions.items())]
        operation["x-openstack-actions"] = sorted(actions)
        if bodies:
            body = {"anyOf": bodies}
    body = body or api.get("request_bodies", {}).get((method, template))
    if body is not None and method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {"required": True, "content": _content(
            body, api.get("request_media_types", {}).get((method,
                                                          template)))}
    operation["responses"], ranges, ended = _responses(
        table, method, template, latest, table.actions(method, template))
    if latest is not None:
        operation["x-openstack-microversions"] = ranges
    if ended:
        operation["deprecated"] = True
    if (template, method) in api["unauthenticated"] or \
            template in api["unauthenticated"]:
        operation["security"] = []
    return operation


def _any_value(action):
    """The body of an action whose handler has no schema: its name, with
    any value (the handler does not read it)."""
    return {"type": "object", "properties": {action: {}},
            "required": [action], "additionalProperties": False}


def _actions_of(handler):
    """The ACTIONS table an action route's handler dispatches on."""
    if not handler.__name__.endswith("action"):
        return None
    module = importlib.import_module(handler.__module__)
    return getattr(module, "ACTIONS", None)


def _document(api):
    """The document of one API described by api: name (its response
    table), title, description, routes ({template: {METHOD: handler}}),
    unauthenticated (templates, or (template, METHOD) pairs), min_version
    and max_version, or version for an API without microversions; and
    optionally, by (METHOD, template), request_bodies (the schemas of
    handlers that check their body themselves), request_media_types (for
    a body that is not application/json) and headers (header
    parameters)."""
    table = response_schemas.table(api["name"])
    latest = api.get("max_version")
    paths = {}
    for template, methods in sorted(api["routes"].items()):
        paths[template] = {
            method.lower(): _operation(api, table, method, template, handler,
                                       latest, _actions_of)
            for method, handler in sorted(methods.items())}
    info = {"title": api["title"], "description": api["description"]}
    if latest is None:
        info["version"] = api["version"]
    else:
        info["version"] = "%d.%d" % latest
        info["x-openstack-microversion"] = {
            "min": "%d.%d" % api["min_version"], "max": "%d.%d" % latest,
            "header": "OpenStack-API-Version: %s %d.%d" % (
                api["service_type"], *latest)}
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": info,
        "servers": [{"url": "/"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": {"Error": copy.deepcopy(table.error_schema)},
            "securitySchemes": {"token": {
                "type": "apiKey", "in": "header", "name": "X-Auth-Token"}},
        },
    }


_DESCRIPTION = (
    "The shapes of microversion %s (send OpenStack-API-Version: %s %s); "
    "x-openstack-microversions on each operation gives the ranges of its "
    "answers. Generated from the route table, the request schemas and the "
    "response schemas (docs/openapi.md).")


@functools.lru_cache(maxsize=None)
def compute_document():
    from stratus.api.compute import routes
    latest = microversion.MAX_VERSION
    version = "%d.%d" % latest
    return _document({
        "name": response_schemas.COMPUTE, "title": "Stratus Compute API",
        "service_type": "compute",
        "description": _DESCRIPTION % (version, "compute", version),
        "routes": routes.resolve(routes.ROUTES),
        "unauthenticated": routes.UNAUTHENTICATED,
        "min_version": microversion.MIN_VERSION, "max_version": latest,
    })


@functools.lru_cache(maxsize=None)
def placement_document():
    from stratus.api.placement import root
    from stratus.api.placement import routes
    from stratus.api.schemas import placement as schemas
    latest = root.MAX_VERSION
    version = "%d.%d" % latest
    return _document({
        "name": response_schemas.PLACEMENT, "title": "Stratus Placement API",
        "service_type": "placement",
        "description": _DESCRIPTION % (version, "placement", version),
        "routes": routes.resolve(),
        "unauthenticated": routes.UNAUTHENTICATED,
        "min_version": root.MIN_VERSION, "max_version": latest,
        # Placement's handlers pick their schema in the body; these are
        # the latest ones.
        "request_bodies": {
            ("POST", "/resource_providers"): schemas.POST_PROVIDER_1_14,
            ("PUT", "/resource_providers/{uuid}"): schemas.PUT_PROVIDER_1_14,
            ("POST", "/resource_providers/{uuid}/inventories"):
                schemas.POST_INVENTORY,
            ("PUT", "/resource_providers/{uuid}/inventories"):
                schemas.PUT_INVENTORIES,
            ("PUT", "/resource_providers/{uuid}/inventories/"
                    "{resource_class}"): schemas.PUT_INVENTORY,
            ("PUT", "/resource_providers/{uuid}/aggregates"):
                schemas.PUT_AGGREGATES_1_19,
            ("PUT", "/resource_providers/{uuid}/traits"):
                schemas.PUT_PROVIDER_TRAITS,
            ("POST", "/allocations"): schemas.POST_ALLOCATIONS_1_38,
            ("PUT", "/allocations/{consumer_uuid}"):
                schemas.PUT_ALLOCATIONS_1_38,
            ("POST", "/resource_classes"): schemas.POST_RESOURCE_CLASS,
            ("PUT", "/resource_classes/{name}"): schemas.POST_RESOURCE_CLASS,
            ("POST", "/reshaper"): schemas.RESHAPER_1_38,
        },
    })


_UNVERSIONED = (
    "The %s API %s subset that Stratus serves (it has no microversions). "
    "Generated from the route table, the request schemas and the response "
    "schemas (docs/openapi.md).")


# The token a validation or a revocation is about.
_SUBJECT_TOKEN = {"name": "X-Subject-Token", "in": "header",
                  "required": True, "schema": {"type": "string"}}


@functools.lru_cache(maxsize=None)
def identity_document():
    from stratus.api.identity import routes
    from stratus.api.identity import versions
    from stratus.api.schemas import identity as schemas
    return _document({
        "name": response_schemas.IDENTITY, "title": "Stratus Identity API",
        "description": _UNVERSIONED % ("Identity", versions.VERSION_ID),
        "version": versions.VERSION_ID.lstrip("v"),
        "routes": routes.resolve(),
        "unauthenticated": routes.PUBLIC,
        # The token request is checked by its handler, whose messages
        # never echo a value (they would include passwords).
        "request_bodies": {("POST", "/v3/auth/tokens"):
                           schemas.create_token},
        "headers": {(method, "/v3/auth/tokens"): [_SUBJECT_TOKEN]
                    for method in ("GET", "DELETE")},
    })


@functools.lru_cache(maxsize=None)
def image_document():
    from stratus.api.image import routes
    from stratus.api.image import versions
    from stratus.api.schemas import image as schemas
    return _document({
        "name": response_schemas.IMAGE, "title": "Stratus Image API",
        "description": _UNVERSIONED % ("Image", versions.VERSIONS[0]),
        "version": versions.VERSIONS[0].lstrip("v"),
        "routes": routes.resolve(),
        "unauthenticated": routes.PUBLIC,
        # The image handlers check their bodies themselves (a read-only
        # attribute is refused before any value is checked, as in Glance).
        "request_bodies": {
            ("POST", "/v2/images"): schemas.image,
            ("PATCH", "/v2/images/{image_id}"): schemas.patch,
            ("PUT", "/v2/images/{image_id}/file"):
                response_schemas.raw("application/octet-stream"),
        },
        "request_media_types": {
            ("PATCH", "/v2/images/{image_id}"): schemas.PATCH_MEDIA_TYPE},
    })


DOCUMENTS = {"compute": compute_document, "placement": placement_document,
             "identity": identity_document, "image": image_document}


def serve(name):
    """The handler of GET /openapi.json of the API name."""
    def show_openapi(req):
        """The OpenAPI 3.1 document of this API."""
        return wsgi.json_response(req, DOCUMENTS[name]())
    return show_openapi
