"""/servers/{server_id}/os-interface (Nova's api-ref "Port interfaces")."""
from stratus.api.schemas.responses import common as c

_interface = c.bands(
    ({"port_id": c.string, "net_id": c.nullable_string,
      "mac_addr": c.nullable_string,
      "port_state": c.string,
      "fixed_ips": c.array_of(c.obj({"subnet_id": c.nullable_string,
                                     "ip_address": c.string}))}, None),
    [("2.70", {"tag": c.nullable_string}, ["tag"], [])])
_ROUTE = "/v2.1/servers/{server_id}/os-interface"


def _one(schema):
    return c.wrap("interfaceAttachment", schema)


RESPONSES = {
    ("GET", _ROUTE): c.entries(
        200, _interface,
        lambda s: c.wrap("interfaceAttachments", c.array_of(s))),
    ("POST", _ROUTE): c.entries(200, _interface, _one),
    ("GET", _ROUTE + "/{port_id}"): c.entries(200, _interface, _one),
    ("DELETE", _ROUTE + "/{port_id}"): c.none(202),
}
