"""Placement's data layer: resource providers, inventories, allocations.

The tables live in the API database. The scheduler calls these functions
in-process (SQL, no HTTP); the Placement REST API will serve the same
functions. Every change to what a provider can hold or holds is guarded by
the provider's generation, so concurrent writers never overcommit it.
"""
