"""The quota engine: limits, usage and the checks the API makes.

Limits are the [quota] options, overridden by the ``default`` quota class,
then per project, then per user in a project (``objects.Quotas``); -1 is
unlimited. Usage is counted, never tracked: servers from the API DB's
instance mappings, their vCPUs and RAM from every cell's live instances
(one aggregate query per cell) plus the build requests that have not
reached a cell yet; key pairs per user; server groups.
"""
import json

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import cell_models
from stratus import exception
from stratus import objects
from stratus.objects import fields

# Nova's quota resources, in Nova's order.
RESOURCES = ("instances", "cores", "ram", "metadata_items", "injected_files",
             "injected_file_content_bytes", "injected_file_path_bytes",
             "key_pairs", "server_groups", "server_group_members")
# Networking quotas belong to the network service; shown as unlimited
# where the API still lists them (before 2.36).
NETWORK_RESOURCES = ("fixed_ips", "floating_ips", "security_groups",
                     "security_group_rules")
INSTANCE_RESOURCES = ("instances", "cores", "ram")
# Resources counted per user rather than per project.
USER_RESOURCES = ("key_pairs",)
COUNTED = INSTANCE_RESOURCES + ("key_pairs", "server_groups")

_CONF_NAMES = {"injected_file_path_bytes": "injected_file_path_length"}


class Quotas:
    def __init__(self, conf):
        self.conf = conf

    # Limits ------------------------------------------------------------------

    def defaults(self, context):
        """Limits of a project without overrides of its own."""
        stored = objects.Quotas.get(context, None)
        return self._merge(stored.class_limits)

    def _merge(self, *overrides):
        limits = {name: getattr(self.conf.quota, _CONF_NAMES.get(name, name))
                  for name in RESOURCES}
        for layer in overrides:
            limits.update({k: v for k, v in layer.items() if k in limits})
        return limits

    def limit_sets(self, context, project_id, user_id=None):
        """(project limits, user limits or None, whether the user has
        limits of their own): read once, handed to several checks of one
        request as ``limit_sets``."""
        return self._limit_sets(context, project_id, user_id)

    def _limit_sets(self, context, project_id, user_id=None):
        """(project limits, user limits or None, whether the user has
        limits of their own)."""
        stored = objects.Quotas.get(context, project_id, user_id)
        project = self._merge(stored.class_limits, stored.project_limits)
        if user_id is None:
            return project, None, False
        user = self._merge(stored.class_limits, stored.project_limits,
                           stored.user_limits)
        return project, user, bool(stored.user_limits)

    def limits(self, context, project_id, user_id=None):
        """{resource: hard limit} for a project, or for a user in it."""
        project, user, _ = self._limit_sets(context, project_id, user_id)
        return user if user is not None else project

    # Usage ---------------------------------------------------------------------

    def usage(self, context, project_id, user_id=None, resources=COUNTED,
              pending=True):
        """{resource: in use} for a project, or for one user in it; key
        pairs belong to users, so a project's count of them is 0.
        pending: count the servers that have not reached a cell yet."""
        wanted = set(resources)
        used = dict.fromkeys(resources, 0)
        sizes = wanted & {"cores", "ram"}
        with context.api_db.reader() as session:
            if wanted & set(INSTANCE_RESOURCES):
                used.update(_count_servers(session, project_id, user_id,
                                           sizes, pending))
            if "key_pairs" in wanted and user_id is not None:
                used["key_pairs"] = session.scalar(
                    sa.select(sa.func.count()).where(
                        api_models.KeyPair.user_id == user_id))
            if "server_groups" in wanted:
                query = sa.select(sa.func.count()).where(
                    api_models.InstanceGroup.project_id == project_id)
                if user_id is not None:
                    query = query.where(
                        api_models.InstanceGroup.user_id == user_id)
                used["server_groups"] = session.scalar(query)
            cell_uuids = list(session.scalars(
                sa.select(api_models.CellMapping.uuid))) if sizes else []
        for cell_uuid in cell_uuids:
            vcpus, memory_mb = _cell_usage(context, cell_uuid, project_id,
                                           user_id)
            used["cores"] = used.get("cores", 0) + vcpus
            used["ram"] = used.get("ram", 0) + memory_mb
        return used

    def settable_ranges(self, context, project_id, user_id=None):
        """{resource: (minimum, maximum)} a new limit must lie in: not
        below what is in use, and for a user not above the project's."""
        project, _, _ = self._limit_sets(context, project_id)
        used = self.usage(context, project_id, user_id,
                          resources=tuple(r for r in COUNTED
                                          if r not in USER_RESOURCES))
        return {name: (used.get(name, 0),
                       project[name] if user_id is not None else -1)
                for name in RESOURCES}

    # Checks --------------------------------------------------------------------

    def _scopes(self, context, project_id, user_id, resources,
                limit_sets=None):
        """[(limits, usage, user id or None)] to check: the project's, and the user's when
        the user has limits of their own or a per-user resource is asked.
        limit_sets: from limit_sets(context, project_id, user_id) when the
        caller read them already."""
        project, user, user_specific = limit_sets or self._limit_sets(
            context, project_id, user_id)
        # An unlimited resource (-1) cannot be exceeded: not counting it
        # spares a query per cell on every create.
        project_resources = tuple(r for r in resources
                                  if r not in USER_RESOURCES
                                  and project[r] >= 0)
        scopes = []
        if project_resources:
            scopes.append((project, self.usage(
                context, project_id, resources=project_resources), None))
        if user_id is not None and (
                user_specific or set(resources) & set(USER_RESOURCES)):
            user_resources = tuple(r for r in resources if user[r] >= 0)
            if user_resources:
                scopes.append((user, self.usage(
                    context, project_id, user_id, resources=user_resources),
                    user_id))
        return scopes

    def check_instances(self, context, project_id, user_id, min_count,
                        max_count, vcpus_each, ram_each, limit_sets=None):
        """How many of max_count servers of this size fit (at least
        min_count); TooManyInstances with Nova's message otherwise."""
        requested = {"instances": max_count, "cores": max_count * vcpus_each,
                     "ram": max_count * ram_each}
        scopes = self._scopes(context, project_id, user_id,
                              INSTANCE_RESOURCES, limit_sets)
        overs = _overs(scopes, requested, already_counted=False)
        if not overs:
            return max_count
        allowed = max_count
        each = {"instances": 1, "cores": vcpus_each, "ram": ram_each}
        for limits, used, _ in scopes:
            for name in INSTANCE_RESOURCES:
                if limits[name] >= 0 and each[name]:
                    headroom = max(limits[name] - used[name], 0)
                    allowed = min(allowed, headroom // each[name])
        if allowed >= min_count and allowed > 0:
            return allowed
        if min_count != max_count:
            requested = dict(requested,
                             instances="%d-%d" % (min_count, max_count))
        raise _too_many(self._as_they_stand(context, project_id, overs),
                        requested)

    def check_deltas(self, context, project_id, user_id, deltas,
                     already_counted=False, limit_sets=None):
        """Raise if adding deltas ({resource: amount}) exceeds a limit.

        already_counted: the resources exist already and are in the
        counts (a recheck after creating them, which catches concurrent
        requests that each passed the first check).
        limit_sets: from limit_sets(context, project_id, user_id) when the
        caller read them already.
        """
        scopes = self._scopes(context, project_id, user_id, tuple(deltas),
                              limit_sets)
        overs = _overs(scopes, deltas, already_counted)
        if not overs:
            return
        overs = self._as_they_stand(context, project_id, overs)
        if any(name in INSTANCE_RESOURCES for name, _, _, _ in overs):
            raise _too_many(overs, deltas)
        raise exception.OverQuota(overs=sorted(name for name, _, _, _ in overs))

    def _as_they_stand(self, context, project_id, overs):
        """overs, with a usage beyond the limit cut back to what the servers
        in cells show (or the limit, if more). Beyond the limit, the
        servers still on their way to a cell are those of requests made at
        the same moment as this one, which the quota's recheck refuses as
        it refuses this one: they are not usage (a burst of 17 creates
        into a quota of 10 would otherwise say "already used 16 of 10")."""
        settled = {}
        result = []
        for name, used, limit, user_id in overs:
            if used > limit and name in INSTANCE_RESOURCES:
                if user_id not in settled:
                    settled[user_id] = self.usage(
                        context, project_id, user_id,
                        resources=INSTANCE_RESOURCES, pending=False)
                used = min(used, max(limit, settled[user_id][name]))
            result.append((name, used, limit, user_id))
        return result

    def check_metadata_items(self, context, project_id, count,
                             limit_sets=None):
        """limit_sets: from limit_sets(context, project_id, ...)."""
        limits = (limit_sets[0] if limit_sets
                  else self.limits(context, project_id))
        limit = limits["metadata_items"]
        if 0 <= limit < count:
            raise exception.OverQuota(
                "Maximum number of metadata items exceeds %d" % limit)


def _overs(scopes, deltas, already_counted):
    """[(resource, used before the request, limit, the scope's user id or
    None for the project)] over quota, sorted, the tightest scope for each
    resource."""
    found = {}
    for limits, used, user_id in scopes:
        for name, delta in deltas.items():
            if name not in used or delta <= 0 or limits[name] < 0:
                continue
            before = used[name] - (delta if already_counted else 0)
            if before + delta > limits[name]:
                found.setdefault(name, (before, limits[name], user_id))
    return [(name,) + found[name] for name in sorted(found)]


def _too_many(overs, requested):
    def join(values):
        return ", ".join(str(value) for value in values)
    return exception.TooManyInstances(
        overs=join(name for name, _, _, _ in overs),
        req=join(requested[name] for name, _, _, _ in overs),
        used=join(used for _, used, _, _ in overs),
        allowed=join(limit for _, _, limit, _ in overs))


# The statements of a quota check, built once ([per project, per user]):
# they run twice on every create.
def _owned(mapping, per_user):
    owned = [mapping.c.project_id == sa.bindparam("project_id"),
             mapping.c.queued_for_delete.is_(False)]
    if per_user:
        owned.append(mapping.c.user_id == sa.bindparam("user_id"))
    return owned


def _server_count(per_user, placed_only=False):
    mapping = api_models.InstanceMapping.__table__
    query = sa.select(sa.func.count()).select_from(mapping).where(
        *_owned(mapping, per_user))
    if placed_only:
        query = query.where(mapping.c.cell_id.isnot(None))
    return query


def _pending_servers(per_user):
    mapping = api_models.InstanceMapping.__table__
    build_request = api_models.BuildRequest.__table__
    return sa.select(build_request.c.instance).join(
        mapping, mapping.c.instance_uuid
        == build_request.c.instance_uuid).where(
        mapping.c.cell_id.is_(None), *_owned(mapping, per_user))


def _cell_usage_query(per_user):
    instance = cell_models.Instance.__table__
    query = sa.select(
        sa.func.coalesce(sa.func.sum(instance.c.vcpus), 0),
        sa.func.coalesce(sa.func.sum(instance.c.memory_mb), 0)).where(
        instance.c.project_id == sa.bindparam("project_id"),
        instance.c.deleted == 0,
        sa.or_(instance.c.vm_state.is_(None),
               instance.c.vm_state != fields.VMState.SOFT_DELETED),
        sa.or_(instance.c.hidden.is_(None), instance.c.hidden.is_(False)))
    if per_user:
        query = query.where(instance.c.user_id == sa.bindparam("user_id"))
    return query


_SERVER_COUNT = [_server_count(False), _server_count(True)]
_PLACED_SERVER_COUNT = [_server_count(False, True), _server_count(True, True)]
_PENDING_SERVERS = [_pending_servers(False), _pending_servers(True)]
_CELL_USAGE = [_cell_usage_query(False), _cell_usage_query(True)]


def _count_servers(session, project_id, user_id, sizes, pending=True):
    """Servers from the instance mappings, and when sizes are asked the
    vCPUs and RAM of those that have not reached a cell yet (their size
    is in the build request). pending=False: only servers in a cell."""
    per_user = user_id is not None
    params = {"project_id": project_id, "user_id": user_id}
    count = _SERVER_COUNT if pending else _PLACED_SERVER_COUNT
    used = {"instances": session.scalar(count[per_user], params)}
    if sizes and not pending:
        used.update(cores=0, ram=0)
    elif sizes:
        used.update(cores=0, ram=0)
        for text in session.scalars(_PENDING_SERVERS[per_user], params):
            vcpus, memory_mb = _build_request_size(text)
            used["cores"] += vcpus
            used["ram"] += memory_mb
    return used


def _cell_usage(context, cell_uuid, project_id, user_id):
    """(vCPUs, MB of RAM) of a project's live servers in one cell; as
    Nova, a cell whose database cannot be reached counts nothing."""
    try:
        with context.cell_db_for(cell_uuid).reader() as session:
            vcpus, memory_mb = session.execute(
                _CELL_USAGE[user_id is not None],
                {"project_id": project_id, "user_id": user_id}).one()
    except exception.DatabaseUnreachable:
        return 0, 0
    return int(vcpus), int(memory_mb)


def _build_request_size(text):
    """(vCPUs, MB of RAM) of the serialized Instance in a build request,
    read from the primitive: rebuilding whole instances for every check
    costs more than a boot once many servers are pending."""
    if not text:
        return 0, 0
    instance = json.loads(text)["stratus_object.data"]
    flavor = (instance.get("flavor") or {}).get("stratus_object.data", {})
    vcpus = instance.get("vcpus")
    memory_mb = instance.get("memory_mb")
    if vcpus is None:
        vcpus = flavor.get("vcpus")
    if memory_mb is None:
        memory_mb = flavor.get("memory_mb")
    return vcpus or 0, memory_mb or 0
