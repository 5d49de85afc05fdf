"""POST /servers/{id}/action: one action per request, named by the single
key of the body.

ACTIONS is the table of action name -> handler(req, server_id, body); an
action is added by writing its handler and its line. Unknown names get
Nova's 400 "There is no such action". Which states allow an action is
stratus/compute/states.py; docs/server-actions.md describes each one.
"""
import re

from stratus.api.compute import floating_ips
from stratus.api.compute import links
from stratus.api.compute import multinic
from stratus.api.compute import remote_consoles
from stratus.api.compute import removed
from stratus.api.compute import security_groups
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import server_actions as action_schemas
from stratus.api.schemas import servers as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.compute_api import base as compute_base
from stratus.compute_api import build as compute_build
from stratus import exception
from stratus.policies import server_actions as action_policies
from stratus.policies import servers as policies

# Characters Nova strips from console output (invalid in XML).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0B-\x1F]")


def server_action(req, server_id):
    body = req.json_document()
    if not isinstance(body, dict) or len(body) != 1:
        raise errors.bad_request("Malformed message body: too many body "
                                 "keys")
    name = next(iter(body))
    handler = ACTIONS.get(name)
    if handler is None:
        raise errors.bad_request("There is no such action: %s" % name)
    return handler(req, server_id, body)


def _accepted(req):
    return wsgi.empty_response(req, 202)


@validation.schema(schemas.lock_v273, "2.73")
def lock_server(req, server_id, body):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.LOCK % "lock", instance)
    reason = None
    if req.api_version >= (2, 73) and body["lock"]:
        reason = body["lock"].get("locked_reason")
    req.app.compute_api.lock(req.context, instance, reason=reason)
    return _accepted(req)


@validation.schema(action_schemas.any_value("unlock"))
def unlock_server(req, server_id, body):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.LOCK % "unlock", instance)
    if not req.app.compute_api.is_expected_locked_by(req.context, instance):
        servers.authorize_for(req, policies.LOCK % "unlock:unlock_override",
                              instance)
    req.app.compute_api.unlock(req.context, instance)
    return _accepted(req)


def _server(req, server_id, rule):
    """The server the request names (404 if not visible), once the
    policy allows the action on it (403)."""
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, rule, instance)
    return instance


@validation.schema(action_schemas.reboot)
def reboot_server(req, server_id, body):
    instance = _server(req, server_id, action_policies.REBOOT)
    req.app.compute_api.reboot(req.context, instance,
                               body["reboot"]["type"].upper())
    return _accepted(req)


def _simple_action(action, rule, min_version=None, name=None):
    """A handler for an action that takes nothing but the server (name:
    the action's name in the body; any value, as Nova)."""
    def handler(req, server_id, body):
        if min_version and req.api_version < min_version:
            raise errors.bad_request("There is no such action: %s"
                                     % next(iter(body)))
        instance = _server(req, server_id, rule)
        req.app.compute_api.power_action(req.context, instance, action)
        return _accepted(req)
    handler.__name__ = "%s_server" % action
    if name is None:
        return handler
    return validation.schema(action_schemas.any_value(name))(handler)


@validation.schema(action_schemas.trigger_crash_dump, "2.17")
def trigger_crash_dump(req, server_id, body):
    return _trigger_crash_dump(req, server_id, body)


_trigger_crash_dump = _simple_action("trigger_crash_dump",
                                     action_policies.CRASH_DUMP, (2, 17))


@validation.schema(action_schemas.rescue)
def rescue_server(req, server_id, body):
    instance = _server(req, server_id, action_policies.RESCUE)
    options = body["rescue"] or {}
    try:
        password = req.app.compute_api.rescue(
            req.context, instance, options.get("adminPass"),
            options.get("rescue_image_ref"))
    except exception.ImageNotFound as exc:
        raise errors.bad_request(exc.format_message())
    if not req.app.conf.enable_instance_password:
        return wsgi.json_response(req, {})
    return wsgi.json_response(req, {"adminPass": password})


@validation.schema(action_schemas.change_password)
def change_password(req, server_id, body):
    instance = _server(req, server_id, action_policies.ADMIN_PASSWORD)
    req.app.compute_api.set_admin_password(
        req.context, instance, body["changePassword"]["adminPass"])
    return _accepted(req)


@validation.schema(action_schemas.reset_state)
def reset_state(req, server_id, body):
    instance = _server(req, server_id,
                       action_policies.ADMIN_ACTIONS % "reset_state")
    req.app.compute_api.reset_state(req.context, instance,
                                    body["os-resetState"]["state"])
    return _accepted(req)


@validation.schema(action_schemas.console_output)
def get_console_output(req, server_id, body):
    instance = _server(req, server_id, action_policies.CONSOLE_OUTPUT)
    length = body["os-getConsoleOutput"].get("length")
    if length is not None:
        length = common.to_int(length, "length", -1)
        # Nova's -1: the whole log.
        length = None if length == -1 else length
    output = req.app.compute_api.console_output(req.context, instance,
                                                length)
    return wsgi.json_response(
        req, {"output": _CONTROL_CHARACTERS.sub("", output)})


def _check_image_metadata(req, instance, metadata):
    """Up to 2.38 an image's metadata counts against the metadata quota
    (Nova's image metadata proxy)."""
    if req.api_version > (2, 38):
        return
    try:
        req.app.compute_api.quotas.check_metadata_items(
            req.context, instance.project_id, len(metadata or {}))
    except exception.OverQuota:
        raise exception.ImageMetadataLimitExceeded()


def _image_response(req, image, location=True):
    """2.45: {"image_id"}; before: 202 with the image's Location."""
    if req.api_version >= (2, 45):
        return wsgi.json_response(req, {"image_id": image["id"]},
                                  status=202)
    headers = {}
    if location:
        headers["Location"] = "%s%s/images/%s" % (
            links.root_url(req), links.VERSION_PATH, image["id"])
    return wsgi.empty_response(req, 202, headers=headers)


@validation.schema(action_schemas.create_image)
def create_image(req, server_id, body):
    instance = _server(req, server_id, action_policies.CREATE_IMAGE)
    options = body["createImage"]
    _check_image_metadata(req, instance, options.get("metadata"))
    image = req.app.compute_api.snapshot(req.context, instance,
                                         options["name"],
                                         options.get("metadata"))
    return _image_response(req, image)


@validation.schema(action_schemas.create_backup)
def create_backup(req, server_id, body):
    instance = _server(req, server_id, action_policies.CREATE_BACKUP)
    options = body["createBackup"]
    rotation = common.to_int(options["rotation"], "rotation", 0)
    _check_image_metadata(req, instance, options.get("metadata"))
    image = req.app.compute_api.backup(
        req.context, instance, options["name"], options["backup_type"],
        rotation, options.get("metadata"))
    return _image_response(req, image, location=rotation > 0)


# Rebuild request keys -> instance fields.
_REBUILD_FIELDS = (("name", "display_name"), ("metadata", "metadata"),
                   ("description", "display_description"),
                   ("key_name", "key_name"), ("user_data", "user_data"),
                   ("hostname", "hostname"), ("accessIPv4", "access_ip_v4"),
                   ("accessIPv6", "access_ip_v6"))


@validation.schema(action_schemas.rebuild, "2.1", "2.18")
@validation.schema(action_schemas.rebuild_v219, "2.19", "2.53")
@validation.schema(action_schemas.rebuild_v254, "2.54", "2.56")
@validation.schema(action_schemas.rebuild_v257, "2.57", "2.62")
@validation.schema(action_schemas.rebuild_v263, "2.63", "2.89")
@validation.schema(action_schemas.rebuild_v290, "2.90", "2.93")
@validation.schema(action_schemas.rebuild_v294, "2.94")
def rebuild_server(req, server_id, body):
    instance = servers.get_server(req, server_id,
                                  expected_attrs=servers.SHOW_ATTRS)
    servers.authorize_for(req, action_policies.REBUILD, instance)
    options = body["rebuild"]
    if "trusted_image_certificates" in options:
        servers.authorize_for(req, action_policies.REBUILD_TRUSTED_CERTS,
                              instance)
    changes = {field: options[key] for key, field in _REBUILD_FIELDS
               if key in options}
    if "OS-DCF:diskConfig" in options:
        changes["auto_disk_config"] = options["OS-DCF:diskConfig"] == "AUTO"
    if "trusted_image_certificates" in options:
        # null: back to the configured defaults, as Nova's rebuild does.
        changes["trusted_certs"] = compute_build.trusted_cert_ids(
            req.app.conf, options["trusted_image_certificates"])
    try:
        password, instance = req.app.compute_api.rebuild(
            req.context, instance, servers._id_from_href(options["imageRef"]),
            admin_password=options.get("adminPass"),
            preserve_ephemeral=common.to_bool(
                options.get("preserve_ephemeral", False)),
            reimage_boot_volume=req.api_version >= (2, 93), **changes)
    except exception.ImageNotFound:
        raise errors.bad_request("Cannot find requested image")
    except exception.KeypairNotFound:
        raise errors.bad_request("Invalid key_name provided.")
    except (exception.ImageNotActive, exception.FlavorMemoryTooSmall,
            exception.FlavorDiskSmallerThanImage,
            exception.FlavorDiskSmallerThanMinDisk) as exc:
        raise errors.bad_request(exc.format_message())
    # The instance as the API left it (task_state rebuilding), as Nova
    # answers: a fresh read could already see the rebuild finished.
    extra = ({"adminPass": password}
             if req.app.conf.enable_instance_password else {})
    if req.api_version >= (2, 54):
        # Shown from 2.54 even in the smaller body before 2.75.
        extra["key_name"] = instance.key_name
    if req.api_version >= (2, 57):
        # As Nova: user_data under its own name, never among the
        # OS-EXT-SRV-ATTR attributes of the 2.75 body.
        extra["user_data"] = instance.user_data
    return servers._server_response(
        req, instance, status=202, full=req.api_version >= (2, 75),
        extra=extra, user_data=False,
        headers={"Location": links.root_url(req) + links.VERSION_PATH
                 + "/servers/" + instance.uuid})


def _api_action(name, method, rule):
    """A handler that calls compute_api.<method>(context, server); the
    action's value may be anything, as Nova."""
    @validation.schema(action_schemas.any_value(name))
    def handler(req, server_id, body):
        instance = _server(req, server_id, rule)
        getattr(req.app.compute_api, method)(req.context, instance)
        return _accepted(req)
    handler.__name__ = "%s_server" % method
    return handler


@validation.schema(action_schemas.unshelve, "2.1", "2.76")
@validation.schema(action_schemas.unshelve_v277, "2.77", "2.90")
@validation.schema(action_schemas.unshelve_v291, "2.91")
def unshelve_server(req, server_id, body):
    instance = _server(req, server_id, action_policies.SHELVE % "unshelve")
    options = body["unshelve"] if isinstance(body["unshelve"], dict) else {}
    arguments = {}
    if req.api_version >= (2, 77) and "availability_zone" in options:
        arguments["new_az"] = options["availability_zone"]
    if req.api_version >= (2, 91) and options.get("host"):
        servers.authorize_for(req, action_policies.SHELVE
                              % "unshelve_to_host", instance)
        arguments["host"] = options["host"]
    try:
        req.app.compute_api.unshelve(req.context, instance, **arguments)
    except exception.ComputeHostNotFound as exc:
        raise errors.bad_request(exc.format_message())
    return _accepted(req)


# Moves -------------------------------------------------------------------


@validation.schema(action_schemas.resize)
def resize_server(req, server_id, body):
    instance = _server(req, server_id, action_policies.RESIZE)
    options = body["resize"]
    disk_config = options.get("OS-DCF:diskConfig")
    try:
        req.app.compute_api.resize(
            req.context, instance,
            flavor_id=servers._id_from_href(options["flavorRef"]),
            auto_disk_config=None if disk_config is None
            else disk_config == "AUTO",
            allow_cross_cell=_may_cross_cells(req, instance))
    except exception.FlavorNotFound:
        raise errors.bad_request("Unable to locate requested flavor.")
    return _accepted(req)


def _may_cross_cells(req, instance):
    """Whether the caller may move the server into another cell (Nova's
    compute:servers:resize:cross_cell, nobody by default): checked, never
    refused."""
    return req.can(policies.CROSS_CELL_RESIZE,
                   {"project_id": instance.project_id,
                    "user_id": instance.user_id})


def _not_resized(call, req, instance):
    try:
        call(req.context, instance)
    except exception.MigrationNotFound:
        raise errors.bad_request("Instance has not been resized.")


@validation.schema(action_schemas.confirm_resize)
def confirm_resize(req, server_id, body):
    instance = _server(req, server_id, action_policies.CONFIRM_RESIZE)
    _not_resized(req.app.compute_api.confirm_resize, req, instance)
    return wsgi.empty_response(req, 204)


@validation.schema(action_schemas.revert_resize)
def revert_resize(req, server_id, body):
    instance = _server(req, server_id, action_policies.REVERT_RESIZE)
    _not_resized(req.app.compute_api.revert_resize, req, instance)
    return _accepted(req)


@validation.schema(action_schemas.migrate, "2.1", "2.55")
@validation.schema(action_schemas.migrate_v256, "2.56")
def migrate_server(req, server_id, body):
    instance = _server(req, server_id, action_policies.MIGRATE)
    host = None
    if req.api_version >= (2, 56) and body["migrate"]:
        # Before 2.56 Nova looks at nothing in the body.
        host = body["migrate"].get("host")
    if host is not None:
        servers.authorize_for(req, action_policies.MIGRATE_HOST, instance)
    try:
        req.app.compute_api.resize(
            req.context, instance, host=host,
            allow_cross_cell=_may_cross_cells(req, instance))
    except exception.ComputeHostNotFound as exc:
        raise errors.bad_request(exc.format_message())
    return _accepted(req)


@validation.schema(action_schemas.migrate_live, "2.1", "2.24")
@validation.schema(action_schemas.migrate_live_v225, "2.25", "2.29")
@validation.schema(action_schemas.migrate_live_v230, "2.30", "2.67")
@validation.schema(action_schemas.migrate_live_v225, "2.68")
def migrate_live(req, server_id, body):
    instance = servers.get_server(req, server_id)
    options = body["os-migrateLive"]
    host = options["host"]
    if host:
        servers.authorize_for(req, action_policies.MIGRATE_LIVE_HOST,
                              instance)
    servers.authorize_for(req, action_policies.MIGRATE_LIVE, instance)
    block_migration = options["block_migration"]
    block_migration = (None if block_migration == "auto"
                       else common.to_bool(block_migration))
    # Before 2.30 a host given is taken as given; from 2.68 never.
    force = bool(host)
    if (2, 30) <= req.api_version < (2, 68):
        force = common.to_bool(options.get("force", False))
        if force and not host:
            raise errors.bad_request(
                "Can't force to a non-provided destination")
    elif req.api_version >= (2, 68):
        force = False
    wait = req.api_version < (2, 34)
    try:
        req.app.compute_api.live_migrate(req.context, instance, host,
                                         block_migration, force,
                                         wait_for_checks=wait)
    except exception.ComputeHostNotFound as exc:
        raise errors.bad_request(exc.format_message())
    except (exception.NoValidHost, exception.ComputeServiceUnavailable,
            exception.MigrationPreCheckError,
            exception.UnableToMigrateToSelf) as exc:
        if not wait:
            raise
        raise errors.bad_request(exc.format_message())
    return _accepted(req)


@validation.schema(action_schemas.evacuate, "2.1", "2.13")
@validation.schema(action_schemas.evacuate_v214, "2.14", "2.28")
@validation.schema(action_schemas.evacuate_v229, "2.29", "2.67")
@validation.schema(action_schemas.evacuate_v214, "2.68")
def evacuate_server(req, server_id, body):
    instance = _server(req, server_id, action_policies.EVACUATE)
    options = body["evacuate"]
    host = options.get("host")
    force = False
    if (2, 29) <= req.api_version < (2, 68):
        force = common.to_bool(options.get("force", False))
        if force and not host:
            raise errors.bad_request(
                "Can't force to a non-provided destination")
    elif req.api_version < (2, 29):
        # Before 2.29 a host given is taken as given (Nova's force None).
        force = bool(host)
    password = options.get("adminPass")
    if req.api_version < (2, 14):
        on_shared_storage = common.to_bool(options["onSharedStorage"])
        if password is not None and on_shared_storage:
            raise errors.bad_request(
                "admin password can't be changed on existing disk")
        if password is None and not on_shared_storage:
            password = compute_base.generate_password()
    elif password is None:
        password = compute_base.generate_password()
    if host is not None:
        try:
            req.app.compute_api.service_of_host(req.context, host)
        except (exception.ComputeHostNotFound, exception.ServiceNotFound,
                exception.HostMappingNotFound):
            raise errors.not_found("Compute host %s not found." % host)
        if instance.host == host:
            raise errors.bad_request("The target host can't be the same "
                                     "one.")
    req.app.compute_api.evacuate(
        req.context, instance, host, password, force,
        target_state="stopped" if req.api_version >= (2, 95) else None)
    if req.api_version < (2, 14) and req.app.conf.enable_instance_password:
        return wsgi.json_response(req, {"adminPass": password})
    return wsgi.empty_response(req, 200)


@validation.schema(action_schemas.any_value("resetNetwork"))
def reset_network(req, server_id, body):
    """Gone with nova-network (Nova 23.0.0): 410, as Nova answers."""
    return removed.gone(req)


ACTIONS = {
    "lock": lock_server,
    "unlock": unlock_server,
    "reboot": reboot_server,
    "os-stop": _simple_action("stop", action_policies.STOP, name="os-stop"),
    "os-start": _simple_action("start", action_policies.START,
                               name="os-start"),
    "pause": _simple_action("pause", action_policies.PAUSE % "pause",
                            name="pause"),
    "unpause": _simple_action("unpause", action_policies.PAUSE % "unpause",
                              name="unpause"),
    "suspend": _simple_action("suspend", action_policies.SUSPEND % "suspend",
                              name="suspend"),
    "resume": _simple_action("resume", action_policies.SUSPEND % "resume",
                             name="resume"),
    "rescue": rescue_server,
    "unrescue": _simple_action("unrescue", action_policies.UNRESCUE,
                               name="unrescue"),
    "trigger_crash_dump": trigger_crash_dump,
    "changePassword": change_password,
    "os-resetState": reset_state,
    "injectNetworkInfo": _simple_action(
        "injectNetworkInfo",
        action_policies.ADMIN_ACTIONS % "inject_network_info",
        name="injectNetworkInfo"),
    "os-getConsoleOutput": get_console_output,
    "createImage": create_image,
    "createBackup": create_backup,
    "rebuild": rebuild_server,
    "restore": _api_action("restore", "restore",
                           action_policies.DEFERRED_DELETE % "restore"),
    "forceDelete": _api_action("forceDelete", "force_delete",
                               action_policies.DEFERRED_DELETE % "force"),
    "shelve": _api_action("shelve", "shelve",
                          action_policies.SHELVE % "shelve"),
    "shelveOffload": _api_action(
        "shelveOffload", "shelve_offload",
        action_policies.SHELVE % "shelve_offload"),
    "unshelve": unshelve_server,
    "resize": resize_server,
    "confirmResize": confirm_resize,
    "revertResize": revert_resize,
    "migrate": migrate_server,
    "os-migrateLive": migrate_live,
    "evacuate": evacuate_server,
    "resetNetwork": reset_network,
    # 2.1 - 2.5; from 2.6 POST /servers/{id}/remote-consoles.
    **remote_consoles.CONSOLE_ACTIONS,
    # Proxies to the network service.
    **security_groups.ACTIONS,
    **floating_ips.ACTIONS,
    **multinic.ACTIONS,
}
