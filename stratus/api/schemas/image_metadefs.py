"""JSON Schemas of Glance's metadata definitions: the documents /v2/schemas/
metadefs/* serve (python-glanceclient builds its models from them and
validates what it sends and receives against them) and against which
requests are validated. The attributes, types and limits are Glance's
(its API reference, "Metadata definitions")."""

_TYPES = ["array", "boolean", "integer", "number", "object", "string", None]
_COUNT = {"type": "integer", "minimum": 0}
_NAMES = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_TIME = {"type": "string", "readOnly": True, "format": "date-time"}
_LINK = {"type": "string", "readOnly": True}

# One property definition: a JSON Schema fragment with a title.
property_definition = {
    "type": "object",
    "required": ["title", "type"],
    "properties": {
        "name": {"type": "string", "maxLength": 80},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "operators": {"type": "array", "items": {"type": "string"}},
        "type": {"type": "string", "enum": _TYPES},
        "required": _NAMES,
        "minimum": {"type": "number"},
        "maximum": {"type": "number"},
        "maxLength": _COUNT,
        "minLength": _COUNT,
        "pattern": {"type": "string", "format": "regex"},
        "enum": {"type": "array"},
        "readonly": {"type": "boolean"},
        "default": {},
        "items": {"type": "object", "properties": {
            "type": {"type": "string", "enum": _TYPES},
            "enum": {"type": "array"}}},
        "maxItems": _COUNT,
        "minItems": _COUNT,
        "uniqueItems": {"type": "boolean"},
        "additionalItems": {"type": "boolean"},
    },
}
DEFINITIONS = {"property": {"type": "object",
                            "additionalProperties": {
                                "$ref": "#/definitions/property_item"}},
               "property_item": property_definition}
_PROPERTIES = {"$ref": "#/definitions/property"}

_association_properties = {
    "name": {"type": "string", "maxLength": 80},
    "prefix": {"type": "string", "maxLength": 80},
    "properties_target": {"type": "string", "maxLength": 80},
    "created_at": _TIME, "updated_at": _TIME,
}
_object_properties = {
    "name": {"type": "string", "maxLength": 80},
    "description": {"type": "string"},
    "required": _NAMES,
    "properties": _PROPERTIES,
    "schema": _LINK, "self": _LINK,
    "created_at": _TIME, "updated_at": _TIME,
}
_tag_properties = {"name": {"type": "string", "maxLength": 255},
                   "created_at": _TIME, "updated_at": _TIME}


def _schema(name, properties, required, definitions=True):
    schema = {"name": name, "type": "object", "properties": properties,
              "additionalProperties": False, "required": required}
    if definitions:
        schema["definitions"] = DEFINITIONS
    return schema


namespace = _schema("namespace", {
    "namespace": {"type": "string", "maxLength": 80, "minLength": 1},
    "display_name": {"type": "string", "maxLength": 80},
    "description": {"type": "string", "maxLength": 500},
    "visibility": {"type": "string", "enum": ["public", "private"]},
    "protected": {"type": "boolean"},
    "owner": {"type": "string", "maxLength": 255},
    "created_at": _TIME, "updated_at": _TIME,
    "schema": _LINK, "self": _LINK,
    "resource_type_associations": {
        "type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": _association_properties}},
    "properties": _PROPERTIES,
    "objects": {"type": "array", "items": {
        "type": "object", "required": ["name"],
        "properties": _object_properties}},
    "tags": {"type": "array", "items": {
        "type": "object", "required": ["name"],
        "properties": _tag_properties}},
}, ["namespace"])
resource_type = _schema("resource_type_association",
                        _association_properties, ["name"], False)
property_ = _schema("property", dict(property_definition["properties"]),
                    ["name", "title", "type"], False)
object_ = _schema("object", _object_properties, ["name"])
tag = _schema("tag", _tag_properties, ["name"], False)


def _collection(name, item, key=None, definitions=False):
    schema = {"name": name, "properties": {
        key or name: {"type": "array", "items": item},
        "schema": {"type": "string"}, "first": {"type": "string"},
        "next": {"type": "string"}},
        "links": [{"rel": "first", "href": "{first}"},
                  {"rel": "next", "href": "{next}"},
                  {"rel": "describedby", "href": "{schema}"}]}
    if definitions:
        schema["definitions"] = DEFINITIONS
    return schema


namespaces = _collection("namespaces", {
    key: value for key, value in namespace.items() if key != "definitions"},
    definitions=True)
resource_types = _collection("resource_type_associations", resource_type)
objects = _collection("objects", {key: value for key, value
                                  in object_.items() if key != "definitions"},
                      definitions=True)
tags = _collection("tags", tag)
properties = {"name": "properties", "properties": {
    "properties": {"type": "object",
                   "additionalProperties": property_definition}}}

# What /v2/schemas/metadefs/{name} serves.
SERVED = {"namespace": namespace, "namespaces": namespaces,
          "resource_type": resource_type, "resource_types": resource_types,
          "property": property_, "properties": properties,
          "object": object_, "objects": objects, "tag": tag, "tags": tags}

# Attributes a request may not set (Glance answers 403).
READ_ONLY = ("self", "schema", "created_at", "updated_at")
