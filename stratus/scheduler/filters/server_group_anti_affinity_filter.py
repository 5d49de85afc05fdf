"""ServerGroupAntiAffinityFilter: a member of an anti-affinity group goes
to a host with fewer than ``max_server_per_host`` (rules, 2.64; default 1)
members already.

The filter narrows the candidates from the scheduler's snapshot of the
group; the claim re-checks the policy atomically (group_claims), so
concurrent requests cannot stack members whatever the snapshot said.
"""
from stratus.objects import instance_group as group_obj
from stratus.scheduler.filters import server_group_affinity_filter


class ServerGroupAntiAffinityFilter(
        server_group_affinity_filter.ServerGroupAffinityFilter):
    policy = group_obj.ANTI_AFFINITY
