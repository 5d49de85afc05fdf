"""CapacityFilter: the host's free vCPU, RAM and disk (and any other class
the flavor asks for) hold one more server, by placement's rules: total
minus reserved times the allocation ratio, within min_unit, max_unit and
step_size. Sees what earlier servers of the same request consumed; a
host none of them took has the room placement found for it."""


class CapacityFilter:

    def __init__(self, conf):
        pass

    def host_passes(self, host_state, spec, resources):
        return (host_state.fits
                or host_state.summary.rejection(resources) is None)
