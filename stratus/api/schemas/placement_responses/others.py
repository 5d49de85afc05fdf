"""Placement's other resources: the root, allocations, allocation
candidates, usages, resource classes, traits and the reshaper."""
from stratus.api.schemas.responses import common as c
from stratus.api.schemas.responses import versions

_counts = {"type": "object", "additionalProperties": c.integer}
_generation = {"type": ["integer", "null"]}

_consumer_v10 = c.obj({"allocations": {
    "type": "object", "additionalProperties": c.obj(
        {"generation": _generation, "resources": _counts})}})


def _consumer(extra):
    properties = dict(_consumer_v10["properties"], **extra)
    # The owner fields only come with allocations.
    return c.obj(properties, required=["allocations"])


_owner = {"project_id": c.string, "user_id": c.string}
_consumer_gen = {"consumer_generation": _generation}
_type = {"consumer_type": c.string}

_request_v10 = c.obj({"allocations": c.array_of(c.obj({
    "resource_provider": c.obj({"uuid": c.string}),
    "resources": _counts}))})
_request_v112 = c.obj({"allocations": {
    "type": "object", "additionalProperties": c.obj({"resources": _counts})}})
_request_v134 = c.obj({"allocations": _request_v112["properties"][
    "allocations"], "mappings": {
        "type": "object", "additionalProperties": c.array_of(c.string)}})
_capacity = {"type": "object", "additionalProperties": c.obj(
    {"capacity": c.integer, "used": c.integer})}
_summary_v110 = c.obj({"resources": _capacity})
_summary_v117 = c.obj({"resources": _capacity,
                       "traits": c.array_of(c.string)})
_summary_v129 = c.obj({"resources": _capacity,
                       "traits": c.array_of(c.string),
                       "parent_provider_uuid": c.nullable_string,
                       "root_provider_uuid": c.string})


def _candidates(request, summary):
    return c.obj({"allocation_requests": c.array_of(request),
                  "provider_summaries": {"type": "object",
                                         "additionalProperties": summary}})


_usage_by_type = {"type": "object", "additionalProperties": c.obj(
    {"consumer_count": c.integer}, required=["consumer_count"],
    additional=c.integer)}
_class = c.obj({"name": c.string, "links": c.links})
_version = c.obj({"id": c.string, "max_version": c.string,
                  "min_version": c.string,
                  "status": {"enum": ["CURRENT"]}, "links": c.links})

RESPONSES = {
    ("GET", "/"): c.one(200, c.wrap("versions", c.array_of(_version)),
                        low="1.0"),
    ("GET", "/allocations/{consumer_uuid}"): [
        ("1.0", "1.11", 200, _consumer_v10),
        ("1.12", "1.27", 200, _consumer(_owner)),
        ("1.28", "1.37", 200, _consumer(dict(_owner, **_consumer_gen))),
        ("1.38", None, 200, _consumer(dict(_owner, **_consumer_gen,
                                           **_type))),
    ],
    ("PUT", "/allocations/{consumer_uuid}"): c.none(204, low="1.0"),
    ("DELETE", "/allocations/{consumer_uuid}"): c.none(204, low="1.0"),
    ("POST", "/allocations"): c.none(204, low="1.13"),
    ("GET", "/allocation_candidates"): [
        ("1.10", "1.11", 200, _candidates(_request_v10, _summary_v110)),
        ("1.12", "1.16", 200, _candidates(_request_v112, _summary_v110)),
        ("1.17", "1.28", 200, _candidates(_request_v112, _summary_v117)),
        ("1.29", "1.33", 200, _candidates(_request_v112, _summary_v129)),
        ("1.34", None, 200, _candidates(_request_v134, _summary_v129)),
    ],
    ("GET", "/usages"): [
        ("1.9", "1.37", 200, c.obj({"usages": _counts})),
        ("1.38", None, 200, c.obj({"usages": _usage_by_type})),
    ],
    ("GET", "/resource_classes"): c.one(
        200, c.wrap("resource_classes", c.array_of(_class)), low="1.2"),
    ("POST", "/resource_classes"): c.none(201, low="1.2"),
    ("GET", "/resource_classes/{name}"): c.one(200, _class, low="1.2"),
    ("PUT", "/resource_classes/{name}"): (
        c.one(200, _class, low="1.2", high="1.6")
        + c.none(201, low="1.7") + c.none(204, low="1.7")),
    ("DELETE", "/resource_classes/{name}"): c.none(204, low="1.2"),
    ("GET", "/traits"): c.one(200, c.wrap("traits", c.array_of(c.string)),
                              low="1.6"),
    ("GET", "/traits/{name}"): c.none(204, low="1.6"),
    ("PUT", "/traits/{name}"): (c.none(201, low="1.6")
                                + c.none(204, low="1.6")),
    ("DELETE", "/traits/{name}"): c.none(204, low="1.6"),
    ("POST", "/reshaper"): c.none(204, low="1.30"),
}

RESPONSES[("GET", "/openapi.json")] = c.one(200, versions.OPENAPI, low="1.0")
