"""The compute manager's features, one module per feature, named as the
conductor's tasks (stratus/conductor/tasks/) where they match: build,
destroy, power, rebuild, rescue, snapshots, migrate, live_migrate,
evacuate, shelve, consoles, interfaces, ...

Each module holds one mixin class of ``ComputeManager``
(stratus/compute/manager.py), which stays the one RPC endpoint: an RPC
method is a public method of a mixin, under the name the client
(stratus/compute/rpcapi.py) casts or calls. The manager keeps what every
feature shares: the service's lifecycle and reconciliation on start, the
per-instance locks, ``_perform`` (one server action: driver work under
the lock, then the end state from stratus/compute/states.py saved with
its action event), the quiet saves and events, and the periodic tasks'
schedule.

Adding a server action on the host: a method in its feature's mixin that
calls ``self._perform`` with the action's row in states.TRANSITIONS and
the driver capability it needs (stratus/virt/driver.py).
"""
