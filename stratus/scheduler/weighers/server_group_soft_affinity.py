"""ServerGroupSoftAffinityWeigher: for a soft-affinity group, hosts with
more of the group's members weigh more
(``[filter_scheduler] soft_affinity_weight_multiplier``)."""
from stratus.objects import instance_group as group_obj
from stratus.scheduler.filters import server_group_affinity_filter


class ServerGroupSoftAffinityWeigher:
    option = "soft_affinity_weight_multiplier"
    policy = group_obj.SOFT_AFFINITY
    sign = 1

    def __init__(self, conf):
        self.multiplier = getattr(conf.filter_scheduler, self.option)

    def for_request(self, ctx, spec):
        if server_group_affinity_filter.group_with_policy(spec, self.policy):
            return self
        return None

    def weight(self, host_state, spec):
        group = server_group_affinity_filter.group_with_policy(spec,
                                                               self.policy)
        if group is None:
            return 0
        return self.sign * (group.get("hosts") or []).count(host_state.host)
