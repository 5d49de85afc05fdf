"""/flavors/{flavor_id}/os-flavor-access and its actions."""
from stratus.api.schemas.responses import common as c

_access = c.wrap("flavor_access", c.array_of(
    c.obj({"flavor_id": c.string, "tenant_id": c.string})))

RESPONSES = {
    ("GET", "/v2.1/flavors/{flavor_id}/os-flavor-access"): c.one(200, _access),
    ("POST", "/v2.1/flavors/{flavor_id}/action"): c.one(200, _access),
}
