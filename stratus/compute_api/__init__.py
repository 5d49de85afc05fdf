"""The compute API's business layer: what the compute REST API asks of
the cloud (create, find, change and delete servers; aggregates).

It runs inside ``stratus api``, with database credentials (the API
database and every cell's), never on a hypervisor host: work on a host
goes through the conductor and compute RPC APIs. What runs on a host
lives in ``stratus/compute/``, which must never import this package.
"""
