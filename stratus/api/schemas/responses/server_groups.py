"""/os-server-groups (Nova's api-ref "Server groups")."""
from stratus.api.schemas.responses import common as c

_POLICIES = ["affinity", "anti-affinity", "soft-affinity",
             "soft-anti-affinity"]
group = c.bands(
    ({"id": c.string, "name": c.string, "members": c.array_of(c.string),
      "policies": {"type": "array", "maxItems": 1,
                   "items": {"enum": _POLICIES}},
      "metadata": c.obj({})},
     ["id", "name", "members", "policies", "metadata"]),
    [("2.13", {"project_id": c.string, "user_id": c.string},
      ["project_id", "user_id"], []),
     ("2.64", {"policies": None, "metadata": None,
               "policy": {"enum": _POLICIES},
               "rules": c.obj({"max_server_per_host": {
                   "type": "integer", "minimum": 1}}, required=[])},
      ["policy", "rules"], [])])

_ROUTE = "/v2.1/os-server-groups"

RESPONSES = {
    ("GET", _ROUTE): c.entries(
        200, group, lambda s: c.wrap("server_groups", c.array_of(s))),
    ("POST", _ROUTE): c.entries(200, group,
                                lambda s: c.wrap("server_group", s)),
    ("GET", _ROUTE + "/{server_group_id}"): c.entries(
        200, group, lambda s: c.wrap("server_group", s)),
    ("DELETE", _ROUTE + "/{server_group_id}"): c.none(204),
}
