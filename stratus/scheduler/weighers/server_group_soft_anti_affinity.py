"""ServerGroupSoftAntiAffinityWeigher: for a soft-anti-affinity group,
hosts with fewer of the group's members weigh more
(``[filter_scheduler] soft_anti_affinity_weight_multiplier``)."""
from stratus.objects import instance_group as group_obj
from stratus.scheduler.weighers import server_group_soft_affinity


class ServerGroupSoftAntiAffinityWeigher(
        server_group_soft_affinity.ServerGroupSoftAffinityWeigher):
    option = "soft_anti_affinity_weight_multiplier"
    policy = group_obj.SOFT_ANTI_AFFINITY
    sign = -1
