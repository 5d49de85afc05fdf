"""ServerGroupAffinityFilter: a member of an affinity group goes to the
host of the members placed so far (any host for the first one).

The filter narrows the candidates from the scheduler's snapshot of the
group; the claim re-checks the policy atomically (group_claims), so
concurrent requests cannot split the group whatever the snapshot said.
"""
from stratus.objects import instance_group as group_obj


class ServerGroupAffinityFilter:
    policy = group_obj.AFFINITY

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        return self if group_with_policy(spec, self.policy) else None

    def host_passes(self, host_state, spec, resources):
        group = group_with_policy(spec, self.policy)
        return group is None or group.admits(host_state.host)


def group_with_policy(spec, policy):
    """The request's group (as the scheduler loaded it) when its policy
    is policy, else None."""
    group = spec.get("instance_group") if spec is not None else None
    return group if group is not None and group.policy == policy else None
