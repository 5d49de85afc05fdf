"""Names every part of Stratus shares.

The services' binaries are Nova's (docs/decisions/0004): clients, policies
and operators' tooling look for ``nova-compute`` in ``GET /os-services``.
"""
COMPUTE_BINARY = "nova-compute"
CONDUCTOR_BINARY = "nova-conductor"
SCHEDULER_BINARY = "nova-scheduler"
