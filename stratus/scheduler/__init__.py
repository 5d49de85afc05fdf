"""The scheduler: picks hosts for servers and claims their resources.

The pipeline of one request: read the hosts (HostManager), keep those
every enabled filter passes (filters/), rank them (weighers/), then claim
in placement on the best host (the claim re-checks capacity atomically;
a host that no longer fits is skipped) and add alternates for reschedules.
"""
