"""/v2/images, their data and tags, the schemas and the version
documents (Glance's Image API v2 reference)."""
from stratus.api import response_schemas
from stratus.api.schemas import image as image_schema
from stratus.api.schemas.responses import common as c
from stratus.api.schemas.responses import versions

# Every core attribute is shown (null when unset); extra properties are
# strings beside them.
image = {
    "type": "object",
    "properties": dict(image_schema.WRITABLE, **image_schema.READ_ONLY),
    "required": sorted(set(image_schema.WRITABLE) | set(
        image_schema.READ_ONLY) - {"direct_url"}),
    "additionalProperties": image_schema.extra_property,
}
images = c.obj({"images": c.array_of(image), "first": c.string,
                "next": c.string, "schema": c.string},
               required=["images", "first", "schema"])
_json_schema = {"type": "object", "required": ["name", "properties"]}
_versions = c.wrap("versions", c.array_of(c.obj({
    "id": c.string, "status": {"enum": ["CURRENT", "SUPPORTED",
                                        "DEPRECATED"]},
    "links": c.array_of(c.obj({"rel": c.string, "href": c.string}))})))


def _one(status, schema):
    return c.one(status, schema, low=None)


def _none(status=204):
    return c.none(status, low=None)


RESPONSES = {
    ("GET", "/"): _one(300, _versions),
    ("GET", "/versions"): _one(200, _versions),
    ("GET", "/openapi.json"): _one(200, versions.OPENAPI),
    ("GET", "/v2/images"): _one(200, images),
    ("POST", "/v2/images"): _one(201, image),
    ("GET", "/v2/images/{image_id}"): _one(200, image),
    ("PATCH", "/v2/images/{image_id}"): _one(200, image),
    ("DELETE", "/v2/images/{image_id}"): _none(),
    ("PUT", "/v2/images/{image_id}/file"): _none(),
    # 204 for an image without data yet, as Glance answers.
    ("GET", "/v2/images/{image_id}/file"): (
        _one(200, response_schemas.raw("application/octet-stream"))
        + _none()),
    ("POST", "/v2/images/{image_id}/actions/deactivate"): _none(),
    ("POST", "/v2/images/{image_id}/actions/reactivate"): _none(),
    ("PUT", "/v2/images/{image_id}/tags/{tag}"): _none(),
    ("DELETE", "/v2/images/{image_id}/tags/{tag}"): _none(),
    ("GET", "/v2/schemas/image"): _one(200, _json_schema),
    ("GET", "/v2/schemas/images"): _one(200, _json_schema),
}
