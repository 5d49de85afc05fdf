"""Request schemas of /servers: create, update, list queries, lock.

Each microversion's schema is built from the previous one, as Nova does,
so the differences read top to bottom.
"""
import copy

from stratus.api.schemas import common
from stratus.objects import tag as tag_obj

MAX_USER_DATA = 65535

tag = {
    "type": "string", "minLength": 1, "maxLength": tag_obj.MAX_TAG_LENGTH,
    "pattern": "^[^,/]*$",
}

description = {
    "type": ["string", "null"], "minLength": 0, "maxLength": 255,
    "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
}

# 2.90: a hostname of one label; 2.94: a fully qualified domain name.
hostname = {
    "type": "string", "minLength": 2, "maxLength": 63,
    "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$",
}
fqdn = {
    "type": "string", "minLength": 2, "maxLength": 255,
    "pattern": r"^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*"
               r"[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.?$",
}
# A compute host or node name (2.74).
host_name = {
    "type": "string", "minLength": 1, "maxLength": 255,
    "pattern": "^[a-zA-Z0-9-._]*$",
}

uuid = {"type": "string", "format": "uuid"}
base64_text = {"type": "string", "maxLength": MAX_USER_DATA}

metadata = common.metadata()

_network = {
    "type": "object",
    "properties": {
        "fixed_ip": {"type": "string", "anyOf": [{"format": "ipv4"},
                                                 {"format": "ipv6"}]},
        "port": {"oneOf": [uuid, {"type": "null"}]},
        "uuid": {"type": "string"},
    },
    "additionalProperties": False,
}

# Nova's block device mapping (v2): images, volumes, snapshots and blank
# disks, checked further by stratus/compute_api/block_device.py.
_block_device_mapping = {
    "type": "object",
    "properties": {
        "virtual_name": {"type": "string", "maxLength": 255},
        "volume_id": uuid,
        "snapshot_id": uuid,
        "volume_size": common.positive_integer,
        "device_name": {"type": "string", "minLength": 1, "maxLength": 255,
                        "pattern": "^[a-zA-Z0-9._/-]*$"},
        "delete_on_termination": common.boolean,
        "no_device": {},
        "connection_info": {"type": "string", "maxLength": 16777215},
        "source_type": {"type": "string",
                        "enum": ["volume", "image", "snapshot", "blank"]},
        "uuid": {"type": "string", "minLength": 1, "maxLength": 255,
                 "pattern": "^[a-zA-Z0-9._-]*$"},
        "image_id": uuid,
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "guest_format": {"type": "string", "maxLength": 255},
        "device_type": {"type": "string", "maxLength": 255},
        "disk_bus": {"type": "string", "maxLength": 255},
        "boot_index": {"type": ["integer", "string", "null"],
                       "pattern": "^-?[0-9]+$"},
    },
    "additionalProperties": False,
}

# Nova's legacy block device mapping (v1): volumes and snapshots by id.
_legacy_block_device_mapping = {
    "type": "object",
    "properties": {name: _block_device_mapping["properties"][name]
                   for name in ("virtual_name", "volume_id", "snapshot_id",
                                "volume_size", "device_name",
                                "delete_on_termination", "no_device",
                                "connection_info")},
    "additionalProperties": False,
}

_hints = {
    "type": "object",
    "properties": {
        "group": uuid,
        "different_host": {"oneOf": [uuid, {"type": "array",
                                            "items": uuid}]},
        "same_host": {"type": ["string", "array"], "items": uuid},
        "query": {"type": ["string", "object"]},
        "target_cell": common.name,
        "different_cell": {"type": ["string", "array"],
                           "items": {"type": "string"}},
        "build_near_host_ip": {"type": "string",
                               "anyOf": [{"format": "ipv4"},
                                         {"format": "ipv6"}]},
        "cidr": {"type": "string", "pattern": "^/[0-9a-f.:]+$"},
    },
    # Nova lets schedulers define their own hints.
    "additionalProperties": True,
}

# What both create and update (PUT) set.
_updatable = {
    "name": common.name,
    "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
    "accessIPv4": {"type": "string", "format": "ipv4"},
    "accessIPv6": {"type": "string", "format": "ipv6"},
}

create = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": dict(
                _updatable,
                # '': boot from volume (the root block device mapping).
                imageRef={"oneOf": [uuid, {"type": "string",
                                           "maxLength": 0}]},
                flavorRef={"type": ["string", "integer"], "minLength": 1},
                adminPass={"type": "string"},
                metadata=metadata,
                networks={"type": "array", "items": _network},
                block_device_mapping_v2={"type": "array",
                                         "items": _block_device_mapping},
                block_device_mapping={"type": "array",
                                      "items": _legacy_block_device_mapping},
                personality={
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "path": {"type": "string"},
                            "contents": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                },
                availability_zone=common.name,
                config_drive=common.boolean,
                key_name=common.name,
                min_count=common.positive_integer,
                max_count=common.positive_integer,
                return_reservation_id=common.boolean,
                security_groups={
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"name": common.name},
                        "additionalProperties": False,
                    },
                },
                user_data=base64_text),
            "required": ["name", "flavorRef"],
            "additionalProperties": False,
        },
        "os:scheduler_hints": _hints,
        "OS-SCH-HNT:scheduler_hints": _hints,
    },
    "required": ["server"],
    "additionalProperties": False,
}


def _server(schema):
    return schema["properties"]["server"]["properties"]


create_v219 = copy.deepcopy(create)
_server(create_v219)["description"] = description

create_v232 = copy.deepcopy(create_v219)
_server(create_v232)["networks"]["items"]["properties"]["tag"] = tag
_server(create_v232)["block_device_mapping_v2"]["items"]["properties"][
    "tag"] = tag

# 2.33 to 2.36: Nova takes the block device tag back (it returns in 2.42);
# network tags stay until 2.37.
create_v233 = copy.deepcopy(create_v232)
del _server(create_v233)["block_device_mapping_v2"]["items"]["properties"][
    "tag"]

# 2.37: networks required, 'auto' or 'none' or a list of uuids.
create_v237 = copy.deepcopy(create_v219)
create_v237["properties"]["server"]["required"].append("networks")
_network_v237 = copy.deepcopy(_network)
_network_v237["properties"]["uuid"] = uuid
_server(create_v237)["networks"] = {"oneOf": [
    {"type": "array", "items": _network_v237},
    {"type": "string", "enum": ["none", "auto"]},
]}

create_v242 = copy.deepcopy(create_v237)
_server(create_v242)["networks"]["oneOf"][0]["items"]["properties"][
    "tag"] = tag
_server(create_v242)["block_device_mapping_v2"]["items"]["properties"][
    "tag"] = tag

create_v252 = copy.deepcopy(create_v242)
_server(create_v252)["tags"] = {"type": "array", "items": tag,
                                "maxItems": tag_obj.MAX_TAG_COUNT}

create_v257 = copy.deepcopy(create_v252)
del _server(create_v257)["personality"]

# 2.63: the certificates the server's image must be signed by.
trusted_image_certificates = {
    "type": ["array", "null"], "minItems": 1, "maxItems": 50,
    "uniqueItems": True, "items": {"type": "string", "minLength": 1},
}
create_v263 = copy.deepcopy(create_v257)
_server(create_v263)["trusted_image_certificates"] = (
    trusted_image_certificates)

create_v267 = copy.deepcopy(create_v263)
_server(create_v267)["block_device_mapping_v2"]["items"]["properties"][
    "volume_type"] = {"type": ["string", "null"], "minLength": 0,
                      "maxLength": 255}

create_v274 = copy.deepcopy(create_v267)
_server(create_v274)["host"] = host_name
_server(create_v274)["hypervisor_hostname"] = host_name

create_v290 = copy.deepcopy(create_v274)
_server(create_v290)["hostname"] = hostname

create_v294 = copy.deepcopy(create_v290)
_server(create_v294)["hostname"] = fqdn

update = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": dict(_updatable),
            "additionalProperties": False,
        },
    },
    "required": ["server"],
    "additionalProperties": False,
}

update_v219 = copy.deepcopy(update)
_server(update_v219)["description"] = description

update_v290 = copy.deepcopy(update_v219)
_server(update_v290)["hostname"] = hostname

update_v294 = copy.deepcopy(update_v290)
_server(update_v294)["hostname"] = fqdn

# 2.104: null unpins the server from its availability zone, the name of
# the zone it is in pins it again.
update_v2104 = copy.deepcopy(update_v294)
_server(update_v2104)["pinned_availability_zone"] = {
    "oneOf": [common.name, {"type": "null"}]}

lock_v273 = {
    "type": "object",
    "properties": {
        "lock": {
            "type": ["object", "null"],
            "properties": {
                "locked_reason": {"type": "string", "minLength": 1,
                                  "maxLength": 255},
            },
            "additionalProperties": False,
        },
    },
    "required": ["lock"],
    "additionalProperties": False,
}

# List queries ------------------------------------------------------------------

# Sort keys Nova accepted before validating them; ignored, not refused.
IGNORED_SORT_KEYS = [
    "architecture", "cell_name", "cleaned", "default_ephemeral_device",
    "default_swap_device", "deleted", "deleted_at", "disable_terminate",
    "ephemeral_gb", "ephemeral_key_uuid", "id", "key_data", "launched_on",
    "locked", "memory_mb", "os_type", "reservation_id", "root_gb",
    "shutdown_terminate", "user_data", "vcpus", "vm_mode",
]
IGNORED_SORT_KEYS_V273 = [key for key in IGNORED_SORT_KEYS
                          if key != "locked"]
SORT_KEYS = [
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone",
    "config_drive", "created_at", "display_description", "display_name",
    "host", "hostname", "image_ref", "instance_type_id", "kernel_id",
    "key_name", "launch_index", "launched_at", "locked_by", "node",
    "power_state", "progress", "project_id", "ramdisk_id",
    "root_device_name", "task_state", "terminated_at", "updated_at",
    "user_id", "uuid", "vm_state",
]

# Nova's joined-table names: known, so that they are refused (400) rather
# than silently dropped.
JOINED_TABLE_PARAMS = ["block_device_mapping", "services", "metadata",
                       "system_metadata", "info_cache", "security_groups",
                       "pci_devices"]

_regex = common.multi_params({"type": "string", "format": "regex"})
_query_v21 = dict(
    {name: common.query_string for name in (
        "user_id", "project_id", "tenant_id", "launch_index", "image_ref",
        "image", "vm_state", "task_state", "host", "uuid", "sort_dir",
        "all_tenants", "soft_deleted", "deleted", "status",
        "changes-since")},
    **{name: _regex for name in (
        "kernel_id", "ramdisk_id", "hostname", "key_name", "power_state",
        "node", "flavor", "reservation_id", "launched_at", "terminated_at",
        "availability_zone", "name", "display_name", "description",
        "display_description", "locked_by", "root_device_name",
        "config_drive", "access_ip_v4", "access_ip_v6", "auto_disk_config",
        "progress", "created_at", "ip", "ip6")},
    **{name: common.query_string for name in JOINED_TABLE_PARAMS},
    **common.pagination_parameters,
    sort_key=common.multi_params({"type": "string",
                                  "enum": SORT_KEYS + IGNORED_SORT_KEYS}))

query_v21 = common.query_schema(_query_v21)
# Internal attributes (leading underscore) are refused by the handler.
query_v21["patternProperties"] = {"^_": common.query_string}

query_v226 = copy.deepcopy(query_v21)
query_v226["properties"].update({name: _regex for name in (
    "tags", "tags-any", "not-tags", "not-tags-any")})

query_v266 = copy.deepcopy(query_v226)
query_v266["properties"]["changes-before"] = common.query_string

query_v273 = copy.deepcopy(query_v266)
query_v273["properties"]["locked"] = common.query_string
query_v273["properties"]["sort_key"] = common.multi_params(
    {"type": "string", "enum": SORT_KEYS + ["locked"]
     + IGNORED_SORT_KEYS_V273})

# 2.75: unknown parameters and the ignored sort keys become 400s.
query_v275 = common.strict_variant(query_v273)
query_v275["properties"]["sort_key"] = common.multi_params(
    {"type": "string", "enum": SORT_KEYS + ["locked"]})
