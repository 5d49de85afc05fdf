"""/os-server-groups: groups of servers placed by a policy — affinity,
anti-affinity (hard: the scheduler never breaks them), soft-affinity and
soft-anti-affinity (2.15; weighed, not enforced).

2.13 shows project_id and user_id; 2.64 replaces the ``policies`` list with
one ``policy`` and its ``rules`` (max_server_per_host, anti-affinity
only) and drops the always-empty ``metadata``; 2.75 rejects unknown query
parameters. A group of another project is not found (404) for anyone
but an admin.
"""
import uuid as uuid_lib

from stratus.api.schemas import common
from stratus.api.schemas import server_groups as schemas
from stratus.api import errors
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import instance_group as group_obj
from stratus.policies import server_groups as policies
from stratus import quota

OWNER_VERSION = (2, 13)
POLICY_VERSION = (2, 64)


def group_view(req, group):
    view = {"id": group.uuid, "name": group.name, "members": group.members}
    if req.api_version >= POLICY_VERSION:
        view["policy"] = group.policy
        view["rules"] = dict(group.rules)
    else:
        view["policies"] = [group.policy] if group.policy else []
        view["metadata"] = {}
    if req.api_version >= OWNER_VERSION:
        view["project_id"] = group.project_id
        view["user_id"] = group.user_id
    return view


def _check_quota(req, already_counted=False):
    ctx = req.context
    try:
        quota.Quotas(req.app.conf).check_deltas(
            ctx, ctx.project_id, ctx.user_id, {"server_groups": 1},
            already_counted=already_counted)
    except exception.OverQuota:
        raise errors.forbidden("Quota exceeded, too many server groups.")


@validation.schema(schemas.create, "2.1", "2.14")
@validation.schema(schemas.create_v215, "2.15", "2.63")
@validation.schema(schemas.create_v264, "2.64")
def create_server_group(req):
    ctx = req.context
    req.authorize(policies.POLICY_ROOT % "create",
                  {"project_id": ctx.project_id, "user_id": ctx.user_id})
    values = req.json_document()["server_group"]
    if req.api_version >= POLICY_VERSION:
        policy = values["policy"]
        rules = {name: int(value)
                 for name, value in (values.get("rules") or {}).items()}
        if rules and policy != group_obj.ANTI_AFFINITY:
            raise errors.bad_request(
                "Only anti-affinity policy supports rules.")
    else:
        policy, = values["policies"]
        rules = {}
    _check_quota(req)
    group = group_obj.InstanceGroup(
        ctx, uuid=str(uuid_lib.uuid4()), name=values["name"],
        project_id=ctx.project_id, user_id=ctx.user_id, policy=policy,
        rules=rules)
    group.create()
    if req.app.conf.quota.recheck_quota:
        try:
            _check_quota(req, already_counted=True)
        except errors.HTTPError:
            group.destroy()
            raise
    return wsgi.json_response(req, {"server_group": group_view(req, group)})


def _visible_group(req, server_group_id, action):
    """The group, if the caller may see it: 404 for another project's
    group unless the caller is an admin."""
    ctx = req.context
    req.authorize(policies.POLICY_ROOT % action,
                  {"project_id": ctx.project_id})
    project_id = None if ctx.is_admin else ctx.project_id
    group = group_obj.InstanceGroup.get_by_uuid(ctx, server_group_id,
                                                project_id=project_id)
    req.authorize(policies.POLICY_ROOT % action,
                  {"project_id": group.project_id})
    return group


def show_server_group(req, server_group_id):
    group = _visible_group(req, server_group_id, "show")
    return wsgi.json_response(req, {"server_group": group_view(req, group)})


def delete_server_group(req, server_group_id):
    _visible_group(req, server_group_id, "delete").destroy()
    return wsgi.empty_response(req, status=204)


@validation.query_schema(schemas.index_query, "2.1", "2.74")
@validation.query_schema(schemas.index_query_v275, "2.75")
def list_server_groups(req):
    ctx = req.context
    req.authorize(policies.POLICY_ROOT % "index",
                  {"project_id": ctx.project_id})
    project_id = ctx.project_id
    if "all_projects" in req.GET and req.can(
            policies.POLICY_ROOT % "index:all_projects",
            {"project_id": ctx.project_id}):
        project_id = None
    max_limit = req.app.conf.api.max_limit
    limit = max_limit
    if "limit" in req.GET:
        limit = min(common.to_int(req.GET["limit"], "limit", 0), max_limit)
    offset = common.to_int(req.GET.get("offset", 0), "offset", 0)
    groups = group_obj.InstanceGroupList.get_all(
        ctx, project_id=project_id, limit=limit, offset=offset)
    return wsgi.json_response(req, {"server_groups": [
        group_view(req, group) for group in groups]})
