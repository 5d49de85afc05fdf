"""/os-quota-sets/{project_id}: show, detail (with usage), defaults,
update (admin) and delete (back to defaults), for a project or, with
?user_id=, one user in it.

2.36 drops the networking quotas from bodies, 2.57 the injected file
(personality) ones.
"""
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api.schemas import quota_sets as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import objects
from stratus.policies import quota_sets as policies
from stratus import quota

_INJECTED_FILES = ("injected_files", "injected_file_content_bytes",
                   "injected_file_path_bytes")


def _shown(req):
    """The resources a quota set body lists at this version, and whether
    the networking ones (always unlimited here) come along."""
    resources = quota.RESOURCES
    if req.api_version >= (2, 57):
        resources = tuple(r for r in resources if r not in _INJECTED_FILES)
    return resources, req.api_version < (2, 36)


def _quota_set(req, values, project_id=None, network_value=-1):
    resources, with_network = _shown(req)
    body = {name: values[name] for name in resources}
    if with_network:
        body.update(dict.fromkeys(quota.NETWORK_RESOURCES, network_value))
    if project_id is not None:
        body["id"] = project_id
    return wsgi.json_response(req, {"quota_set": body})


def _authorize(req, action, project_id):
    req.authorize(policies.POLICY_ROOT % action, {"project_id": project_id})


@validation.query_schema(schemas.query, "2.1", "2.74")
@validation.query_schema(schemas.query_v275, "2.75")
def show_quota_set(req, project_id):
    _authorize(req, "show", project_id)
    limits = quota.Quotas(req.app.conf).limits(
        req.context, project_id, req.GET.get("user_id"))
    return _quota_set(req, limits, project_id)


@validation.query_schema(schemas.query, "2.1", "2.74")
@validation.query_schema(schemas.query_v275, "2.75")
def show_quota_detail(req, project_id):
    _authorize(req, "detail", project_id)
    user_id = req.GET.get("user_id")
    engine = quota.Quotas(req.app.conf)
    limits = engine.limits(req.context, project_id, user_id)
    used = engine.usage(req.context, project_id, user_id)
    details = {name: {"limit": limit, "in_use": used.get(name, 0),
                      "reserved": 0}
               for name, limit in limits.items()}
    return _quota_set(req, details, project_id,
                      network_value={"limit": -1, "in_use": 0,
                                     "reserved": 0})


@validation.query_schema(schemas.defaults_query)
def show_quota_defaults(req, project_id):
    _authorize(req, "defaults", project_id)
    return _quota_set(
        req, quota.Quotas(req.app.conf).defaults(req.context), project_id)


def _check_limit(resource, limit, minimum, maximum):
    def unlimited_as_inf(value):
        return float("inf") if value == -1 else value
    if unlimited_as_inf(limit) < unlimited_as_inf(minimum):
        raise errors.bad_request(
            "Quota limit %s for %s must be greater than or equal to already "
            "used and reserved %s." % (limit, resource, minimum))
    if unlimited_as_inf(limit) > unlimited_as_inf(maximum):
        raise errors.bad_request(
            "Quota limit %s for %s must be less than or equal to %s."
            % (limit, resource, maximum))


@validation.schema(schemas.update, "2.1", "2.35")
@validation.schema(schemas.update_v236, "2.36", "2.56")
@validation.schema(schemas.update_v257, "2.57")
@validation.query_schema(schemas.query, "2.1", "2.74")
@validation.query_schema(schemas.query_v275, "2.75")
def update_quota_set(req, project_id):
    _authorize(req, "update", project_id)
    user_id = req.GET.get("user_id")
    values = dict(req.json_document()["quota_set"])
    if "networks" in values:
        raise errors.bad_request("The networks quota has been removed")
    force = common.to_bool(values.pop("force", False))
    engine = quota.Quotas(req.app.conf)
    ranges = engine.settable_ranges(req.context, project_id, user_id)
    limits = {}
    for resource, value in values.items():
        if resource not in ranges or value is None or value == "":
            continue  # networking quotas belong to the network service
        limit = schemas.limit_value(resource, value)
        if not force:
            _check_limit(resource, limit, *ranges[resource])
        limits[resource] = limit
    if limits:
        objects.Quotas.set_limits(req.context, project_id, limits, user_id)
    return _quota_set(req, engine.limits(req.context, project_id, user_id))


@validation.query_schema(schemas.query, "2.1", "2.74")
@validation.query_schema(schemas.query_v275, "2.75")
def delete_quota_set(req, project_id):
    _authorize(req, "delete", project_id)
    objects.Quotas.destroy_all(req.context, project_id,
                               req.GET.get("user_id"))
    return wsgi.empty_response(req, status=202)
