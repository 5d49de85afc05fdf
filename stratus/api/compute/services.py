"""os-services: the compute, conductor and scheduler services of every cell.

Before 2.53 a service is named by its integer id, and updates are actions
on ``PUT /os-services/{enable|disable|disable-log-reason|force-down}``
with host and binary in the body; from 2.53 services are named by UUID and
``PUT /os-services/{uuid}`` sets status, disabled_reason and forced_down.
Only nova-compute services can be updated.
"""
import os_traits
from oslo_utils import uuidutils

from stratus.api.compute import availability_zones
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import services as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import service as service_obj
from stratus.placement import exception as placement_exception
from stratus.placement import providers
from stratus.placement import traits
from stratus import constants

POLICY = "os_compute_api:os-services:%s"
FORCED_DOWN_VERSION = (2, 11)
UUID_VERSION = (2, 53)
DOWN_CELLS_VERSION = (2, 69)


def service_view(req, service, zone):
    conf = req.app.conf
    uuid_ids = req.api_version >= UUID_VERSION
    view = {
        "id": service.uuid if uuid_ids else service.id,
        "binary": service.binary,
        "host": service.host,
        "zone": zone,
        "status": "disabled" if service.disabled else "enabled",
        "state": "up" if service.is_up(conf.service_down_time) else "down",
        "updated_at": wsgi.isotime(availability_zones.last_report(service),
                                   microseconds=True),
        "disabled_reason": service.disabled_reason,
    }
    if req.api_version >= FORCED_DOWN_VERSION:
        view["forced_down"] = service.forced_down
    return view


@validation.query_schema(schema.index_query, "2.1", "2.74")
@validation.query_schema(schema.index_query_v275, "2.75")
def list_services(req):
    req.authorize(POLICY % "list")
    ctx = req.context
    binary = req.GET.get("binary") or None
    host = req.GET.get("host") or None
    down_cells = []
    services = service_obj.ServiceList.get_all(
        ctx, binary=binary, host=host, down_cells=down_cells)
    zones = availability_zones.ZoneMap(ctx, req.app.conf)
    views = [service_view(req, service, zones.zone_of(service))
             for service in services]
    if down_cells and req.api_version >= DOWN_CELLS_VERSION:
        views[:0] = _down_cell_computes(ctx, down_cells, binary, host)
    return wsgi.json_response(req, {"services": views})


def _down_cell_computes(ctx, down_cells, binary, host):
    """2.69: the compute services of cells that cannot be reached, as
    their host mappings know them; their other services are left out."""
    if binary not in (None, constants.COMPUTE_BINARY):
        return []
    return [{"binary": constants.COMPUTE_BINARY, "host": mapping.host,
             "status": "UNKNOWN"}
            for cell_uuid in down_cells
            for mapping in host_mapping_obj.HostMappingList.get_all(
                ctx, cell_uuid=cell_uuid)
            if host in (None, mapping.host)]


@validation.schema(schema.update, "2.1", "2.10")
@validation.schema(schema.update_v211, "2.11", "2.52")
@validation.schema(schema.update_v253, "2.53")
def update_service(req, service_id):
    if req.api_version >= UUID_VERSION:
        return _update_by_uuid(req, service_id)
    req.authorize(POLICY % "update")
    actions = {"enable": _enable, "disable": _disable,
               "disable-log-reason": _disable_log_reason}
    if req.api_version >= FORCED_DOWN_VERSION:
        actions["force-down"] = _force_down
    action = actions.get(service_id)
    if action is None:
        raise errors.not_found("Unknown action")
    body = req.json_document()
    return wsgi.json_response(req, {"service": action(req, body)})


def _enable(req, body):
    _update_by_host(req, body, disabled=False, disabled_reason=None)
    return {"host": body["host"], "binary": body["binary"],
            "status": "enabled"}


def _disable(req, body, reason=None):
    _update_by_host(req, body, disabled=True, disabled_reason=reason)
    view = {"host": body["host"], "binary": body["binary"],
            "status": "disabled"}
    if reason:
        view["disabled_reason"] = reason
    return view


def _disable_log_reason(req, body):
    if "disabled_reason" not in body:
        raise errors.bad_request("Missing disabled reason field")
    return _disable(req, body, body["disabled_reason"])


def _force_down(req, body):
    if "forced_down" not in body:
        raise errors.bad_request("Missing forced_down field")
    forced_down = common.to_bool(body["forced_down"])
    _update_by_host(req, body, forced_down=forced_down)
    return {"host": body["host"], "binary": body["binary"],
            "forced_down": forced_down}


def _assert_compute(binary):
    if binary != constants.COMPUTE_BINARY:
        raise errors.bad_request(
            "Updating a %s service is not supported. Only nova-compute "
            "services can be updated." % binary)


def _update_by_host(req, body, **changes):
    _assert_compute(body["binary"])
    try:
        service = service_obj.Service.get_by_host_and_binary(
            req.context, body["host"], body["binary"])
    except exception.ServiceNotFound:
        raise errors.not_found("Could not find binary %s on host %s."
                               % (body["binary"], body["host"]))
    for name, value in changes.items():
        setattr(service, name, value)
    _save(req.context, service)


def _save(ctx, service):
    """Save the service; when it was enabled or disabled, mark its nodes'
    providers with COMPUTE_STATUS_DISABLED or clear it, as Nova does, so
    the scheduler's placement query leaves a disabled host out."""
    status_changed = "disabled" in service.obj_what_changed()
    service.save()
    if not status_changed:
        return
    for node in compute_node_obj.ComputeNodeList.get_by_host(
            ctx, service.host):
        try:
            traits.set_trait(ctx, node.uuid, os_traits.COMPUTE_STATUS_DISABLED,
                             service.disabled)
        except placement_exception.ResourceProviderNotFound:
            pass


def _update_by_uuid(req, service_id):
    if not uuidutils.is_uuid_like(service_id):
        raise errors.bad_request("Invalid uuid %s" % service_id)
    req.authorize(POLICY % "update")
    body = req.json_document()
    ctx = req.context
    service = service_obj.Service.get_by_uuid(ctx, service_id)
    _assert_compute(service.binary)
    if body.get("status") == "enabled":
        if body.get("disabled_reason"):
            raise errors.bad_request("Specifying 'disabled_reason' with "
                                     "status 'enabled' is invalid.")
        service.disabled = False
        service.disabled_reason = None
    elif body.get("status") == "disabled":
        service.disabled = True
        service.disabled_reason = body.get("disabled_reason")
    if "forced_down" in body:
        service.forced_down = common.to_bool(body["forced_down"])
    if not service.obj_what_changed():
        raise errors.bad_request("No updates were requested. Fields "
                                 "'status' or 'forced_down' should be "
                                 "specified.")
    _save(ctx, service)
    zone = availability_zones.ZoneMap(ctx, req.app.conf).zone_of(service)
    return wsgi.json_response(req, {"service": service_view(req, service,
                                                            zone)})


def delete_service(req, service_id):
    """Delete a service; a compute service takes its compute nodes, their
    resource providers and its host mapping with it, and is refused while
    it hosts instances."""
    req.authorize(POLICY % "delete")
    ctx = req.context
    not_found = errors.not_found("Service %s not found." % service_id)
    try:
        if req.api_version >= UUID_VERSION:
            if not uuidutils.is_uuid_like(service_id):
                raise errors.bad_request("Invalid uuid %s" % service_id)
            service = service_obj.Service.get_by_uuid(ctx, service_id)
        else:
            number = common.to_int(service_id, "id", -common.MAX_INT)
            service = service_obj.Service.get_by_id(ctx, number)
    except exception.ServiceNotFound:
        raise not_found
    if service.binary == constants.COMPUTE_BINARY:
        _delete_compute_host(ctx, service)
    service.destroy()
    return wsgi.empty_response(req)


def _delete_compute_host(ctx, service):
    with ctx.target_cell(service.cell_uuid) as cctx:
        if instance_obj.InstanceList.get_by_host(cctx, service.host):
            raise errors.conflict(
                "Unable to delete compute service that is hosting "
                "instances. Migrate or delete the instances first.")
    for node in compute_node_obj.ComputeNodeList.get_by_host(ctx,
                                                             service.host):
        if node.cell_uuid == service.cell_uuid:
            providers.delete_provider(ctx, node.uuid)
    try:
        host_mapping_obj.HostMapping.get_by_host(ctx, service.host).destroy()
    except exception.HostMappingNotFound:
        pass  # never mapped: deleted before it reported to a conductor
