"""/v3/os-quota-sets/{project_id} (show, ?usage=True, defaults, update,
delete) and /v3/limits (the absolute limits and their usage)."""
from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.volume.store import quotas as quota_store


def _project(project_id):
    return validation.string(project_id, "project_id")


def show_quota_set(req, project_id):
    req.authorize("volume_extension:quotas:show",
                  {"project_id": _project(project_id)})
    usage = validation.boolean(req.GET.get("usage", "false"), "usage")
    limits = req.app.quotas.limits(project_id)
    body = dict(limits)
    if usage:
        used = req.app.quotas.usage(project_id)
        body = {resource: {"limit": limit, "in_use": used[resource],
                           "reserved": 0, "allocated": 0}
                for resource, limit in limits.items()}
    body["id"] = project_id
    return wsgi.json_response(req, {"quota_set": body})


def show_default_quota_set(req, project_id):
    req.authorize("volume_extension:quotas:show",
                  {"project_id": _project(project_id)})
    return wsgi.json_response(req, {"quota_set": dict(
        req.app.quotas.defaults(), id=project_id)})


def update_quota_set(req, project_id):
    req.authorize("volume_extension:quotas:update",
                  {"project_id": _project(project_id)})
    body = validation.body_of(req, "quota_set")
    limits = {}
    for resource, value in body.items():
        if resource in ("id", "tenant_id"):
            continue
        if resource not in quota_store.RESOURCES:
            raise validation.bad("Bad key(s) in quota set: %s"
                                 % str(resource)[:64])
        limits[resource] = validation.integer(value, resource, minimum=-1)
    used = req.app.quotas.usage(project_id)
    for resource, limit in limits.items():
        if 0 <= limit < used.get(resource, 0):
            raise validation.bad(
                "Quota %s limit must be equal or greater than existing "
                "resources. Current usage is %s and the requested limit "
                "is %s." % (resource, used[resource], limit))
    req.app.quotas.set_limits(project_id, limits)
    return wsgi.json_response(req, {"quota_set": req.app.quotas.limits(
        project_id)})


def delete_quota_set(req, project_id):
    req.authorize("volume_extension:quotas:delete",
                  {"project_id": _project(project_id)})
    req.app.quotas.reset(project_id)
    return wsgi.empty_response(req, status=200)


def show_limits(req):
    project_id = req.context.project_id
    limits = req.app.quotas.limits(project_id)
    absolute = {"maxTotalVolumes": limits["volumes"],
                "maxTotalSnapshots": limits["snapshots"],
                "maxTotalVolumeGigabytes": limits["gigabytes"],
                "maxTotalBackups": limits["backups"],
                "maxTotalBackupGigabytes": limits["backup_gigabytes"]}
    if req.can("limits_extension:used_limits",
               {"project_id": project_id}):
        used = req.app.quotas.usage(project_id)
        absolute.update(totalVolumesUsed=used["volumes"],
                        totalSnapshotsUsed=used["snapshots"],
                        totalGigabytesUsed=used["gigabytes"],
                        totalBackupsUsed=0, totalBackupGigabytesUsed=0)
    return wsgi.json_response(req, {"limits": {"rate": [],
                                               "absolute": absolute}})
