"""The quota engine: limits, usage and the checks the API makes.

Limits are the [quota] options, overridden by the ``default`` quota class,
then per project, then per user in a project (``objects.Quotas``); -1 is
unlimited. Usage is counted, never tracked: servers from the API DB's
instance mappings, their vCPUs and RAM from every cell's live instances
(one aggregate query per cell) plus the build requests that have not
reached a cell yet, or with [quota] count_usage_from_placement from
placement's allocations; key pairs per user; server groups.
"""
from stratus import exception
from stratus import objects
from stratus.objects import quota_usage
from stratus.objects import quotas as quotas_obj

# Nova's quota resources, in Nova's order.
RESOURCES = ("instances", "cores", "ram", "metadata_items", "injected_files",
             "injected_file_content_bytes", "injected_file_path_bytes",
             "key_pairs", "server_groups", "server_group_members")
# Networking quotas belong to the network service; shown as unlimited
# where the API still lists them (before 2.36).
NETWORK_RESOURCES = ("fixed_ips", "floating_ips", "security_groups",
                     "security_group_rules")
INSTANCE_RESOURCES = quota_usage.SERVER_RESOURCES
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

    def class_limits(self, context, class_name):
        """Limits of a quota class: the [quota] options, overridden by
        what the class stores (Nova's get_class_quotas)."""
        return self._merge(quotas_obj.get_class_limits(context, class_name))

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
        """{resource: in use} for a project, or for one user in it
        (objects.quota_usage.count)."""
        return quota_usage.count(
            context, project_id, user_id, resources, pending,
            from_placement=self.conf.quota.count_usage_from_placement)

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
