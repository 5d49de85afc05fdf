"""/os-services (Nova's api-ref "Compute services")."""
from stratus.api.schemas.responses import common as c

_id = c.integer
_service = c.bands(
    ({"id": _id, "binary": c.string, "host": c.string, "zone": c.string,
      "status": {"enum": ["enabled", "disabled"]},
      "state": {"enum": ["up", "down"]}, "updated_at": c.nullable_datetime,
      "disabled_reason": c.nullable_string},
     ["id", "binary", "host", "zone", "status", "state", "updated_at",
      "disabled_reason"]),
    [("2.11", {"forced_down": c.boolean}, ["forced_down"], []),
     ("2.53", {"id": c.string}, [], [])])
# 2.69: a compute service of a cell that cannot be reached.
_down = c.obj({"binary": c.string, "host": c.string,
               "status": {"enum": ["UNKNOWN"]}})


def _listed(schema, low):
    item = {"anyOf": [schema, _down]} if c.parse(low) >= (2, 69) else schema
    return c.wrap("services", c.array_of(item))


def _list_entries():
    result = []
    for low, high, schema in _service:
        if c.parse(low) < (2, 69) and high is None:
            result.append((low, "2.68", 200, _listed(schema, low)))
            low = "2.69"
        result.append((low, high, 200, _listed(schema, low)))
    return result


_status = {"enum": ["enabled", "disabled"]}
_changed_v21 = {"anyOf": [
    c.obj({"host": c.string, "binary": c.string, "status": _status}),
    c.obj({"host": c.string, "binary": c.string, "status": _status,
           "disabled_reason": c.string}),
    c.obj({"host": c.string, "binary": c.string,
           "forced_down": c.boolean})]}

RESPONSES = {
    ("GET", "/v2.1/os-services"): _list_entries(),
    ("PUT", "/v2.1/os-services/{service_id}"): (
        c.one(200, c.wrap("service", _changed_v21), high="2.52")
        + [(low, high, 200, c.wrap("service", schema))
           for low, high, schema in _service if c.parse(low) >= (2, 53)]),
    ("DELETE", "/v2.1/os-services/{service_id}"): c.none(204),
}
