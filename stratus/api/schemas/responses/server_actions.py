"""Responses of POST /servers/{id}/action. Most actions answer 202 (or
204) without a body; ACTION_RESPONSES holds those with one, per action
name (the route alone does not say which action was asked): rebuild,
after Nova's rebuild_response schemas.

The rebuild body before 2.75 is the smaller one (addresses without their
type and MAC); from 2.75 it is the server as show has it, except that
user_data (2.57) stays under its own name and OS-EXT-SRV-ATTR:user_data
is never there.
"""
import copy

_ROUTE = "/v2.1/servers/{server_id}/action"

_LINKS = {"type": "array", "items": {
    "type": "object",
    "properties": {"href": {"type": "string", "format": "uri"},
                   "rel": {"type": "string"},
                   "type": {"type": "string"}},
    "required": ["href", "rel"],
    "additionalProperties": False}}

_STATUS = {"type": "string", "enum": [
    "ACTIVE", "BUILD", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING",
    "PASSWORD", "PAUSED", "REBOOT", "REBUILD", "RESCUE", "RESIZE",
    "REVERT_RESIZE", "SHELVED", "SHELVED_OFFLOADED", "SHUTOFF",
    "SOFT_DELETED", "SUSPENDED", "UNKNOWN", "VERIFY_RESIZE"]}

_NULLABLE_STRING = {"type": ["string", "null"]}
_USER_DATA = {"type": ["string", "null"], "format": "base64",
              "maxLength": 65535}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def _address(extended):
    properties = {"addr": {"type": "string"},
                  "version": {"type": "number", "enum": [4, 6]}}
    required = ["addr", "version"]
    if extended:
        properties["OS-EXT-IPS-MAC:mac_addr"] = {"type": "string"}
        properties["OS-EXT-IPS:type"] = {"type": "string",
                                         "enum": ["fixed", "floating"]}
        required += ["OS-EXT-IPS-MAC:mac_addr", "OS-EXT-IPS:type"]
    return {"type": "object",
            "patternProperties": {"^.+$": {"type": "array", "items": {
                "type": "object", "properties": properties,
                "required": required, "additionalProperties": False}}},
            "additionalProperties": False}


def _image(with_properties):
    image = {"type": "object",
             "properties": {"id": {"type": "string", "format": "uuid"},
                            "links": _LINKS},
             "additionalProperties": False}
    if with_properties:
        image["properties"]["properties"] = {
            "type": "object",
            "patternProperties": {"^[a-zA-Z0-9_:. ]{1,255}$": {
                "type": ["string", "null"], "maxLength": 255}},
            "additionalProperties": False}
    return {"oneOf": [{"type": "string", "const": ""}, image]}


_FLAVOR_LINKED = {"type": "object",
                  "properties": {"id": {"type": "string"}, "links": _LINKS},
                  "additionalProperties": False}
_FLAVOR_EMBEDDED = {
    "type": "object",
    "properties": {
        "disk": {"type": "integer"}, "ephemeral": {"type": "integer"},
        "extra_specs": {"type": "object",
                        "patternProperties": {"^.+$": {"type": "string"}},
                        "additionalProperties": False},
        "original_name": {"type": "string"}, "ram": {"type": "integer"},
        "swap": {"type": "integer"}, "vcpus": {"type": "integer"}},
    "required": ["disk", "ephemeral", "original_name", "ram", "swap",
                 "vcpus"],
    "additionalProperties": False}

_FAULT = {"type": "object",
          "properties": {"code": {"type": "integer"}, "created": _TIME,
                         "details": {"type": "string"},
                         "message": {"type": "string"}},
          "required": ["code", "created", "message"],
          "additionalProperties": False}

# Fields of 2.75 (every field of show but user_data).
_V275 = {
    "config_drive": {"type": ["string", "boolean", "null"]},
    "OS-EXT-AZ:availability_zone": {"type": "string"},
    "OS-EXT-SRV-ATTR:host": _NULLABLE_STRING,
    "OS-EXT-SRV-ATTR:hostname": {"type": "string"},
    "OS-EXT-SRV-ATTR:hypervisor_hostname": _NULLABLE_STRING,
    "OS-EXT-SRV-ATTR:instance_name": {"type": "string"},
    "OS-EXT-SRV-ATTR:kernel_id": _NULLABLE_STRING,
    "OS-EXT-SRV-ATTR:launch_index": {"type": ["integer", "null"]},
    "OS-EXT-SRV-ATTR:ramdisk_id": _NULLABLE_STRING,
    "OS-EXT-SRV-ATTR:reservation_id": _NULLABLE_STRING,
    "OS-EXT-SRV-ATTR:root_device_name": _NULLABLE_STRING,
    "OS-EXT-STS:power_state": {"type": ["integer", "null"],
                               "enum": [0, 1, 3, 4, 6, 7, None]},
    "OS-EXT-STS:task_state": _NULLABLE_STRING,
    "OS-EXT-STS:vm_state": _NULLABLE_STRING,
    "os-extended-volumes:volumes_attached": {"type": "array", "items": {
        "type": "object",
        "properties": {"id": {"type": "string"},
                       "delete_on_termination": {"type": "boolean"}},
        "required": ["id", "delete_on_termination"],
        "additionalProperties": False}},
    "OS-SRV-USG:launched_at": _NULLABLE_TIME,
    "OS-SRV-USG:terminated_at": _NULLABLE_TIME,
    "security_groups": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"}},
        "required": ["name"], "additionalProperties": False}},
    "host_status": {"type": "string"},
}
# Of those, always there (the OS-EXT-SRV-ATTR ones and host_status are
# behind policy, security_groups only with ports).
_V275_REQUIRED = ["config_drive", "OS-EXT-AZ:availability_zone",
                  "OS-EXT-STS:power_state", "OS-EXT-STS:task_state",
                  "OS-EXT-STS:vm_state",
                  "os-extended-volumes:volumes_attached",
                  "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at"]


def rebuild_response(version):
    """Nova's rebuild response body at version (a (major, minor) tuple)."""
    server = {
        "accessIPv4": {"type": "string",
                       "oneOf": [{"format": "ipv4"}, {"const": ""}]},
        "accessIPv6": {"type": "string",
                       "oneOf": [{"format": "ipv6"}, {"const": ""}]},
        "addresses": _address(extended=version >= (2, 75)),
        "adminPass": _NULLABLE_STRING,
        "created": _TIME,
        "fault": _FAULT,
        "flavor": _FLAVOR_EMBEDDED if version >= (2, 47) else _FLAVOR_LINKED,
        "hostId": {"type": "string"},
        "id": {"type": "string"},
        "image": _image(with_properties=version >= (2, 98)),
        "links": _LINKS,
        "metadata": {"type": "object",
                     "patternProperties": {"^.+$": {"type": "string"}},
                     "additionalProperties": False},
        "name": _NULLABLE_STRING,
        "progress": {"type": ["null", "number"]},
        "status": _STATUS,
        "tenant_id": {"type": "string"},
        "updated": _TIME,
        "user_id": {"type": "string"},
        "OS-DCF:diskConfig": {"type": "string"},
    }
    required = ["accessIPv4", "accessIPv6", "addresses", "created",
                "flavor", "hostId", "id", "image", "links", "metadata",
                "name", "status", "tenant_id", "updated", "user_id",
                "OS-DCF:diskConfig"]
    added = [((2, 9), "locked", {"type": "boolean"}),
             ((2, 19), "description", _NULLABLE_STRING),
             ((2, 26), "tags", {"type": "array",
                                "items": {"type": "string"},
                                "maxItems": 50}),
             ((2, 54), "key_name", _NULLABLE_STRING),
             ((2, 57), "user_data", _USER_DATA),
             ((2, 63), "trusted_image_certificates", {
                 "type": ["array", "null"], "items": {"type": "string"}}),
             ((2, 71), "server_groups", {
                 "type": "array",
                 "items": {"type": "string", "format": "uuid"},
                 "maxItems": 1}),
             ((2, 73), "locked_reason", _NULLABLE_STRING),
             ((2, 96), "pinned_availability_zone", _NULLABLE_STRING),
             ((2, 100), "scheduler_hints", {"type": "object"})]
    for since, name, schema in added:
        if version >= since:
            server[name] = schema
            required.append(name)
    if version >= (2, 75):
        server.update(copy.deepcopy(_V275))
        required += _V275_REQUIRED
    return {"type": "object",
            "properties": {"server": {
                "type": "object", "properties": server,
                "required": required, "additionalProperties": False}},
            "required": ["server"], "additionalProperties": False}


# The microversions at which the rebuild body changes shape.
_REBUILD_STEPS = [(2, 1), (2, 9), (2, 19), (2, 26), (2, 47), (2, 54),
                  (2, 57), (2, 63), (2, 71), (2, 73), (2, 75), (2, 96),
                  (2, 98), (2, 100)]


def _ranges(steps):
    for low, high in zip(steps, steps[1:] + [None]):
        end = None if high is None else "%d.%d" % (high[0], high[1] - 1)
        yield "%d.%d" % low, end, low


ACTION_RESPONSES = {
    ("POST", _ROUTE, "rebuild"): [
        (low, high, 202, rebuild_response(version))
        for low, high, version in _ranges(_REBUILD_STEPS)],
}
