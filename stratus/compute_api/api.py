"""The compute API business layer: what the servers API asks of the cloud.

It checks requests against flavors, images, keypairs, zones and quotas,
writes what the API database must know of a new server (mapping, build
request, request spec) and hands the build to the conductor; it finds
servers wherever they are (a build request, or an instance in any cell)
and changes or deletes them. It never talks to a hypervisor: work on a
host goes through the conductor and compute RPC APIs.

``API`` is the one entry point the REST handlers call. It is composed
of one mix-in per feature, each in its own module named as
stratus/conductor/tasks/ names the same feature, over ``base.APIBase``
(the shared lookups and ``_begin``, the start of every server action).
A new feature is a new module and one more base class here.
"""
from stratus.compute_api import build
from stratus.compute_api import consoles
from stratus.compute_api import destroy
from stratus.compute_api import diagnostics
from stratus.compute_api import evacuate
from stratus.compute_api import external_events
from stratus.compute_api import live_migrate
from stratus.compute_api import metadata
from stratus.compute_api import migrate
from stratus.compute_api import power
from stratus.compute_api import queries
from stratus.compute_api import rebuild
from stratus.compute_api import rescue
from stratus.compute_api import server_password
from stratus.compute_api import shelve
from stratus.compute_api import snapshots
from stratus.compute_api import volumes


class API(build.Build, queries.Queries, metadata.Metadata,
          destroy.Destroy, power.Power, rescue.Rescue, consoles.Consoles,
          snapshots.Snapshots, rebuild.Rebuild, shelve.Shelve,
          migrate.Migrate, live_migrate.LiveMigrate, evacuate.Evacuate,
          diagnostics.Diagnostics, external_events.ExternalEvents,
          server_password.ServerPassword, volumes.Volumes):
    """What the compute REST API asks of the cloud, feature by feature."""
