"""/v2.0/quotas: network quotas per project (quotas and quota_details
extensions). A project reads its own limits, defaults and usage; reading
another project's needs ``get_quota`` (administrators), the list of the
projects with limits of their own, setting and resetting are for
administrators. -1 is unlimited."""
from stratus.api import errors
from stratus.api import wsgi
from stratus.network import exception as net_exception

# The largest limit Neutron stores (its DB_INTEGER_MAX_VALUE).
MAX_LIMIT = 2 ** 31 - 1


def _authorize(req, rule):
    """Neutron's validate_policy: the caller's own project is the target."""
    target = {"project_id": req.context.project_id,
              "tenant_id": req.context.project_id}
    if not req.can(rule, target):
        raise net_exception.PolicyNotAuthorized(action=rule)


def _authorize_read(req, project_id):
    if project_id != req.context.project_id:
        _authorize(req, "get_quota")


def list_quotas(req):
    _authorize(req, "get_quota")
    return wsgi.json_response(req, {"quotas": [
        dict(limits, project_id=project_id, tenant_id=project_id)
        for project_id, limits in req.app.quotas.projects().items()]})


def show_quota(req, project_id):
    _authorize_read(req, project_id)
    return wsgi.json_response(
        req, {"quota": req.app.quotas.limits(project_id)})


def show_default_quota(req, project_id):
    _authorize_read(req, project_id)
    return wsgi.json_response(req, {"quota": req.app.quotas.defaults()})


def show_quota_details(req, project_id):
    if project_id != req.context.project_id and not req.context.is_admin:
        raise net_exception.AdminRequired(
            reason="Only admin is authorized to access quotas for another "
                   "tenant")
    limits = req.app.quotas.limits(project_id)
    usage = req.app.quotas.usage(project_id)
    return wsgi.json_response(req, {"quota": {
        resource: {"limit": limit, "used": usage.get(resource, 0),
                   "reserved": 0}
        for resource, limit in limits.items()}})


def _limit(resource, value):
    """Neutron's convert_to_int, then its range -1 through the maximum."""
    if isinstance(value, bool):
        value = None
    try:
        limit = int(value)
    except (TypeError, ValueError, OverflowError):
        raise net_exception.InvalidInput(error_message="'%s' is not an "
                                         "integer" % errors.truncate(
                                             value, 255)) from None
    if not -1 <= limit <= MAX_LIMIT:
        raise errors.bad_request(
            "Invalid input for %s. Reason: '%d' is not in range -1 through "
            "%d." % (resource, limit, MAX_LIMIT))
    return limit


def update_quota(req, project_id):
    _authorize(req, "update_quota")
    body = req.json_document()
    if not isinstance(body, dict) or "quota" not in body:
        raise errors.bad_request("Unable to find 'quota' in request body")
    given = body["quota"]
    if not isinstance(given, dict):
        raise errors.bad_request("Invalid input for quota. Reason: must be "
                                 "an object.")
    given = dict(given)
    given.pop("force", None)
    check_limit = given.pop("check_limit", False)
    known = req.app.quotas.defaults()
    unknown = sorted(name for name in given if name not in known)
    if unknown:
        raise errors.bad_request("Unrecognized attribute(s) '%s'"
                                 % errors.truncate(", ".join(unknown)))
    limits = {resource: _limit(resource, value)
              for resource, value in given.items()}
    if check_limit is True:
        usage = req.app.quotas.usage(project_id)
        for resource, limit in sorted(limits.items()):
            if 0 <= limit < usage[resource]:
                raise errors.bad_request(
                    "Quota limit %d for %s must be greater than or equal to "
                    "already used %d" % (limit, resource, usage[resource]))
    req.app.quotas.set_limits(project_id, limits)
    return wsgi.json_response(
        req, {"quota": req.app.quotas.limits(project_id)})


def delete_quota(req, project_id):
    _authorize(req, "delete_quota")
    req.app.quotas.reset(project_id)
    return wsgi.empty_response(req)
