"""AvailabilityZoneFilter: the host is in the zone the request asks for.

A host's zone comes from the ``availability_zone`` metadata of its
aggregates, else ``[DEFAULT] default_availability_zone``.
"""


class AvailabilityZoneFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        return self if spec.get("availability_zone") else None

    def host_passes(self, host_state, spec, resources):
        wanted = spec.get("availability_zone")
        if not wanted:
            return True
        return wanted in host_state.availability_zone.split(",")
