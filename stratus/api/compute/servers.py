"""/servers: list, list with details, show, create, update, delete."""
import base64
import binascii

from oslo_utils import strutils
from oslo_utils import uuidutils

from stratus.api.compute import links
from stratus.api.compute import server_views
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import servers as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.compute_api import base as compute_base
from stratus.compute_api import build as compute_build
from stratus import exception
from stratus.objects import create_idempotency_key as idempotency
from stratus.objects import instance_query
from stratus.policies import servers as policies

# What the detailed view of servers needs besides their columns.
DETAIL_ATTRS = ["metadata", "tags", "fault"]
SHOW_ATTRS = ["metadata", "tags"]

PAGING_PARAMS = ("sort_key", "sort_dir", "limit", "marker")

# Idempotent creates (beyond Nova): objects/create_idempotency_key.py.
IDEMPOTENCY_HEADER = "Idempotency-Key"

# Filters every user may use, by the microversion that allowed them.
_USER_FILTERS = [
    ((2, 1), ("reservation_id", "name", "status", "image", "flavor", "ip",
              "changes-since", "all_tenants")),
    ((2, 5), ("ip6",)),
    ((2, 26), instance_query.TAG_FILTERS),
    ((2, 66), ("changes-before",)),
    ((2, 73), ("locked",)),
    ((2, 83), ("availability_zone", "config_drive", "key_name", "created_at",
               "launched_at", "terminated_at", "power_state", "task_state",
               "vm_state", "progress", "user_id")),
    ((2, 90), ("hostname",)),
]

# Errors of a create that Nova answers with 400 whatever their own code.
_CREATE_BAD_REQUESTS = (
    exception.ImageNotActive, exception.FlavorMemoryTooSmall,
    exception.FlavorDiskSmallerThanImage,
    exception.FlavorDiskSmallerThanMinDisk, exception.ComputeHostNotFound,
    exception.InstanceGroupNotFound)


def get_server(req, server_id, expected_attrs=None, read_deleted=False):
    """The server a request names; 404 if the user cannot see it."""
    return req.app.compute_api.get(req.context, server_id,
                                   expected_attrs=expected_attrs,
                                   read_deleted=read_deleted)


def authorize_for(req, rule, instance):
    req.authorize(rule, {"project_id": instance.project_id,
                         "user_id": instance.user_id})


# Lists ---------------------------------------------------------------------

def _list_queries(func):
    for schema, low, high in ((schemas.query_v21, "2.1", "2.25"),
                              (schemas.query_v226, "2.26", "2.65"),
                              (schemas.query_v266, "2.66", "2.72"),
                              (schemas.query_v273, "2.73", "2.74"),
                              (schemas.query_v275, "2.75", None)):
        func = validation.query_schema(schema, low, high)(func)
    return func


@_list_queries
def list_servers(req):
    return _list(req, detail=False)


@_list_queries
def list_servers_detail(req):
    return _list(req, detail=True)


def _list(req, detail):
    ctx = req.context
    kind = "detail" if detail else "index"
    req.authorize(policies.SERVERS % kind)
    filters = _filters(req)
    if filters is None:
        return wsgi.json_response(req, {"servers": []})
    if _all_tenants(filters):
        req.authorize(policies.SERVERS % (kind + ":get_all_tenants"))
    else:
        filters.pop("tenant_id", None)
        filters["project_id"] = ctx.project_id
    limit, marker = links.limit_and_marker(req)
    sort_keys, sort_dirs = _sort_params(req)
    try:
        found = req.app.compute_api.get_all(
            ctx, filters, sort_keys=sort_keys, sort_dirs=sort_dirs,
            limit=limit, marker=marker,
            expected_attrs=DETAIL_ATTRS if detail else None,
            down_records=_shows_down_cells(req, filters))
    except exception.MarkerNotFound:
        raise errors.bad_request("marker [%s] not found" % marker)
    # InstanceMappings stand for the servers of cells that did not answer.
    instances = [item for item in found
                 if not server_views.is_down_record(item)]
    view = server_views.ServerView(req, instances if detail else ())
    collection = "servers/detail" if detail else "servers"
    return wsgi.json_response(req, view.collection(found, detail,
                                                   collection))


def _shows_down_cells(req, filters):
    """Whether a list shows the servers of unreachable cells (2.69): only
    when nothing but the project and deleted=False narrows or orders it,
    as those are all that is known of them (Nova's api-guide)."""
    return (req.api_version >= (2, 69)
            and not set(filters) - {"project_id", "tenant_id", "deleted"}
            and filters.get("deleted") is False
            and not req.GET.getall("sort_key")
            and not req.GET.getall("sort_dir"))


def _all_tenants(filters):
    """Whether (and take out of filters) all_tenants is asked for; an
    empty value asks for it too, as in Nova."""
    if "all_tenants" not in filters:
        return False
    value = filters.pop("all_tenants")
    if not value:
        return True
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError as exc:
        raise exception.InvalidInput(reason=str(exc))


def _filters(req):
    """The list filters of a request, Nova's way: what the user may
    filter by, statuses as vm/task states, times and booleans parsed.
    None when no server can match (an unknown status before 2.38)."""
    filters = {key: req.GET.getall(key)[-1] for key in req.GET}
    if req.can(policies.SERVERS % "allow_all_filters"):
        for key in PAGING_PARAMS:
            filters.pop(key, None)
    else:
        allowed = {name for version, names in _USER_FILTERS
                   if req.api_version >= version for name in names}
        filters = {key: value for key, value in filters.items()
                   if key in allowed}
    for key in filters:
        if key in schemas.JOINED_TABLE_PARAMS or key.startswith("_"):
            raise errors.bad_request("Invalid filter field: %s." % key)
    if "status" in filters:
        vm_states, task_states = server_views.states_for_statuses(
            req.GET.getall("status"))
        del filters["status"]
        if not vm_states:
            if req.api_version >= (2, 38):
                raise errors.bad_request("Invalid status value")
            return None
        filters["vm_state"] = vm_states
        if "default" not in task_states:
            filters["task_state"] = task_states
    for key in ("changes-since", "changes-before"):
        if key in filters:
            filters[key] = links.parse_time(filters[key], key)
    if filters.get("changes-since") and filters.get("changes-before") and (
            filters["changes-since"] > filters["changes-before"]):
        raise errors.bad_request("The value of changes-since must be less "
                                 "than or equal to changes-before.")
    if "deleted" in filters:
        filters["deleted"] = strutils.bool_from_string(filters["deleted"],
                                                       default=False)
    elif not {"changes-since", "changes-before"} & set(filters):
        filters["deleted"] = False
    if "soft_deleted" in filters:
        filters["soft_deleted"] = strutils.bool_from_string(
            filters["soft_deleted"], default=False)
    if filters.get("vm_state") == ["deleted"]:
        if not req.context.is_admin:
            raise errors.forbidden("Only administrators may list deleted "
                                   "instances")
        filters["deleted"] = True
    for key in instance_query.TAG_FILTERS:
        if key in filters:
            filters[key] = filters[key].split(",")
    if "locked" in filters:
        try:
            filters["locked"] = strutils.bool_from_string(filters["locked"],
                                                          strict=True)
        except ValueError as exc:
            raise exception.InvalidInput(reason=str(exc))
    return filters


def _sort_params(req):
    """(keys, dirs) as asked; keys Nova ignores dropped; 403 for a
    non-admin sorting by host or node."""
    keys = [key.strip() for key in req.GET.getall("sort_key")]
    dirs = [direction.strip() for direction in req.GET.getall("sort_dir")]
    ignored = (schemas.IGNORED_SORT_KEYS if req.api_version < (2, 73)
               else schemas.IGNORED_SORT_KEYS_V273)
    for key in list(keys):
        if key in ignored:
            index = keys.index(key)
            if len(dirs) > index:
                del dirs[index]
            del keys[index]
        elif key in ("host", "node") and not req.context.is_admin:
            raise errors.forbidden("Only administrators can sort servers "
                                   "by %s" % key)
    return keys or ["created_at"], dirs or ["desc"]


# One server ------------------------------------------------------------------

@validation.query_schema(common.NO_QUERY_V2102, "2.102")
def show_server(req, server_id):
    # The fault loads if the view shows one (ERROR and DELETED servers).
    try:
        instance = get_server(req, server_id, expected_attrs=SHOW_ATTRS)
    except exception.CellDown as exc:
        if req.api_version < (2, 69):
            raise
        return _down_cell_response(req, exc.kwargs["mapping"])
    authorize_for(req, policies.SERVERS % "show", instance)
    return _server_response(req, instance)


def _down_cell_response(req, mapping):
    """2.69: what is known of a server whose cell cannot be reached."""
    authorize_for(req, policies.SERVERS % "show", mapping)
    ctx = req.context
    compute_api = req.app.compute_api
    spec = compute_api.request_specs(ctx, [mapping.instance_uuid]).get(
        mapping.instance_uuid)
    groups = None
    if req.api_version >= (2, 71):
        groups = compute_api.server_groups(ctx, mapping.instance_uuid)
    view = server_views.ServerView(req)
    return wsgi.json_response(req, {"server": view.down_cell_detail(
        mapping, spec, groups)})


def _server_response(req, instance, status=200, full=True, extra=None,
                     user_data=True, headers=None):
    """The server's detail; extra: keys to add (rebuild's adminPass)."""
    groups = specs = None
    compute_api = req.app.compute_api
    if req.api_version >= (2, 96):
        # Both from the API database in one statement.
        spec, groups = compute_api.spec_and_groups(
            req.context, instance.uuid, only=server_views.SPEC_FIELDS)
        specs = {} if spec is None else {instance.uuid: spec}
    elif req.api_version >= (2, 71):
        groups = compute_api.server_groups(req.context, instance.uuid)
    view = server_views.ServerView(req, [instance], full=full,
                                   user_data=user_data, specs=specs)
    shown = view.detail(instance, groups)
    shown.update(extra or {})
    return wsgi.json_response(req, {"server": shown}, status=status,
                              headers=headers)


@validation.schema(schemas.create, "2.1", "2.18")
@validation.schema(schemas.create_v219, "2.19", "2.31")
@validation.schema(schemas.create_v232, "2.32", "2.32")
@validation.schema(schemas.create_v233, "2.33", "2.36")
@validation.schema(schemas.create_v237, "2.37", "2.41")
@validation.schema(schemas.create_v242, "2.42", "2.51")
@validation.schema(schemas.create_v252, "2.52", "2.56")
@validation.schema(schemas.create_v257, "2.57", "2.62")
@validation.schema(schemas.create_v263, "2.63", "2.66")
@validation.schema(schemas.create_v267, "2.67", "2.73")
@validation.schema(schemas.create_v274, "2.74", "2.89")
@validation.schema(schemas.create_v290, "2.90", "2.93")
@validation.schema(schemas.create_v294, "2.94")
def create_server(req):
    ctx = req.context
    body = req.json_document()
    server = body["server"]
    req.authorize(policies.SERVERS % "create",
                  {"project_id": ctx.project_id, "user_id": ctx.user_id})
    request = _create_request(req, body, server)
    key = request.idempotency_key
    earlier = key and idempotency.earlier_create(ctx, key)
    if earlier:
        return _created_before(req, server, earlier)
    try:
        instances, reservation_id = req.app.compute_api.create(ctx, request)
    except exception.IdempotencyKeyTaken:
        # A twin request with the same Idempotency-Key came first.
        earlier = idempotency.earlier_create(ctx, key)
        if not earlier:
            raise
        return _created_before(req, server, earlier)
    except exception.FlavorNotFound:
        raise errors.bad_request("Invalid flavorRef provided.")
    except exception.ImageNotFound:
        raise errors.bad_request("Can not find requested image")
    except exception.KeypairNotFound:
        raise errors.bad_request("Invalid key_name provided.")
    except _CREATE_BAD_REQUESTS as exc:
        raise errors.bad_request(exc.format_message())
    if common.to_bool(server.get("return_reservation_id", False)):
        return wsgi.json_response(req, {"reservation_id": reservation_id},
                                  status=202)
    view = server_views.ServerView(req)
    created = view.created(instances[0], request.admin_password,
                           server.get("security_groups")
                           or [{"name": "default"}])
    return wsgi.json_response(req, {"server": created}, status=202,
                              headers={"Location": created["links"][0][
                                  "href"]})


def _create_request(req, body, server):
    """The CreateRequest of a POST /servers; 400 for what Nova checks
    before its business layer does (counts, base64, networks, the
    Idempotency-Key), 403 for a forced or requested host the policy
    refuses."""
    ctx = req.context
    image_id = _image_id(server)
    min_count = common.to_int(server.get("min_count", 1), "min_count", 1)
    max_count = common.to_int(server.get("max_count", min_count),
                              "max_count", 1)
    if min_count > max_count:
        raise errors.bad_request("min_count must be <= max_count")
    if server.get("hostname") and max_count > 1:
        raise errors.bad_request("Unable to set hostname when creating "
                                 "multiple servers")
    _check_base64(server.get("user_data"), "Userdata content cannot be "
                                           "decoded")
    injected_files = []
    for item in server.get("personality") or []:
        _check_base64(item.get("contents", ""), "Personality content for %s "
                      "cannot be decoded" % item.get("path"))
        injected_files.append((item.get("path", ""),
                               item.get("contents", "")))
    networks = server.get("networks")
    if isinstance(networks, list):
        _check_networks(networks)
    availability_zone, forced_host, forced_node = (
        compute_build.parse_availability_zone(
            req.app.conf, server.get("availability_zone")))
    if forced_host or forced_node:
        req.authorize(policies.SERVERS % "create:forced_host",
                      {"project_id": ctx.project_id})
    if server.get("host") or server.get("hypervisor_hostname"):
        req.authorize(policies.SERVERS % "create:requested_destination",
                      {"project_id": ctx.project_id})
    security_groups = _security_groups(server.get("security_groups"))
    admin_password = (server.get("adminPass")
                      or compute_base.generate_password())
    disk_config = server.get("OS-DCF:diskConfig")
    key = _idempotency_key(req)
    return compute_build.CreateRequest(
        name=server["name"],
        flavor_id=_id_from_href(server["flavorRef"]),
        image_id=image_id, min_count=min_count,
        max_count=max_count, key_name=server.get("key_name"),
        metadata=server.get("metadata"),
        user_data=server.get("user_data"),
        availability_zone=availability_zone,
        forced_host=forced_host, forced_node=forced_node,
        requested_host=server.get("host"),
        requested_hypervisor_hostname=server.get("hypervisor_hostname"),
        networks=networks, security_groups=security_groups,
        description=server.get("description"),
        hostname=server.get("hostname"),
        scheduler_hints=(body.get("os:scheduler_hints")
                         or body.get("OS-SCH-HNT:scheduler_hints")),
        tags=server.get("tags"), injected_files=injected_files,
        admin_password=admin_password,
        access_ip_v4=server.get("accessIPv4"),
        access_ip_v6=server.get("accessIPv6"),
        config_drive=common.to_bool(server.get("config_drive", False)),
        auto_disk_config=(None if disk_config is None
                          else disk_config == "AUTO"),
        allow_zero_disk=req.can(
            policies.SERVERS % "create:zero_disk_flavor",
            {"project_id": ctx.project_id}),
        block_device_mappings=server.get("block_device_mapping_v2"),
        trusted_certs=server.get("trusted_image_certificates"),
        idempotency_key=key,
        legacy_block_device_mappings=server.get("block_device_mapping"),
        supports_multiattach=req.api_version >= (2, 60))


def _idempotency_key(req):
    key = req.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > idempotency.MAX_LENGTH:
        raise errors.bad_request("%s is longer than %d characters"
                                 % (IDEMPOTENCY_HEADER,
                                    idempotency.MAX_LENGTH))
    return key or None


def _created_before(req, server, earlier):
    """The answer to a create whose Idempotency-Key an earlier create of
    the project used: that create's server (no adminPass: it is not
    kept)."""
    if common.to_bool(server.get("return_reservation_id", False)):
        return wsgi.json_response(
            req, {"reservation_id": earlier.reservation_id}, status=202)
    view = server_views.ServerView(req)
    try:
        instance = req.app.compute_api.get(
            req.context, earlier.instance_uuid, read_deleted=True)
    except exception.InstanceNotFound:
        instance = None
    if instance is not None:
        created = view.created(instance, None, server.get("security_groups")
                               or [{"name": "default"}])
    else:
        created = {"id": earlier.instance_uuid,
                   "links": links.resource_links(req, "servers",
                                                 earlier.instance_uuid)}
    return wsgi.json_response(req, {"server": created}, status=202,
                              headers={"Location": created["links"][0][
                                  "href"]})


def _image_id(server):
    """imageRef; without it, the root disk of block_device_mapping_v2
    names the image (what openstackclient sends) and the business layer
    checks the mappings (stratus/compute_api/block_device.py)."""
    image_id = server.get("imageRef")
    mappings = server.get("block_device_mapping_v2") or []
    legacy = server.get("block_device_mapping") or []
    for mapping in mappings:
        if (mapping.get("source_type") != "image"
                or str(mapping.get("boot_index")) != "0"):
            continue
        root_image = mapping.get("uuid") or mapping.get("image_id")
        if image_id and root_image and root_image != image_id:
            raise errors.bad_request(
                "The image of the root block device mapping (%s) is not "
                "imageRef (%s)" % (root_image, image_id))
    if not image_id and not mappings and not legacy:
        raise errors.bad_request("Missing imageRef attribute")
    return image_id or None


def _id_from_href(ref):
    """A flavor given by id or by URL."""
    return str(ref).rstrip("/").rsplit("/", 1)[-1]


def _check_base64(text, message):
    if text is None:
        return
    try:
        base64.b64decode(text.encode("utf-8"))
    except (binascii.Error, ValueError):
        raise errors.bad_request(message)


def _check_networks(networks):
    for network in networks:
        network_id = network.get("uuid")
        if network_id is None and not network.get("port"):
            raise errors.bad_request("Bad network format: missing 'uuid'")
        if network_id is not None and not uuidutils.is_uuid_like(network_id):
            raise errors.bad_request("Bad networks format: network uuid is "
                                     "not in proper format (%s)" % network_id)


def _security_groups(requested):
    names = []
    for group in requested or []:
        if group.get("name") and group["name"] not in names:
            names.append(group["name"])
    return names or None


@validation.schema(schemas.update, "2.1", "2.18")
@validation.schema(schemas.update_v219, "2.19", "2.89")
@validation.schema(schemas.update_v290, "2.90", "2.93")
@validation.schema(schemas.update_v294, "2.94", "2.103")
@validation.schema(schemas.update_v2104, "2.104")
def update_server(req, server_id):
    changes = req.json_document()["server"]
    instance = get_server(req, server_id, expected_attrs=SHOW_ATTRS)
    authorize_for(req, policies.SERVERS % "update", instance)
    updates = {}
    for key, field in (("name", "display_name"),
                       ("description", "display_description"),
                       ("accessIPv4", "access_ip_v4"),
                       ("accessIPv6", "access_ip_v6"),
                       ("hostname", "hostname")):
        if key in changes:
            updates[field] = changes[key]
    if "OS-DCF:diskConfig" in changes:
        updates["auto_disk_config"] = changes["OS-DCF:diskConfig"] == "AUTO"
    if "pinned_availability_zone" in changes:
        try:
            req.app.compute_api.pin_availability_zone(
                req.context, instance, changes["pinned_availability_zone"])
        except exception.Invalid as exc:
            raise errors.bad_request(exc.format_message())
    instance = req.app.compute_api.update(req.context, instance, updates)
    return _server_response(req, instance, full=req.api_version >= (2, 75))


def delete_server(req, server_id):
    instance = get_server(req, server_id)
    authorize_for(req, policies.SERVERS % "delete", instance)
    req.app.compute_api.delete(req.context, instance)
    return wsgi.empty_response(req, 204)
