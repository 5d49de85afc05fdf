"""/os-hosts (deprecated; up to 2.42, 404 above, as in Nova): the hosts
of the compute, conductor and scheduler services, a compute host's
resources, and the host operations the libvirt driver does not offer.

A PUT with ``status`` or ``maintenance_mode``, and the reboot, shutdown
and startup actions, ask the host's virt driver in Nova; the libvirt
driver implements none of them, so Nova answers 501 for a host whose
compute service exists, 404 for an unknown one; Stratus answers the same
without asking the host, and 400 when the compute service is down (it
could not be asked). Services are enabled and disabled with
/os-services.
"""
from stratus.api.compute import availability_zones
from stratus.api.compute import images
from stratus.api import errors
from stratus.api.schemas import hosts as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import instance as instance_obj
from stratus.objects import service as service_obj
from stratus.policies import hosts as policies
from stratus import constants

MAX_VERSION = (2, 42)
_NOT_SUPPORTED = "The requested functionality is not supported."


def _authorize(req, action):
    images.require_version(req, MAX_VERSION)
    req.authorize(policies.POLICY_ROOT % action)


@validation.query_schema(schemas.index_query, "2.1", "2.42")
def list_hosts(req):
    _authorize(req, "list")
    ctx = req.context
    zones = availability_zones.ZoneMap(ctx, req.app.conf)
    zone = req.GET.get("zone") or None
    hosts = []
    for service in service_obj.ServiceList.get_all(ctx, disabled=False):
        service_zone = zones.zone_of(service)
        if zone is None or service_zone == zone:
            hosts.append({"host_name": service.host,
                          "service": service.topic or service.binary[5:],
                          "zone": service_zone})
    return wsgi.json_response(req, {"hosts": hosts})


def _resource(host_name, project, cpu, memory_mb, disk_gb):
    return {"resource": {"host": host_name, "project": project, "cpu": cpu,
                         "memory_mb": memory_mb, "disk_gb": disk_gb}}


def show_host(req, host_name):
    _authorize(req, "show")
    nodes = compute_node_obj.ComputeNodeList.get_by_host(req.context,
                                                         host_name)
    if not nodes:
        raise errors.not_found(exception.ComputeHostNotFound(
            host=host_name).format_message())
    node = nodes[0]
    with req.context.target_cell(node.cell_uuid) as cctx:
        instances = instance_obj.InstanceList.get_by_host(cctx, host_name)
    resources = [
        _resource(host_name, "(total)", node.vcpus, node.memory_mb,
                  node.local_gb),
        _resource(host_name, "(used_now)", node.vcpus_used,
                  node.memory_mb_used, node.local_gb_used)]
    by_project = {}
    totals = [0, 0, 0]
    for instance in instances:
        used = (instance.vcpus or 0, instance.memory_mb or 0,
                (instance.root_gb or 0) + (instance.ephemeral_gb or 0))
        project = by_project.setdefault(instance.project_id, [0, 0, 0])
        for index, amount in enumerate(used):
            project[index] += amount
            totals[index] += amount
    resources.append(_resource(host_name, "(used_max)", *totals))
    resources.extend(_resource(host_name, project, *used)
                     for project, used in by_project.items())
    return wsgi.json_response(req, {"host": resources})


def _not_supported_on(req, host_name):
    """404 for a host without a compute service, 400 when its service is
    down, else the libvirt driver's answer: 501."""
    services = service_obj.ServiceList.get_all(
        req.context, binary=constants.COMPUTE_BINARY, host=host_name)
    if not services:
        raise errors.not_found(exception.ComputeHostNotFound(
            host=host_name).format_message())
    if not services[0].is_up(req.app.conf.service_down_time):
        raise errors.bad_request(exception.ComputeServiceUnavailable(
            host=host_name).format_message())
    raise errors.HTTPError(501, _NOT_SUPPORTED)


@validation.schema(schemas.update, "2.1", "2.42")
def update_host(req, host_name):
    _authorize(req, "update")
    body = req.json_document()
    if body.get("status") is not None or \
            body.get("maintenance_mode") is not None:
        _not_supported_on(req, host_name)
    return wsgi.json_response(req, {"host": host_name})


def reboot_host(req, host_name):
    _authorize(req, "reboot")
    _not_supported_on(req, host_name)


def shutdown_host(req, host_name):
    _authorize(req, "shutdown")
    _not_supported_on(req, host_name)


def startup_host(req, host_name):
    _authorize(req, "start")
    _not_supported_on(req, host_name)
