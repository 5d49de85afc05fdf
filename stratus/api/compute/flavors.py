"""/flavors: list, show, create, update (2.55), delete."""
from oslo_utils import strutils

from stratus.api.compute import links
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import flavors as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus import objects
from stratus.policies import flavor_extra_specs as extra_specs_policies
from stratus.policies import flavor_manage as policies

DESCRIPTION_VERSION = (2, 55)
EXTRA_SPECS_VERSION = (2, 61)
SWAP_ZERO_VERSION = (2, 75)
RXTX_FACTOR_MAX = 3.40282e+38


def include_extra_specs(req):
    """Flavor bodies carry extra specs from 2.61, if policy allows."""
    return req.api_version >= EXTRA_SPECS_VERSION and req.can(
        extra_specs_policies.POLICY_ROOT % "index",
        {"project_id": req.context.project_id})


def flavor_view(req, flavor, detail=True, extra_specs=False):
    body = {"id": flavor.flavorid, "name": flavor.name,
            "links": links.resource_links(req, "flavors", flavor.flavorid)}
    if detail:
        no_swap = 0 if req.api_version >= SWAP_ZERO_VERSION else ""
        body.update({
            "ram": flavor.memory_mb,
            "disk": flavor.root_gb,
            "swap": flavor.swap or no_swap,
            "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral_gb,
            "OS-FLV-DISABLED:disabled": flavor.disabled,
            "vcpus": flavor.vcpus,
            "os-flavor-access:is_public": flavor.is_public,
            "rxtx_factor": flavor.rxtx_factor or "",
        })
    if req.api_version >= DESCRIPTION_VERSION:
        body["description"] = flavor.description
    if detail and extra_specs:
        body["extra_specs"] = dict(flavor.extra_specs)
    return body


def _show_response(req, flavor):
    return wsgi.json_response(req, {"flavor": flavor_view(
        req, flavor, extra_specs=include_extra_specs(req))})


def _is_public_filter(req):
    value = req.GET.get("is_public")
    if value is None:
        return True
    if value.lower() == "none":
        return None
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise errors.bad_request("Invalid is_public filter [%s]" % value)


def _get_flavors(req):
    if req.context.is_admin:
        filters = {"is_public": _is_public_filter(req)}
    else:
        filters = {"is_public": True, "disabled": False}
    for param, name in (("minRam", "min_memory_mb"),
                        ("minDisk", "min_root_gb")):
        if param in req.GET:
            filters[name] = links.int_filter(req, param)
    limit, marker = links.limit_and_marker(req)
    return objects.FlavorList.get_all(
        req.context, filters=filters,
        sort_key=req.GET.get("sort_key") or "flavorid",
        sort_dir=req.GET.get("sort_dir") or "asc",
        limit=limit, marker=marker)


def _list_response(req, detail):
    flavors = _get_flavors(req)
    extra_specs = detail and include_extra_specs(req)
    body = {"flavors": [flavor_view(req, flavor, detail, extra_specs)
                        for flavor in flavors]}
    collection = "flavors/detail" if detail else "flavors"
    next_links = links.next_links(req, flavors, collection,
                                  lambda flavor: flavor.flavorid)
    if next_links:
        body["flavors_links"] = next_links
    return wsgi.json_response(req, body)


@validation.query_schema(schemas.index_query, "2.1", "2.74")
@validation.query_schema(schemas.index_query_v275, "2.75")
def list_flavors(req):
    return _list_response(req, detail=False)


@validation.query_schema(schemas.index_query, "2.1", "2.74")
@validation.query_schema(schemas.index_query_v275, "2.75")
def list_flavors_detail(req):
    return _list_response(req, detail=True)


def show_flavor(req, flavor_id):
    return _show_response(
        req, objects.Flavor.get_by_flavor_id(req.context, flavor_id))


def _rxtx_factor(value):
    try:
        factor = float(value)
    except (TypeError, ValueError):
        factor = 0
    if not 0 < factor <= RXTX_FACTOR_MAX:
        raise exception.InvalidInput(
            reason="'rxtx_factor' argument must be a float between 0 and %g"
            % RXTX_FACTOR_MAX)
    return factor


@validation.schema(schemas.create, "2.1", "2.54")
@validation.schema(schemas.create_v255, "2.55")
def create_flavor(req):
    req.authorize(policies.POLICY_ROOT % "create")
    values = req.json_document()["flavor"]
    flavor = objects.Flavor(
        context=req.context,
        name=values["name"],
        memory_mb=common.to_int(values["ram"], "memory_mb", 1),
        vcpus=common.to_int(values["vcpus"], "vcpus", 1),
        root_gb=common.to_int(values["disk"], "root_gb", 0),
        ephemeral_gb=common.to_int(
            values.get("OS-FLV-EXT-DATA:ephemeral", 0), "ephemeral_gb", 0),
        swap=common.to_int(values.get("swap", 0), "swap", 0),
        rxtx_factor=_rxtx_factor(values.get("rxtx_factor", 1.0)),
        is_public=common.to_bool(
            values.get("os-flavor-access:is_public", True)),
        description=values.get("description"),
        extra_specs={}, projects=[])
    if values.get("id") is not None:
        flavor.flavorid = str(values["id"])
    flavor.create()
    return _show_response(req, flavor)


@validation.schema(schemas.update_v255, "2.55")
def update_flavor(req, flavor_id):
    if req.api_version < DESCRIPTION_VERSION:
        raise errors.not_found("The resource could not be found.")
    req.authorize(policies.POLICY_ROOT % "update")
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    flavor.description = req.json_document()["flavor"]["description"]
    flavor.save()
    return _show_response(req, flavor)


def delete_flavor(req, flavor_id):
    req.authorize(policies.POLICY_ROOT % "delete")
    objects.Flavor(context=req.context, flavorid=flavor_id).destroy()
    return wsgi.empty_response(req, status=202)
