"""/v2/metadefs and /v2/schemas/metadefs/* (Glance's Image API v2
reference, "Metadata definitions"): the documents are those the served
schemas describe (stratus.api.schemas.image_metadefs)."""
from stratus.api.schemas import image_metadefs as md
from stratus.api.schemas.responses import common as c

_NS = "/v2/metadefs/namespaces/{namespace_name}"
_TIME = c.string


def _rooted(schema):
    """schema with the property definitions its $refs name."""
    return dict(schema, definitions=md.DEFINITIONS)


def _bare(schema):
    return {key: value for key, value in schema.items()
            if key not in ("name", "definitions")}


namespace = _rooted(_bare(md.namespace))
namespaces = _rooted(c.obj({
    "namespaces": c.array_of(_bare(md.namespace)), "first": c.string,
    "next": c.string, "schema": c.string},
    required=["namespaces", "first", "schema"]))
association = _bare(md.resource_type)
prop = _rooted({"type": "object",
                "properties": dict(md.property_definition["properties"]),
                "required": ["name", "title", "type"],
                "additionalProperties": False})
metadef_object = _rooted(_bare(md.object_))
tag = _bare(md.tag)
_resource_type = c.obj({"name": c.string, "created_at": _TIME,
                        "updated_at": _TIME})
_schema_document = {"type": "object", "required": ["name", "properties"]}


def _one(status, schema):
    return c.one(status, schema, low=None)


def _none(status=204):
    return c.none(status, low=None)


RESPONSES = {
    ("GET", "/v2/schemas/metadefs/{schema_name}"): _one(
        200, _schema_document),
    ("GET", "/v2/metadefs/resource_types"): _one(200, c.wrap(
        "resource_types", c.array_of(_resource_type))),
    ("GET", "/v2/metadefs/namespaces"): _one(200, namespaces),
    ("POST", "/v2/metadefs/namespaces"): _one(201, namespace),
    ("GET", _NS): _one(200, namespace),
    ("PUT", _NS): _one(200, namespace),
    ("DELETE", _NS): _none(),
    ("GET", _NS + "/resource_types"): _one(200, c.wrap(
        "resource_type_associations", c.array_of(association))),
    ("POST", _NS + "/resource_types"): _one(201, association),
    ("DELETE", _NS + "/resource_types/{resource_type_name}"): _none(),
    ("GET", _NS + "/properties"): _one(200, c.wrap(
        "properties", {"type": "object",
                       "additionalProperties": md.property_definition})),
    ("POST", _NS + "/properties"): _one(201, prop),
    ("DELETE", _NS + "/properties"): _none(),
    ("GET", _NS + "/properties/{property_name}"): _one(200, prop),
    ("PUT", _NS + "/properties/{property_name}"): _one(200, prop),
    ("DELETE", _NS + "/properties/{property_name}"): _none(),
    ("GET", _NS + "/objects"): _one(200, _rooted(c.obj({
        "objects": c.array_of(_bare(md.object_)), "schema": c.string}))),
    ("POST", _NS + "/objects"): _one(201, metadef_object),
    ("DELETE", _NS + "/objects"): _none(),
    ("GET", _NS + "/objects/{item_name}"): _one(200, metadef_object),
    ("PUT", _NS + "/objects/{item_name}"): _one(200, metadef_object),
    ("DELETE", _NS + "/objects/{item_name}"): _none(),
    ("GET", _NS + "/tags"): _one(200, c.obj({
        "tags": c.array_of(tag), "schema": c.string})),
    ("DELETE", _NS + "/tags"): _none(),
    ("GET", _NS + "/tags/{item_name}"): _one(200, tag),
    ("POST", _NS + "/tags/{item_name}"): _one(201, tag),
    ("PUT", _NS + "/tags/{item_name}"): _one(200, tag),
    ("DELETE", _NS + "/tags/{item_name}"): _none(),
}
