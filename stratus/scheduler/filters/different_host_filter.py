"""DifferentHostFilter: with the ``different_host`` hint (a server UUID
or a list), the hypervisors where one of those servers runs do not pass.
"""
from stratus.scheduler.filters import same_host_filter


class DifferentHostFilter(same_host_filter.SameHostFilter):
    hint = "different_host"
    wanted = False
