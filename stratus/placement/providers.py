"""Resource providers and their inventories."""
import dataclasses

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import exception
from stratus.placement import resource_classes

PROVIDERS = api_models.ResourceProvider.__table__
INVENTORIES = api_models.Inventory.__table__
ALLOCATIONS = api_models.Allocation.__table__


@dataclasses.dataclass
class ResourceProvider:
    id: int
    uuid: str
    name: str
    generation: int


@dataclasses.dataclass
class Inventory:
    total: int
    reserved: int = 0
    min_unit: int = 1
    max_unit: int = None
    step_size: int = 1
    allocation_ratio: float = 1.0

    def __post_init__(self):
        if self.max_unit is None:
            self.max_unit = self.total

    @property
    def capacity(self):
        return int((self.total - self.reserved) * self.allocation_ratio)

    def rejection(self, provider, resource_class, amount, used):
        """The AllocationRejected that placing amount on top of used would
        cause, or None when it fits."""
        if (amount < self.min_unit or amount > self.max_unit
                or amount % self.step_size):
            return exception.AllocationConstraintsViolated(
                amount=amount, resource_class=resource_class,
                provider=provider)
        if used + amount > self.capacity:
            return exception.InsufficientCapacity(
                amount=amount, resource_class=resource_class,
                provider=provider, used=used, capacity=self.capacity)
        return None

    def as_row(self):
        return dataclasses.asdict(self)


def _provider_from_row(row):
    return ResourceProvider(id=row.id, uuid=row.uuid, name=row.name,
                            generation=row.generation)


def select_provider(session, uuid):
    return session.execute(sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.name,
        PROVIDERS.c.generation).where(PROVIDERS.c.uuid == uuid)).first()


def get_provider(ctx, uuid):
    with ctx.api_db.reader() as session:
        row = select_provider(session, uuid)
    if row is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return _provider_from_row(row)


def ensure_provider(ctx, uuid, name):
    """The root provider with this uuid, created (or renamed) to name."""
    try:
        with ctx.api_db.writer() as session:
            row = select_provider(session, uuid)
            if row is None:
                new_id = session.execute(PROVIDERS.insert().values(
                    uuid=uuid, name=name, generation=0,
                    created_at=utcnow())).inserted_primary_key[0]
                session.execute(PROVIDERS.update().where(
                    PROVIDERS.c.id == new_id).values(root_provider_id=new_id))
                return ResourceProvider(new_id, uuid, name, 0)
            if row.name != name:
                session.execute(PROVIDERS.update().where(
                    PROVIDERS.c.id == row.id).values(
                        name=name, updated_at=utcnow()))
            return ResourceProvider(row.id, uuid, name, row.generation)
    except sa_exc.IntegrityError:
        # Either another writer created this very provider meanwhile, or
        # the name belongs to a different provider.
        with ctx.api_db.reader() as session:
            row = select_provider(session, uuid)
        if row is not None and row.name == name:
            return _provider_from_row(row)
        raise exception.ResourceProviderNameConflict(name=name)


def delete_provider(ctx, uuid):
    """Remove the provider with its inventories, allocations, traits and
    aggregate links (a deleted compute node's); nothing if it is gone."""
    with ctx.api_db.writer() as session:
        provider = select_provider(session, uuid)
        if provider is None:
            return
        for table in (ALLOCATIONS, INVENTORIES,
                      api_models.ResourceProviderTrait.__table__,
                      api_models.ResourceProviderAggregate.__table__):
            session.execute(table.delete().where(
                table.c.resource_provider_id == provider.id))
        # MariaDB checks the self-reference even when deleting the row.
        session.execute(PROVIDERS.update().where(
            PROVIDERS.c.id == provider.id).values(root_provider_id=None))
        session.execute(PROVIDERS.delete().where(PROVIDERS.c.id == provider.id))


def get_inventories(ctx, uuid):
    """{resource class name: Inventory} of the provider."""
    with ctx.api_db.reader() as session:
        provider = select_provider(session, uuid)
        if provider is None:
            raise exception.ResourceProviderNotFound(uuid=uuid)
        return _inventories(session, provider.id)


def providers_with_inventories(ctx, uuids):
    """{uuid: (name, {class: Inventory})} of those of the providers that
    exist; one read."""
    with ctx.api_db.reader() as session:
        rows = session.execute(sa.select(
            PROVIDERS.c.uuid, PROVIDERS.c.name, INVENTORIES).outerjoin(
                INVENTORIES, INVENTORIES.c.resource_provider_id
                == PROVIDERS.c.id).where(PROVIDERS.c.uuid.in_(uuids))).all()
        names = resource_classes.names_of(session, {
            row.resource_class_id for row in rows
            if row.resource_class_id is not None})
    result = {}
    for row in rows:
        _name, inventories = result.setdefault(row.uuid, (row.name, {}))
        if row.resource_class_id is not None:
            inventories[names[row.resource_class_id]] = inventory_from_row(
                row)
    return result


def inventory_from_row(row):
    return Inventory(total=row.total, reserved=row.reserved,
                     min_unit=row.min_unit, max_unit=row.max_unit,
                     step_size=row.step_size,
                     allocation_ratio=row.allocation_ratio)


def _inventories(session, provider_id):
    rows = session.execute(sa.select(INVENTORIES).where(
        INVENTORIES.c.resource_provider_id == provider_id)).all()
    names = resource_classes.names_of(
        session, [row.resource_class_id for row in rows])
    return {names[row.resource_class_id]: inventory_from_row(row)
            for row in rows}


def set_inventories(ctx, uuid, inventories, generation=None):
    """Replace the provider's inventories; its new generation.

    With ``generation`` the write happens only if nobody changed the
    provider since the caller read that generation (ConcurrentUpdate
    otherwise). Without it the current generation is used. Unchanged
    inventories leave the generation alone, so a compute's periodic report
    does not disturb concurrent claims.
    """
    if generation is not None:
        return _set_inventories(ctx, uuid, inventories, generation)
    return retry_on_conflict(_set_inventories, ctx, uuid, inventories, None)


def _set_inventories(ctx, uuid, inventories, generation):
    with ctx.api_db.writer() as session:
        provider = select_provider(session, uuid)
        if provider is None:
            raise exception.ResourceProviderNotFound(uuid=uuid)
        if generation is not None and generation != provider.generation:
            raise exception.ConcurrentUpdate(what="provider %s" % uuid)
        current = _inventories(session, provider.id)
        if current == inventories:
            return provider.generation
        class_ids = resource_classes.ids_of(
            session, set(current) | set(inventories))
        for name in set(current) - set(inventories):
            in_use = session.scalar(sa.select(sa.func.count()).where(
                ALLOCATIONS.c.resource_provider_id == provider.id,
                ALLOCATIONS.c.resource_class_id == class_ids[name]))
            if in_use:
                raise exception.InventoryInUse(resource_class=name,
                                               provider=uuid)
        bump_generation(session, provider.id, provider.generation,
                        "provider %s" % uuid)
        session.execute(INVENTORIES.delete().where(
            INVENTORIES.c.resource_provider_id == provider.id))
        if inventories:
            now = utcnow()
            session.execute(INVENTORIES.insert(), [
                dict(inventory.as_row(), resource_provider_id=provider.id,
                     resource_class_id=class_ids[name], created_at=now)
                for name, inventory in inventories.items()])
        return provider.generation + 1


def retry_on_conflict(func, *args, attempts=100):
    """Run func again while a concurrent writer won the generation race.

    Every lost race means another transaction committed, so the retries
    always make progress; deadlocks and duplicate inserts of shared rows
    (consumers, projects, users) are retried the same way.
    """
    for attempt in range(attempts):
        try:
            return func(*args)
        except (exception.ConcurrentUpdate, sa_exc.IntegrityError,
                sa_exc.OperationalError) as exc:
            last = attempt + 1 == attempts
            if last or (isinstance(exc, sa_exc.OperationalError)
                        and not _is_deadlock(exc)):
                raise


def _is_deadlock(exc):
    text = str(exc.orig).lower()
    return ("deadlock" in text or "could not serialize" in text
            or "database is locked" in text)


def bump_generation(session, provider_id, seen_generation, what):
    """Compare-and-swap the provider's generation: the write that makes
    everything else in this transaction conditional on nobody having
    changed the provider since seen_generation was read."""
    result = session.execute(PROVIDERS.update().where(
        PROVIDERS.c.id == provider_id,
        PROVIDERS.c.generation == seen_generation).values(
            generation=seen_generation + 1, updated_at=utcnow()))
    if result.rowcount != 1:
        raise exception.ConcurrentUpdate(what=what)
