"""/resource_providers and what hangs under one (Placement's api-ref:
resource providers, inventories, usages, aggregates, traits,
allocations of a provider)."""
from stratus.api.schemas.responses import common as c

_RP = "/resource_providers"
_ONE = _RP + "/{uuid}"
_generation = {"type": "integer", "minimum": 0}
_counts = {"type": "object", "additionalProperties": c.integer}


def _provider(with_tree, rels):
    properties = {"uuid": c.string, "name": c.string,
                  "generation": _generation,
                  "links": {"type": "array", "minItems": rels,
                            "maxItems": rels, "items": c.link}}
    if with_tree:
        properties["parent_provider_uuid"] = c.nullable_string
        properties["root_provider_uuid"] = c.string
    return c.obj(properties)


# The links a provider shows grow with the version.
_RANGES = [("1.0", "1.0", False, 3), ("1.1", "1.5", False, 4),
           ("1.6", "1.10", False, 5), ("1.11", "1.13", False, 6),
           ("1.14", None, True, 6)]


def _providers(status, body=lambda s: s, low="1.0"):
    result = []
    for start, high, tree, rels in _RANGES:
        if high is not None and c.parse(high) < c.parse(low):
            continue
        if c.parse(start) < c.parse(low):
            start = low
        result.append((start, high, status, body(_provider(tree, rels))))
    return result


_inventory = {"total": c.integer, "reserved": c.integer,
              "min_unit": c.integer, "max_unit": c.integer,
              "step_size": c.integer, "allocation_ratio": {"type": "number"}}
_inventories = c.obj({"inventories": {
    "type": "object", "additionalProperties": c.obj(_inventory)},
    "resource_provider_generation": _generation})
_one_inventory = c.obj(dict(_inventory,
                            resource_provider_generation=_generation))
_created_inventory = c.obj(dict(_inventory, resource_class=c.string,
                                resource_provider_generation=_generation))
_aggregates = c.obj({"aggregates": c.array_of(c.string)})
_aggregates_v119 = c.obj({"aggregates": c.array_of(c.string),
                          "resource_provider_generation": _generation})
_traits = c.obj({"traits": c.array_of(c.string),
                 "resource_provider_generation": _generation})

RESPONSES = {
    ("GET", _RP): _providers(200, lambda s: c.wrap("resource_providers",
                                                   c.array_of(s))),
    ("POST", _RP): (c.none(201, low="1.0", high="1.19")
                    + _providers(200, low="1.20")),
    ("GET", _ONE): _providers(200),
    ("PUT", _ONE): _providers(200),
    ("DELETE", _ONE): c.none(204, low="1.0"),
    ("GET", _ONE + "/inventories"): c.one(200, _inventories, low="1.0"),
    ("POST", _ONE + "/inventories"): c.one(201, _created_inventory,
                                           low="1.0"),
    ("PUT", _ONE + "/inventories"): c.one(200, _inventories, low="1.0"),
    ("DELETE", _ONE + "/inventories"): c.none(204, low="1.5"),
    ("GET", _ONE + "/inventories/{resource_class}"): c.one(
        200, _one_inventory, low="1.0"),
    ("PUT", _ONE + "/inventories/{resource_class}"): c.one(
        200, _one_inventory, low="1.0"),
    ("DELETE", _ONE + "/inventories/{resource_class}"): c.none(
        204, low="1.0"),
    ("GET", _ONE + "/usages"): c.one(200, c.obj({
        "usages": _counts, "resource_provider_generation": _generation}),
        low="1.0"),
    ("GET", _ONE + "/aggregates"): (
        c.one(200, _aggregates, low="1.1", high="1.18")
        + c.one(200, _aggregates_v119, low="1.19")),
    ("PUT", _ONE + "/aggregates"): (
        c.one(200, _aggregates, low="1.1", high="1.18")
        + c.one(200, _aggregates_v119, low="1.19")),
    ("GET", _ONE + "/traits"): c.one(200, _traits, low="1.6"),
    ("PUT", _ONE + "/traits"): c.one(200, _traits, low="1.6"),
    ("DELETE", _ONE + "/traits"): c.none(204, low="1.6"),
    ("GET", _ONE + "/allocations"): c.one(200, c.obj({
        "allocations": {"type": "object", "additionalProperties": c.obj(
            {"resources": _counts})},
        "resource_provider_generation": _generation}), low="1.0"),
}
