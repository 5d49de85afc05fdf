"""Request schemas of the server actions (POST /servers/{id}/action), per
microversion as Nova has them. The console actions of before 2.6 are in
remote_consoles.py."""
import copy

from stratus.api.schemas import common
from stratus.api.schemas import servers


def _action(name, body, required=True):
    return {
        "type": "object",
        "properties": {name: body},
        "required": [name] if required else [],
        "additionalProperties": False,
    }


def any_value(name):
    """{name: anything}: Nova 34's schema of the actions whose value it
    never reads (os-stop, pause, shelve, ...; clients send null or {})."""
    return _action(name, {})


def _object(properties, required=()):
    return {"type": "object", "properties": properties,
            "required": list(required), "additionalProperties": False}


reboot = _action("reboot", _object({
    "type": {"type": "string",
             "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]}},
    required=["type"]))

trigger_crash_dump = _action("trigger_crash_dump", {"type": "null"})

rescue = _action("rescue", {
    "type": ["object", "null"],
    "properties": {"adminPass": {"type": "string"},
                   "rescue_image_ref": servers.uuid},
    "additionalProperties": False,
})

change_password = _action("changePassword", _object(
    {"adminPass": {"type": "string"}}, required=["adminPass"]))

reset_state = _action("os-resetState", _object(
    {"state": {"type": "string", "enum": ["active", "error"]}},
    required=["state"]))

console_output = _action("os-getConsoleOutput", _object({
    "length": {"type": ["integer", "string", "null"],
               "pattern": "^-?[0-9]+$", "minimum": -1}}))

create_image = _action("createImage", _object(
    {"name": common.name, "metadata": servers.metadata}, required=["name"]))

create_backup = _action("createBackup", _object({
    "name": common.name,
    "backup_type": {"type": "string"},
    "rotation": common.non_negative_integer,
    "metadata": servers.metadata,
}, required=["name", "backup_type", "rotation"]))

_personality = copy.deepcopy(
    servers.create["properties"]["server"]["properties"]["personality"])

rebuild = _action("rebuild", _object(dict(
    servers._updatable,
    imageRef={"type": "string", "minLength": 1},
    adminPass={"type": "string"},
    metadata=servers.metadata,
    preserve_ephemeral=common.boolean,
    personality=_personality), required=["imageRef"]))


def _rebuild(schema):
    return schema["properties"]["rebuild"]["properties"]


rebuild_v219 = copy.deepcopy(rebuild)
_rebuild(rebuild_v219)["description"] = servers.description

rebuild_v254 = copy.deepcopy(rebuild_v219)
_rebuild(rebuild_v254)["key_name"] = {"oneOf": [common.name,
                                                {"type": "null"}]}

rebuild_v257 = copy.deepcopy(rebuild_v254)
del _rebuild(rebuild_v257)["personality"]
_rebuild(rebuild_v257)["user_data"] = {
    "oneOf": [servers.base64_text, {"type": "null"}]}

rebuild_v263 = copy.deepcopy(rebuild_v257)
_rebuild(rebuild_v263)["trusted_image_certificates"] = (
    servers.trusted_image_certificates)

rebuild_v290 = copy.deepcopy(rebuild_v263)
_rebuild(rebuild_v290)["hostname"] = servers.hostname

rebuild_v294 = copy.deepcopy(rebuild_v290)
_rebuild(rebuild_v294)["hostname"] = servers.fqdn

# Nova's unshelve bodies: anything before 2.77; null or an object naming
# the zone at 2.77 - 2.90; null or an object with an optional zone (null
# unpins the server) and host from 2.91.
unshelve = any_value("unshelve")

unshelve_v277 = _action("unshelve", {
    "type": ["object", "null"],
    "properties": {"availability_zone": common.name},
    "required": ["availability_zone"],
    "additionalProperties": False,
})

unshelve_v291 = _action("unshelve", {"oneOf": [
    _object({"availability_zone": {"oneOf": [{"type": "null"},
                                              {"type": "string"}]},
             "host": {"type": "string"}}),
    {"type": "null"},
]})
resize = _action("resize", _object({
    "flavorRef": {"type": ["string", "integer"], "minLength": 1},
    "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
}, required=["flavorRef"]))

# Nova takes any value for these (its schemas leave them unrestricted, as
# its migrate before 2.56 had no schema): {"migrate": {}}, as clients
# send it, is a request, and of a server that does not exist a 404.
confirm_resize = any_value("confirmResize")

revert_resize = any_value("revertResize")

migrate = any_value("migrate")

# 2.56: the destination host may be named (null: the scheduler picks).
migrate_v256 = _action("migrate", {
    "type": ["object", "null"],
    "properties": {"host": {"oneOf": [servers.host_name, {"type": "null"}]}},
    "additionalProperties": False,
})

# os-migrateLive, as Nova's migrate_server schemas: block_migration,
# disk_over_commit and host (null: the scheduler picks) all required
# before 2.25; block_migration may be 'auto' and disk_over_commit is gone
# from 2.25; 2.30 adds force, 2.68 takes it away again.
_live_host = dict(servers.host_name, type=["string", "null"])

migrate_live = _action("os-migrateLive", _object({
    "block_migration": common.boolean,
    "disk_over_commit": common.boolean,
    "host": _live_host,
}, required=["block_migration", "disk_over_commit", "host"]))

migrate_live_v225 = _action("os-migrateLive", _object({
    "block_migration": dict(common.boolean,
                            enum=common.boolean["enum"] + ["auto"]),
    "host": _live_host,
}, required=["block_migration", "host"]))

migrate_live_v230 = copy.deepcopy(migrate_live_v225)
migrate_live_v230["properties"]["os-migrateLive"]["properties"]["force"] = (
    common.boolean)

# evacuate, as Nova's schemas: onSharedStorage required before 2.14 (and
# gone after); force from 2.29 to 2.67.
evacuate = _action("evacuate", _object({
    "host": servers.host_name,
    "onSharedStorage": common.boolean,
    "adminPass": {"type": "string"},
}, required=["onSharedStorage"]))

evacuate_v214 = _action("evacuate", _object({
    "host": servers.host_name,
    "adminPass": {"type": "string"},
}))

evacuate_v229 = copy.deepcopy(evacuate_v214)
evacuate_v229["properties"]["evacuate"]["properties"]["force"] = (
    common.boolean)
