"""/os-keypairs (Nova's api-ref "Keypairs")."""
from stratus.api.schemas.responses import common as c

_type = {"type": "string", "enum": ["ssh", "x509"]}
_listed = c.bands(
    ({"name": c.string, "public_key": c.string, "fingerprint": c.string},
     ["name", "public_key", "fingerprint"]),
    [("2.2", {"type": _type}, ["type"], [])])
_created = c.bands(
    ({"name": c.string, "public_key": c.string, "fingerprint": c.string,
      "user_id": c.string, "private_key": c.string},
     ["name", "public_key", "fingerprint", "user_id"]),
    [("2.2", {"type": _type}, ["type"], []),
     # 2.92: no more generated keys
     ("2.92", {"private_key": None}, [], [])])
_shown = c.bands(
    ({"name": c.string, "public_key": c.string, "fingerprint": c.string,
      "user_id": c.string, "deleted": c.boolean,
      "deleted_at": c.nullable_datetime, "id": c.integer,
      "created_at": c.datetime, "updated_at": c.nullable_datetime},
     ["name", "public_key", "fingerprint", "user_id", "deleted",
      "deleted_at", "id", "created_at", "updated_at"]),
    [("2.2", {"type": _type}, ["type"], [])])


def _list(schema):
    return c.wrap("keypairs", c.array_of(c.wrap("keypair", schema)),
                  {"keypairs_links": c.collection_links})


def _one(schema):
    return c.wrap("keypair", schema)


def _split(ranged, version):
    """The ranges of ranged cut at version: (before, from)."""
    before, after = [], []
    for low, high, schema in ranged:
        if c.parse(low) >= c.parse(version):
            after.append((low, high, schema))
        elif high is not None and c.parse(high) < c.parse(version):
            before.append((low, high, schema))
        else:
            before.append((low, c._before(version), schema))
            after.append((version, high, schema))
    return before, after


_created_200, _created_201 = _split(_created, "2.2")

RESPONSES = {
    ("GET", "/v2.1/os-keypairs"): c.entries(200, _listed, _list),
    ("POST", "/v2.1/os-keypairs"): (c.entries(200, _created_200, _one)
                                    + c.entries(201, _created_201, _one)),
    ("GET", "/v2.1/os-keypairs/{keypair_name}"): c.entries(200, _shown, _one),
    ("DELETE", "/v2.1/os-keypairs/{keypair_name}"): (
        c.none(202, high="2.1") + c.none(204, low="2.2")),
}
