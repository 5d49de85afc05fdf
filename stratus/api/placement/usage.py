"""/resource_providers/{uuid}/usages and /usages."""
from stratus.api.placement import util
from stratus.api import wsgi
from stratus.placement import errors as codes
from stratus.placement import usages


def list_usages(req, uuid):
    req.authorize("placement:resource_providers:usages")
    used, generation = usages.provider_usage_report(
        req.context, util.normalize_uuid(uuid))
    return wsgi.json_response(req, {
        "usages": used, "resource_provider_generation": generation})


def get_total_usages(req):
    if not util.wants(req, 9):
        raise util.http_error(404, "The resource could not be found.")
    req.authorize("placement:usages")
    util.check_query(req, {"project_id", "user_id"}
                     | ({"consumer_type"} if util.wants(req, 38) else set()))
    project_id = util.single(req, "project_id")
    user_id = util.single(req, "user_id")
    if not project_id:
        raise util.http_error(400, "Invalid query string parameters: "
                              "'project_id' is a required property",
                              codes.QUERY_MISSING_VALUE)
    if util.wants(req, 38):
        report = usages.project_usages_by_type(req.context, project_id,
                                               user_id)
        consumer_type = util.single(req, "consumer_type")
        if consumer_type:
            # One type, "all" or "unknown": that entry only (1.38).
            report = {key: entry for key, entry in report.items()
                      if key == consumer_type}
    else:
        report = usages.project_usages(req.context, project_id, user_id)
    return wsgi.json_response(req, {"usages": report})
