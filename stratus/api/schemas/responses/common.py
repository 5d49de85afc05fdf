"""Pieces shared by the Compute API's response schemas (Nova's API
reference and response_body_schema): links, error bodies, the version
ranges of a resource whose shape grows with the microversion."""
import copy

# The version every range of a current route ends at: None (the latest).
LATEST = None

string = {"type": "string"}
nullable_string = {"type": ["string", "null"]}
integer = {"type": "integer"}
boolean = {"type": "boolean"}
uuid = {"type": "string", "format": "uuid"}
# Nova's times: 2024-01-01T00:00:00Z, or with microseconds and no zone.
datetime = {"type": "string",
            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$"}
nullable_datetime = {"anyOf": [datetime, {"type": "null"}]}
metadata = {"type": "object", "additionalProperties": {"type": "string"}}

link = {
    "type": "object",
    "properties": {"href": {"type": "string", "format": "uri-reference"},
                   "rel": {"type": "string"},
                   "type": {"type": "string"}},
    "required": ["href", "rel"],
    "additionalProperties": False,
}
links = {"type": "array", "items": link}
# The "next" link of a page.
collection_links = {"type": "array", "items": link}


def obj(properties, required=None, additional=False):
    """An object schema: every property listed; required defaults to all."""
    return {"type": "object", "properties": properties,
            "required": sorted(set(properties if required is None
                                   else required)),
            "additionalProperties": additional}


def wrap(key, schema, extra=None, required=None):
    """{key: schema} (and optional siblings, e.g. a collection's links)."""
    properties = {key: schema}
    properties.update(extra or {})
    return obj(properties, required=[key] if required is None else required)


def array_of(schema):
    return {"type": "array", "items": schema}


def bands(base, changes):
    """[(min, max, schema)] for a resource whose properties change at some
    microversions. base: (properties, required); changes: [(version,
    {name: schema or None to drop}, [names now required],
    [names no longer required])] in version order."""
    properties = copy.deepcopy(base[0])
    required = list(base[0] if base[1] is None else base[1])
    ranges = []
    start = "2.1"
    for version, changed, added, dropped in changes:
        ranges.append((start, _before(version),
                       obj(copy.deepcopy(properties), required)))
        for name, schema in changed.items():
            if schema is None:
                properties.pop(name, None)
            else:
                properties[name] = schema
        required = [name for name in required + list(added)
                    if name not in dropped and name in properties]
        start = version
    ranges.append((start, LATEST, obj(copy.deepcopy(properties), required)))
    return ranges


def _before(version):
    major, minor = version.split(".")
    return "%s.%d" % (major, int(minor) - 1)


def entries(status, ranged, body=lambda schema: schema):
    """RESPONSES entries from bands(): each range answering status with
    body(schema)."""
    return [(low, high, status, body(schema)) for low, high, schema in ranged]


def one(status, schema, low="2.1", high=LATEST):
    return [(low, high, status, schema)]


def none(status, low="2.1", high=LATEST):
    """An answer without a body."""
    return [(low, high, status, None)]


def parse(version):
    major, minor = version.split(".")
    return (int(major), int(minor))
