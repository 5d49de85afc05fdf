"""/servers: the server as list, show, create, update and rebuild show it
(Nova's api-ref "Servers - servers")."""
import copy

from stratus.api.schemas.responses import common as c

_image_ref = {"anyOf": [
    {"type": "string", "enum": [""]},
    c.obj({"id": c.string, "links": c.links})]}
# 2.98: the image's standard properties (Nova's image_props_filter), as
# strings of at most 255 characters.
_image_properties = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9_:. ]{1,255}$": {
        "anyOf": [{"type": "string", "maxLength": 255}, {"type": "null"}]}},
    "additionalProperties": False}
_image_ref_v298 = {"anyOf": [
    {"type": "string", "enum": [""]},
    c.obj({"id": c.string, "links": c.links,
           "properties": _image_properties}, required=["id", "links"])]}
_flavor_ref = c.obj({"id": c.string, "links": c.links})
_flavor_v247 = c.obj({"vcpus": c.integer, "ram": c.integer, "disk": c.integer,
                      "ephemeral": c.integer, "swap": c.integer,
                      "original_name": c.string,
                      "extra_specs": {"type": "object",
                                      "additionalProperties": c.string}},
                     required=["vcpus", "ram", "disk", "ephemeral", "swap",
                               "original_name"])
_address = c.obj({"version": {"type": "integer", "enum": [4, 6]},
                  "addr": c.string,
                  "OS-EXT-IPS:type": {"type": "string",
                                      "enum": ["fixed", "floating"]},
                  "OS-EXT-IPS-MAC:mac_addr": c.nullable_string},
                 required=["version", "addr"])
addresses = {"type": "object", "additionalProperties": c.array_of(_address)}
_fault = c.obj({"code": c.integer, "created": c.datetime,
                "message": c.string, "details": c.string},
               required=["code", "created", "message"])
_volume_attached = c.obj({"id": c.string,
                          "delete_on_termination": c.boolean},
                         required=["id"])
_ipv4 = {"anyOf": [{"type": "string", "format": "ipv4"},
                   {"type": "string", "enum": [""]}]}
_ipv6 = {"anyOf": [{"type": "string", "format": "ipv6"},
                   {"type": "string", "enum": [""]}]}

# What every server shows from 2.1 (update and rebuild too).
_BASE = {
    "id": c.string, "name": c.string,
    "status": {"type": "string", "enum": [
        "ACTIVE", "BUILD", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING",
        "PASSWORD", "PAUSED", "REBOOT", "REBUILD", "RESCUE", "RESIZE",
        "REVERT_RESIZE", "SHELVED", "SHELVED_OFFLOADED", "SHUTOFF",
        "SOFT_DELETED", "SUSPENDED", "UNKNOWN", "VERIFY_RESIZE"]},
    "tenant_id": c.string, "user_id": c.string, "metadata": c.metadata,
    "hostId": c.string, "image": _image_ref, "flavor": _flavor_ref,
    "created": c.datetime, "updated": c.datetime, "addresses": addresses,
    "accessIPv4": _ipv4, "accessIPv6": _ipv6,
    "links": c.links, "OS-DCF:diskConfig": {"type": "string",
                                            "enum": ["AUTO", "MANUAL"]},
    "fault": _fault, "progress": c.integer,
}
_BASE_REQUIRED = sorted(set(_BASE) - {"fault", "progress"})

# What show and list add (update and rebuild from 2.75); the extended
# server attributes are an admin's (policy), so none of them is required.
_FULL = {
    "OS-EXT-AZ:availability_zone": c.string,
    "config_drive": c.string,
    "key_name": c.nullable_string,
    "OS-SRV-USG:launched_at": c.nullable_datetime,
    "OS-SRV-USG:terminated_at": c.nullable_datetime,
    "security_groups": c.array_of(c.obj({"name": c.string})),
    "OS-EXT-SRV-ATTR:host": c.nullable_string,
    "OS-EXT-SRV-ATTR:instance_name": c.string,
    "OS-EXT-SRV-ATTR:hypervisor_hostname": c.nullable_string,
    "OS-EXT-STS:task_state": c.nullable_string,
    "OS-EXT-STS:vm_state": c.string,
    "OS-EXT-STS:power_state": c.integer,
    "os-extended-volumes:volumes_attached": c.array_of(_volume_attached),
}
_FULL_REQUIRED = ["OS-EXT-AZ:availability_zone", "config_drive", "key_name",
                  "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at",
                  "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state",
                  "OS-EXT-STS:power_state",
                  "os-extended-volumes:volumes_attached"]
_ATTRS_V23 = {"OS-EXT-SRV-ATTR:" + key: schema for key, schema in (
    ("reservation_id", c.nullable_string), ("launch_index", {"type": ["integer", "null"]}),
    ("hostname", c.nullable_string), ("kernel_id", c.nullable_string),
    ("ramdisk_id", c.nullable_string), ("root_device_name", c.nullable_string),
    ("user_data", c.nullable_string))}


def _changes(full, kind):
    """The microversions at which the server's shape changes."""
    changes = []
    if full:
        changes.append(("2.3", _ATTRS_V23, [], []))
    changes.append(("2.9", {"locked": c.boolean}, ["locked"], []))
    if full:
        changes.append(("2.16", {"host_status": c.string}, [], []))
    changes.append(("2.19", {"description": c.nullable_string},
                    ["description"], []))
    changes.append(("2.26", {"tags": c.array_of(c.string)}, ["tags"], []))
    changes.append(("2.47", {"flavor": _flavor_v247}, [], []))
    if kind == "rebuild":
        changes.append(("2.54", {"key_name": c.nullable_string},
                        ["key_name"], []))
        changes.append(("2.57", {"user_data": c.nullable_string},
                        ["user_data"], []))
    changes.append(("2.63", {"trusted_image_certificates": {
        "type": ["array", "null"], "items": c.string}},
        ["trusted_image_certificates"], []))
    if kind in ("show", "update", "rebuild"):
        changes.append(("2.71", {"server_groups": c.array_of(c.string)},
                        ["server_groups"], []))
    changes.append(("2.73", {"locked_reason": c.nullable_string},
                    ["locked_reason"], []))
    if kind in ("update", "rebuild"):
        added = dict(_FULL, **_ATTRS_V23, host_status=c.string)
        changes.append(("2.75", added, _FULL_REQUIRED, []))
    changes.append(("2.90", {"OS-EXT-SRV-ATTR:hostname": c.nullable_string},
                    [], []))
    changes.append(("2.96", {"pinned_availability_zone": c.nullable_string},
                    ["pinned_availability_zone"], []))
    changes.append(("2.98", {"image": _image_ref_v298}, [], []))
    changes.append(("2.100", {"scheduler_hints": {"type": "object"}},
                    ["scheduler_hints"], []))
    return changes


def server_bands(kind):
    """kind: show, list (detail), update or rebuild."""
    full = kind in ("show", "list")
    properties = dict(_BASE, **(_FULL if full else {}))
    required = _BASE_REQUIRED + (_FULL_REQUIRED if full else [])
    if kind == "rebuild":
        properties["adminPass"] = c.string
    return c.bands((properties, required), _changes(full, kind))


# 2.69: a server of a cell that cannot be reached.
_DOWN_LIST = c.obj({"id": c.string, "status": {"enum": ["UNKNOWN"]},
                    "links": c.links})
_DOWN_DETAIL = c.obj({"id": c.string, "status": {"enum": ["UNKNOWN"]},
                      "links": c.links, "tenant_id": c.string,
                      "created": c.datetime})
_DOWN_SHOW = c.obj({"id": c.string, "status": {"enum": ["UNKNOWN"]},
                    "links": c.links, "tenant_id": c.string,
                    "created": c.datetime, "user_id": c.string,
                    "image": _image_ref_v298, "flavor": {"type": "object"},
                    "OS-EXT-AZ:availability_zone": c.string,
                    "OS-EXT-STS:power_state": c.integer,
                    "server_groups": c.array_of(c.string)},
                   required=["id", "status", "links", "tenant_id", "created",
                             "user_id", "image", "flavor",
                             "OS-EXT-AZ:availability_zone",
                             "OS-EXT-STS:power_state"])


def _with_down_cells(ranged, down):
    """From 2.69 a server may be a down cell's record."""
    result = []
    for low, high, schema in ranged:
        if c.parse(low) >= (2, 69):
            schema = {"anyOf": [schema, down]}
        elif high is None or c.parse(high) >= (2, 69):
            split = "2.69"
            result.append((low, "2.68", schema))
            low, schema = split, {"anyOf": [copy.deepcopy(schema), down]}
        result.append((low, high, schema))
    return result


_summary = c.obj({"id": c.string, "name": c.string, "links": c.links})


def _collection(server_schema):
    return c.wrap("servers", c.array_of(server_schema),
                  {"servers_links": c.collection_links})


_created = c.obj({"id": c.string, "links": c.links,
                  "OS-DCF:diskConfig": {"enum": ["AUTO", "MANUAL"]},
                  "security_groups": c.array_of(c.obj({"name": c.string})),
                  "adminPass": c.string},
                 # as tempest's create_server: the rest may be left out
                 required=["id", "links"])
_reservation = c.obj({"reservation_id": c.string})

SHOW = _with_down_cells(server_bands("show"), _DOWN_SHOW)

RESPONSES = {
    ("GET", "/v2.1/servers"): c.entries(
        200, _with_down_cells([("2.1", None, _summary)], _DOWN_LIST),
        _collection),
    ("GET", "/v2.1/servers/detail"): c.entries(
        200, _with_down_cells(server_bands("list"), _DOWN_DETAIL),
        _collection),
    ("POST", "/v2.1/servers"): (
        c.one(202, {"anyOf": [c.wrap("server", _created), _reservation]})),
    ("GET", "/v2.1/servers/{server_id}"): c.entries(
        200, SHOW, lambda schema: c.wrap("server", schema)),
    ("PUT", "/v2.1/servers/{server_id}"): c.entries(
        200, server_bands("update"), lambda schema: c.wrap("server", schema)),
    ("DELETE", "/v2.1/servers/{server_id}"): c.none(204),
}
