"""What a conductor tells placement for its computes, behind one
interface with two implementations (docs/decisions/0013):

- ``SqlReport``: placement's tables in the API database, in this process
  (the super conductor, a single-cell conductor, the all-in-one);
- ``placement_client.RestReport``: the Placement REST API over a
  keystoneauth session (``[placement]``), as Nova's computes and
  conductors: a cell conductor, which has no API database.

Both: ``ensure_root_providers(ctx, {uuid: (name, {class: Inventory})})``
-> the uuids created; ``sync_traits(ctx, {uuid: {trait}}, owned)``;
``remove_consumer(ctx, consumer_uuid)``; ``claim(ctx, consumer_uuid,
project_id, user_id, {provider: {class: amount}})`` (AllocationRejected
when it does not fit or a provider is gone).

``of(ctx)`` is the one for the context's databases.

Both remember what they last wrote of each provider
(``placement_memory.Written``) for ``placement_memory.REFRESH`` seconds,
as Nova's resource_provider_association_refresh: a compute's report of
nodes whose inventories and traits did not change (its usage did: every
two seconds while it builds) writes and reads no placement at all; a
provider changed or deleted by someone else meanwhile is set right
within that time.
"""
import threading
import weakref

from stratus.conductor import placement_memory
from stratus import exception
from stratus.placement import allocations
from stratus.placement import providers
from stratus.placement import traits as placement_traits


class SqlReport:
    """Placement in this process's API database (what was written
    remembered per set of databases: the tests run many clouds in one
    process)."""

    in_process = True

    def __init__(self):
        self._written = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _memory(self, ctx):
        with self._lock:
            written = self._written.get(ctx.databases)
            if written is None:
                written = self._written[ctx.databases] = (
                    placement_memory.Written())
            return written

    def ensure_root_providers(self, ctx, wanted):
        written = self._memory(ctx)
        unwritten = written.unwritten("inventories", wanted)
        if not unwritten:
            return set()
        created = providers.ensure_root_providers(ctx, unwritten)
        written.remember("inventories", unwritten)
        return created

    def sync_traits(self, ctx, wanted, owned):
        written = self._memory(ctx)
        unwritten = written.unwritten("traits", {
            uuid: frozenset(names) for uuid, names in wanted.items()})
        if unwritten:
            placement_traits.sync_provider_traits(ctx, unwritten, owned)
            written.remember("traits", unwritten)

    def remove_consumer(self, ctx, consumer_uuid):
        allocations.remove_consumer(ctx, consumer_uuid)

    def claim(self, ctx, consumer_uuid, project_id, user_id, requested):
        allocations.claim(ctx, consumer_uuid, project_id, user_id, requested)


SQL = SqlReport()


def has_api(ctx):
    """Whether the context's databases include the API database (not a
    cell conductor's)."""
    return getattr(ctx.databases, "has_api", True)


def of(ctx):
    """SQL where the API database is at hand, else the REST client the
    cell conductor gave its databases (``attach``)."""
    if has_api(ctx):
        return SQL
    if ctx.databases.placement is None:
        raise exception.DatabaseNotAvailable(
            "No API database and no [placement] client: placement cannot "
            "be reached")
    return ctx.databases.placement


def attach(databases, conf):
    """A cell conductor's databases get their REST placement client."""
    if not getattr(databases, "has_api", True):
        from stratus.conductor import placement_client
        databases.placement = placement_client.RestReport.from_conf(conf)
    return databases
