"""/os-security-groups, /os-security-group-rules and a server's groups
(Nova's api-ref "Security groups (os-security-groups) (DEPRECATED)",
"Rules for default security group (os-security-group-rules)" and
"Servers Security Groups"): proxies to the network service, up to 2.35
but for a server's groups."""
from stratus.api.schemas.responses import common as c

_PROXY_MAX = "2.35"
_nullable_integer = {"type": ["integer", "null"]}

_rule = c.obj({
    "id": c.uuid, "parent_group_id": c.uuid,
    "ip_protocol": c.nullable_string,
    "from_port": _nullable_integer, "to_port": _nullable_integer,
    "group": c.obj({"name": c.nullable_string,
                    "tenant_id": c.nullable_string}, required=[]),
    "ip_range": c.obj({"cidr": c.string}, required=[]),
})
_group = c.obj({"id": c.uuid, "name": c.nullable_string,
                "description": c.nullable_string,
                "tenant_id": c.nullable_string,
                "rules": c.array_of(_rule)})
_groups = c.wrap("security_groups", c.array_of(_group))

RESPONSES = {
    ("GET", "/v2.1/os-security-groups"): c.one(200, _groups,
                                               high=_PROXY_MAX),
    ("POST", "/v2.1/os-security-groups"): c.one(
        200, c.wrap("security_group", _group), high=_PROXY_MAX),
    ("GET", "/v2.1/os-security-groups/{security_group_id}"): c.one(
        200, c.wrap("security_group", _group), high=_PROXY_MAX),
    ("PUT", "/v2.1/os-security-groups/{security_group_id}"): c.one(
        200, c.wrap("security_group", _group), high=_PROXY_MAX),
    ("DELETE", "/v2.1/os-security-groups/{security_group_id}"): c.none(
        202, high=_PROXY_MAX),
    ("POST", "/v2.1/os-security-group-rules"): c.one(
        200, c.wrap("security_group_rule", _rule), high=_PROXY_MAX),
    ("DELETE", "/v2.1/os-security-group-rules/{rule_id}"): c.none(
        202, high=_PROXY_MAX),
    # Served at every microversion (not one of the deprecated proxies).
    ("GET", "/v2.1/servers/{server_id}/os-security-groups"): c.one(
        200, _groups),
}
