"""os-hypervisors: the compute nodes of every cell.

Microversions: 2.28 cpu_info becomes an object; 2.33 paging (limit,
marker); 2.53 UUID ids, ``hypervisor_hostname_pattern`` and
``with_servers`` replace the search and servers routes; 2.75 ``servers``
is always present when asked for; 2.88 drops the usage fields and the
statistics and uptime routes, and show and the detail list carry the
uptime instead (null where the host cannot say).
"""
import json

from oslo_utils import uuidutils

from stratus.api.compute import links
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import hypervisors as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus.compute import rpcapi as compute_rpcapi
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import instance as instance_obj
from stratus.objects import service as service_obj
from stratus import constants

POLICY = "os_compute_api:os-hypervisors:%s"
CPU_INFO_OBJECT_VERSION = (2, 28)
PAGING_VERSION = (2, 33)
UUID_VERSION = (2, 53)
SERVERS_ALWAYS_VERSION = (2, 75)
NO_USAGE_VERSION = (2, 88)

USAGE_FIELDS = ("vcpus", "memory_mb", "local_gb", "vcpus_used",
                "memory_mb_used", "local_gb_used", "free_ram_mb",
                "free_disk_gb", "current_workload", "running_vms",
                "disk_available_least")
STATISTICS_FIELDS = ("count",) + USAGE_FIELDS


class ComputeServices:
    """The nova-compute services of all cells, by cell and host."""

    def __init__(self, ctx, host=None):
        self._by_host = {
            (service.cell_uuid, service.host): service
            for service in service_obj.ServiceList.get_all(
                ctx, binary=constants.COMPUTE_BINARY, host=host)}

    def of(self, node):
        return self._by_host.get((node.cell_uuid, node.host))


def hypervisor_view(req, node, service, detail, servers=None, **extra):
    uuid_ids = req.api_version >= UUID_VERSION
    view = {
        "id": node.uuid if uuid_ids else node.id,
        "hypervisor_hostname": node.hypervisor_hostname,
        "state": ("up" if service.is_up(req.app.conf.service_down_time)
                  else "down"),
        "status": "disabled" if service.disabled else "enabled",
    }
    if detail:
        view.update(hypervisor_type=node.hypervisor_type,
                    hypervisor_version=node.hypervisor_version,
                    host_ip=node.host_ip,
                    service={"host": node.host,
                             "id": service.uuid if uuid_ids else service.id,
                             "disabled_reason": service.disabled_reason})
        if req.api_version < NO_USAGE_VERSION:
            view.update((name, getattr(node, name)) for name in USAGE_FIELDS)
            view["cpu_info"] = _cpu_info(req, node.cpu_info)
    if servers is not None and (
            servers or req.api_version >= SERVERS_ALWAYS_VERSION):
        view["servers"] = [{"name": instance.name, "uuid": instance.uuid}
                           for instance in servers]
    view.update(extra)
    return view


def _cpu_info(req, text):
    if req.api_version < CPU_INFO_OBJECT_VERSION:
        return text
    return json.loads(text) if text else {}


# Lists ----------------------------------------------------------------

@validation.query_schema(schema.list_query_v233, "2.33", "2.52")
@validation.query_schema(schema.list_query_v253, "2.53")
def list_hypervisors(req):
    req.authorize(POLICY % "list")
    return _list(req, detail=False, collection="os-hypervisors")


@validation.query_schema(schema.list_query_v233, "2.33", "2.52")
@validation.query_schema(schema.list_query_v253, "2.53")
def list_hypervisors_detail(req):
    req.authorize(POLICY % "list-detail")
    return _list(req, detail=True, collection="os-hypervisors/detail")


def _list(req, detail, collection):
    ctx = req.context
    pattern, with_servers = None, False
    if req.api_version >= UUID_VERSION:
        pattern = req.GET.get("hypervisor_hostname_pattern")
        with_servers = common.to_bool(req.GET.get("with_servers", False))
    paged = req.api_version >= PAGING_VERSION and pattern is None
    if pattern is not None:
        if "limit" in req.GET or "marker" in req.GET:
            raise errors.bad_request(
                "Paging over hypervisors with the "
                "hypervisor_hostname_pattern query parameter is not "
                "supported.")
        nodes = _matching(ctx, pattern)
    else:
        nodes = compute_node_obj.ComputeNodeList.get_all(ctx).objects
        if paged:
            nodes = _page(req, nodes)
    hypervisors = _views(req, nodes, detail, with_servers)
    body = {"hypervisors": hypervisors}
    if paged:
        next_link = links.next_links(req, hypervisors, collection,
                                     lambda item: item["id"])
        if next_link:
            body["hypervisors_links"] = next_link
    return wsgi.json_response(req, body)


def _views(req, nodes, detail, with_servers):
    """Views of the nodes whose compute service exists (a node whose
    service was deleted is an orphan nobody manages)."""
    ctx = req.context
    services = ComputeServices(ctx)
    views = []
    for node in nodes:
        service = services.of(node)
        if service is not None:
            servers = _servers_on(ctx, node) if with_servers else None
            extra = {}
            if detail and req.api_version >= NO_USAGE_VERSION:
                # As Nova: the detail list carries each one's uptime too.
                extra["uptime"] = _uptime_or_none(req, node, service)
            views.append(hypervisor_view(req, node, service, detail,
                                         servers, **extra))
    return views


def _page(req, nodes):
    limit, marker = links.limit_and_marker(req)
    if marker is not None:
        ids = [_id_of(req, node) for node in nodes]
        if marker not in ids:
            raise errors.bad_request("marker [%s] not found" % marker)
        nodes = nodes[ids.index(marker) + 1:]
    return nodes[:limit]


def _id_of(req, node):
    return node.uuid if req.api_version >= UUID_VERSION else str(node.id)


def _matching(ctx, pattern):
    nodes = [node for node in compute_node_obj.ComputeNodeList.get_all(ctx)
             if pattern in node.hypervisor_hostname]
    if not nodes:
        raise errors.not_found("No hypervisor matching '%s' could be found."
                               % pattern)
    return nodes


def _servers_on(ctx, node):
    with ctx.target_cell(node.cell_uuid) as cctx:
        instances = instance_obj.InstanceList.get_by_host(cctx, node.host)
    return [instance for instance in instances
            if instance.node == node.hypervisor_hostname]


# One hypervisor -------------------------------------------------------

@validation.query_schema(schema.show_query_v253, "2.53")
def show_hypervisor(req, hypervisor_id):
    req.authorize(POLICY % "show")
    ctx = req.context
    node, service = _find(req, hypervisor_id)
    servers = None
    if req.api_version >= UUID_VERSION and common.to_bool(
            req.GET.get("with_servers", False)):
        servers = _servers_on(ctx, node)
    extra = {}
    if req.api_version >= NO_USAGE_VERSION:
        extra["uptime"] = _uptime_or_none(req, node, service)
    return wsgi.json_response(req, {"hypervisor": hypervisor_view(
        req, node, service, True, servers, **extra)})


def show_uptime(req, hypervisor_id):
    if req.api_version >= NO_USAGE_VERSION:
        raise errors.not_found("The resource could not be found.")
    req.authorize(POLICY % "uptime")
    node, service = _find(req, hypervisor_id)
    if not service.is_up(req.app.conf.service_down_time):
        raise compute_rpcapi.ComputeServiceUnavailable(host=node.host)
    try:
        uptime = _compute_api(req).get_host_uptime(req.context, node.host)
    except NotImplementedError:
        raise errors.HTTPError(
            501, "The requested functionality is not supported.")
    return wsgi.json_response(req, {"hypervisor": hypervisor_view(
        req, node, service, False, uptime=uptime)})


def _uptime_or_none(req, node, service):
    """The uptime for show at 2.88, None when the host cannot say."""
    if not service.is_up(req.app.conf.service_down_time):
        return None
    try:
        return _compute_api(req).get_host_uptime(req.context, node.host)
    except (NotImplementedError, compute_rpcapi.ComputeServiceUnavailable):
        return None


def _compute_api(req):
    return compute_rpcapi.ComputeAPI(req.app.messaging)


def _find(req, hypervisor_id):
    """The node and its compute service; 400 for a malformed UUID from
    2.53, 404 otherwise."""
    not_found = errors.not_found(
        "Hypervisor with ID '%s' could not be found." % hypervisor_id)
    ctx = req.context
    if req.api_version >= UUID_VERSION:
        if not uuidutils.is_uuid_like(hypervisor_id):
            raise errors.bad_request("Invalid uuid %s" % hypervisor_id)
        try:
            node = compute_node_obj.ComputeNode.get_by_uuid(ctx,
                                                            hypervisor_id)
        except exception.ComputeNodeNotFound:
            raise not_found
    else:
        node = _find_by_id(ctx, hypervisor_id)
        if node is None:
            raise not_found
    service = ComputeServices(ctx, host=node.host).of(node)
    if service is None:
        raise not_found
    return node, service


def _find_by_id(ctx, hypervisor_id):
    """The first node with this integer id in any cell (ids are only
    unique within a cell, which is why 2.53 moved to UUIDs)."""
    try:
        node_id = int(hypervisor_id)
    except ValueError:
        return None
    if not 0 < node_id <= common.MAX_INT:
        return None
    for cell in cell_mapping_obj.CellMappingList.get_all(ctx).host_cells():
        try:
            return compute_node_obj.ComputeNode.get_by_id(ctx, node_id,
                                                          cell.uuid)
        except (exception.ComputeNodeNotFound,
                exception.DatabaseUnreachable):
            continue
    return None


# Before 2.88 / 2.53 ---------------------------------------------------

def show_statistics(req):
    if req.api_version >= NO_USAGE_VERSION:
        raise errors.not_found("The resource could not be found.")
    req.authorize(POLICY % "statistics")
    ctx = req.context
    services = ComputeServices(ctx)
    totals = dict.fromkeys(STATISTICS_FIELDS, 0)
    for node in compute_node_obj.ComputeNodeList.get_all(ctx):
        service = services.of(node)
        if service is None or service.disabled:
            continue
        totals["count"] += 1
        for name in USAGE_FIELDS:
            totals[name] += getattr(node, name) or 0
    return wsgi.json_response(req, {"hypervisor_statistics": totals})


def search_hypervisors(req, hypervisor_hostname_pattern):
    return _legacy_search(req, hypervisor_hostname_pattern, "search",
                          with_servers=False)


def list_hypervisor_servers(req, hypervisor_hostname_pattern):
    return _legacy_search(req, hypervisor_hostname_pattern, "servers",
                          with_servers=True)


def _legacy_search(req, pattern, operation, with_servers):
    if req.api_version >= UUID_VERSION:
        raise errors.not_found("The resource could not be found.")
    req.authorize(POLICY % operation)
    nodes = _matching(req.context, pattern)
    return wsgi.json_response(req, {"hypervisors": _views(
        req, nodes, False, with_servers)})
