"""Resource providers and their inventories."""
import dataclasses

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import exception
from stratus.placement import query
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
    parent_provider_uuid: str = None
    root_provider_uuid: str = None

    def __post_init__(self):
        if self.root_provider_uuid is None:
            self.root_provider_uuid = self.uuid


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
    return ResourceProvider(
        id=row.id, uuid=row.uuid, name=row.name, generation=row.generation,
        parent_provider_uuid=getattr(row, "parent_uuid", None),
        root_provider_uuid=getattr(row, "root_uuid", None))


def select_provider(session, uuid):
    return session.execute(sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.name,
        PROVIDERS.c.generation).where(PROVIDERS.c.uuid == uuid)).first()


def existing_provider(session, uuid):
    """select_provider's row, or ResourceProviderNotFound."""
    row = select_provider(session, uuid)
    if row is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return row


def get_provider(ctx, uuid):
    with ctx.api_db.reader() as session:
        row = existing_provider(session, uuid)
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
        provider = existing_provider(session, uuid)
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


def ensure_root_providers(ctx, wanted):
    """Give each uuid of wanted ({uuid: (name, {class: Inventory})}) a
    root provider of that name with exactly those inventories.

    Computes report thousands of nodes at a time: new providers and
    changed inventories are written with a few bulk statements in one
    transaction. Renames, inventories losing a class (which must check
    allocations) and name conflicts take the one-provider path. The uuids
    whose provider this created.
    """
    current = providers_with_inventories(ctx, list(wanted))
    slow = {uuid for uuid, (name, inventories) in wanted.items()
            if uuid in current and (
                current[uuid][0] != name
                or set(current[uuid][1]) - set(inventories))}
    new = [uuid for uuid in wanted if uuid not in current]
    changed = [uuid for uuid, (_name, inventories) in wanted.items()
               if uuid not in slow and inventories
               and current.get(uuid, (None, {}))[1] != inventories]
    try:
        _write_root_providers(ctx, wanted, new, changed)
    except sa_exc.IntegrityError:
        # A name taken by another provider, or a concurrent creator.
        slow = set(wanted)
    for uuid in slow:
        name, inventories = wanted[uuid]
        ensure_provider(ctx, uuid, name)
        set_inventories(ctx, uuid, inventories)
    return set(new)


def _write_root_providers(ctx, wanted, new, changed):
    if not (new or changed):
        return
    now = utcnow()
    with ctx.api_db.writer() as session:
        if new:
            session.execute(PROVIDERS.insert(), [
                dict(uuid=uuid, name=wanted[uuid][0], generation=0,
                     created_at=now) for uuid in new])
            session.execute(PROVIDERS.update().where(
                PROVIDERS.c.uuid.in_(new),
                PROVIDERS.c.root_provider_id.is_(None)).values(
                    root_provider_id=PROVIDERS.c.id))
        if not changed:
            return
        ids = dict(session.execute(sa.select(
            PROVIDERS.c.uuid, PROVIDERS.c.id).where(
                PROVIDERS.c.uuid.in_(changed))).all())
        class_ids = resource_classes.ids_of(session, {
            name for uuid in changed for name in wanted[uuid][1]})
        # Every claim compares the generation it read: bumping it makes a
        # claim that raced with this change read again.
        session.execute(PROVIDERS.update().where(
            PROVIDERS.c.id.in_(list(ids.values()))).values(
                generation=PROVIDERS.c.generation + 1, updated_at=now))
        session.execute(INVENTORIES.delete().where(
            INVENTORIES.c.resource_provider_id.in_(list(ids.values()))))
        session.execute(INVENTORIES.insert(), [
            dict(inventory.as_row(), resource_provider_id=ids[uuid],
                 resource_class_id=class_ids[name], created_at=now)
            for uuid in changed
            for name, inventory in wanted[uuid][1].items()])


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
        provider = existing_provider(session, uuid)
        if generation is not None and generation != provider.generation:
            raise exception.ConcurrentUpdate(what="provider %s" % uuid)
        return write_inventories(session, provider, inventories)


def write_inventories(session, provider, inventories, check_in_use=True):
    """Replace the inventories of provider (a select_provider row) in the
    session; its generation afterwards. check_in_use=False leaves the
    check of allocations on removed classes to the caller (the reshaper
    moves them in the same transaction)."""
    current = _inventories(session, provider.id)
    if current == inventories:
        return provider.generation
    class_ids = resource_classes.ids_of(
        session, set(current) | set(inventories))
    for name in set(current) - set(inventories):
        in_use = check_in_use and session.scalar(sa.select(
            sa.func.count()).where(
                ALLOCATIONS.c.resource_provider_id == provider.id,
                ALLOCATIONS.c.resource_class_id == class_ids[name]))
        if in_use:
            raise exception.InventoryInUse(resource_class=name,
                                           provider=provider.uuid)
    bump_generation(session, provider.id, provider.generation,
                    "provider %s" % provider.uuid)
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
        except exception.ConsumerGenerationConflict:
            raise  # the caller's view of the consumer is stale: no retry
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


# Built once (bound parameters by name): compiled once per process.
_BUMP_GENERATION = PROVIDERS.update().where(
    PROVIDERS.c.id == sa.bindparam("provider"),
    PROVIDERS.c.generation == sa.bindparam("seen")).values(
        generation=sa.bindparam("next"), updated_at=sa.bindparam("now"))


def bump_generation(session, provider_id, seen_generation, what):
    """Compare-and-swap the provider's generation: the write that makes
    everything else in this transaction conditional on nobody having
    changed the provider since seen_generation was read."""
    result = session.execute(_BUMP_GENERATION, {
        "provider": provider_id, "seen": seen_generation,
        "next": seen_generation + 1, "now": utcnow()})
    if result.rowcount != 1:
        raise exception.ConcurrentUpdate(what=what)


# The REST API's operations --------------------------------------------------

MAX_INT = 2147483647
_PARENT = PROVIDERS.alias("parent_provider")
_ROOT = PROVIDERS.alias("root_provider")


def _provider_select():
    return sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.name,
        PROVIDERS.c.generation, PROVIDERS.c.root_provider_id,
        PROVIDERS.c.parent_provider_id,
        _PARENT.c.uuid.label("parent_uuid"),
        _ROOT.c.uuid.label("root_uuid")).select_from(
            PROVIDERS.outerjoin(
                _PARENT, _PARENT.c.id == PROVIDERS.c.parent_provider_id
            ).outerjoin(_ROOT, _ROOT.c.id == PROVIDERS.c.root_provider_id))


def _read_provider(session, uuid):
    row = session.execute(_provider_select().where(
        PROVIDERS.c.uuid == uuid)).first()
    if row is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return row


def show_provider(ctx, uuid):
    """The provider with its parent and root (ResourceProviderNotFound)."""
    with ctx.api_db.reader() as session:
        return _provider_from_row(_read_provider(session, uuid))


def list_providers(ctx, uuid=None, name=None, member_of=(),
                   forbidden_aggregates=(), in_tree=None, resources=None,
                   required=(), forbidden=()):
    """Providers matching every given filter, in id order.

    member_of: any-of sets of aggregate uuids; required: any-of sets of
    trait names; forbidden / forbidden_aggregates: names and uuids none of
    which the provider may have; resources: {class: amount} the provider
    alone must have room for.
    """
    with ctx.api_db.reader() as session:
        statement = _provider_select()
        if uuid is not None:
            statement = statement.where(PROVIDERS.c.uuid == uuid)
        if name is not None:
            statement = statement.where(PROVIDERS.c.name == name)
        if in_tree is not None:
            statement = statement.where(
                query.in_tree_condition(PROVIDERS, in_tree))
        statement = statement.where(*query.aggregate_conditions(
            PROVIDERS, member_of, forbidden_aggregates, include_root=False))
        if required or forbidden:
            names = set(forbidden).union(*required)
            ids = query.trait_ids(session, names)
            statement = statement.where(*query.trait_conditions(
                PROVIDERS.c.id, [{ids[n] for n in any_of}
                                 for any_of in required],
                {ids[n] for n in forbidden}))
        for class_name, amount in (resources or {}).items():
            class_id = resource_classes.id_of(session, class_name)
            statement = statement.where(PROVIDERS.c.id.in_(
                query.providers_with_capacity(class_id, amount)))
        rows = session.execute(statement.order_by(PROVIDERS.c.id)).all()
    return [_provider_from_row(row) for row in rows]


def create_provider(ctx, uuid, name, parent_uuid=None):
    try:
        with ctx.api_db.writer() as session:
            if session.scalar(sa.select(PROVIDERS.c.id).where(
                    PROVIDERS.c.uuid == uuid)) is not None:
                raise exception.ResourceProviderUuidConflict(uuid=uuid)
            if session.scalar(sa.select(PROVIDERS.c.id).where(
                    PROVIDERS.c.name == name)) is not None:
                raise exception.ResourceProviderNameConflict(name=name)
            parent_id = root = None
            if parent_uuid is not None:
                parent = session.execute(sa.select(
                    PROVIDERS.c.id, PROVIDERS.c.root_provider_id).where(
                        PROVIDERS.c.uuid == parent_uuid)).first()
                if parent is None:
                    raise exception.ParentProviderNotFound()
                parent_id, root = parent.id, parent.root_provider_id or parent.id
            new_id = session.execute(PROVIDERS.insert().values(
                uuid=uuid, name=name, generation=0, created_at=utcnow(),
                parent_provider_id=parent_id,
                root_provider_id=root)).inserted_primary_key[0]
            if root is None:
                session.execute(PROVIDERS.update().where(
                    PROVIDERS.c.id == new_id).values(root_provider_id=new_id))
            return _provider_from_row(_read_provider(session, uuid))
    except sa_exc.IntegrityError:
        raise exception.ResourceProviderNameConflict(name=name)


def update_provider(ctx, uuid, name, parent_uuid=..., allow_reparent=False):
    """Rename the provider and, unless parent_uuid is left out (...),
    set its parent (None makes it a root); before 1.37 only a root may
    get a parent. A provider moved to another tree takes its subtree along."""
    try:
        with ctx.api_db.writer() as session:
            row = _read_provider(session, uuid)
            values = {"name": name, "updated_at": utcnow()}
            new_root = None
            if parent_uuid is not ... and parent_uuid != row.parent_uuid:
                if row.parent_uuid is not None and not allow_reparent:
                    raise exception.ReparentNotAllowed()
                if parent_uuid is None:
                    values["parent_provider_id"] = None
                    new_root = row.id
                else:
                    parent = session.execute(sa.select(
                        PROVIDERS.c.id, PROVIDERS.c.root_provider_id).where(
                            PROVIDERS.c.uuid == parent_uuid)).first()
                    if parent is None:
                        raise exception.ParentProviderNotFound()
                    if parent.id in _subtree_ids(session, row.id):
                        raise exception.ProviderTreeLoop()
                    values["parent_provider_id"] = parent.id
                    new_root = parent.root_provider_id or parent.id
            session.execute(PROVIDERS.update().where(
                PROVIDERS.c.id == row.id).values(**values))
            if new_root is not None:
                session.execute(PROVIDERS.update().where(
                    PROVIDERS.c.id.in_(_subtree_ids(session, row.id))).values(
                        root_provider_id=new_root))
            return _provider_from_row(_read_provider(session, uuid))
    except sa_exc.IntegrityError:
        raise exception.ResourceProviderNameConflict(name=name)


def _subtree_ids(session, provider_id):
    """The provider and all its descendants (one query per tree level)."""
    found, frontier = {provider_id}, [provider_id]
    while frontier:
        frontier = [row_id for row_id in session.scalars(sa.select(
            PROVIDERS.c.id).where(PROVIDERS.c.parent_provider_id.in_(
                frontier))) if row_id not in found]
        found.update(frontier)
    return found


def delete_unused_provider(ctx, uuid):
    """Delete the provider unless it has allocations or children."""
    with ctx.api_db.writer() as session:
        row = _read_provider(session, uuid)
        if session.scalar(sa.select(sa.func.count()).where(
                ALLOCATIONS.c.resource_provider_id == row.id)):
            raise exception.ResourceProviderInUse(uuid=uuid)
        if session.scalar(sa.select(sa.func.count()).where(
                PROVIDERS.c.parent_provider_id == row.id)):
            raise exception.CannotDeleteParentResourceProvider(uuid=uuid)
    delete_provider(ctx, uuid)


def get_inventory(ctx, uuid, class_name):
    """(Inventory, provider generation) of one class."""
    with ctx.api_db.reader() as session:
        provider = existing_provider(session, uuid)
        inventories = _inventories(session, provider.id)
    if class_name not in inventories:
        raise exception.InventoryNotFound(resource_class=class_name,
                                          provider=uuid)
    return inventories[class_name], provider.generation


def provider_inventories(ctx, uuid):
    """({class: Inventory}, provider generation)."""
    with ctx.api_db.reader() as session:
        provider = existing_provider(session, uuid)
        return _inventories(session, provider.id), provider.generation


def change_inventory(ctx, uuid, class_name, inventory, generation=None,
                     must_exist=None):
    """Set (Inventory) or remove (None) one class's inventory; the new
    generation. must_exist: True to refuse adding, False to refuse
    replacing, None for either."""
    while True:
        with ctx.api_db.reader() as session:
            provider = existing_provider(session, uuid)
            current = _inventories(session, provider.id)
        if generation is not None and generation != provider.generation:
            raise exception.ConcurrentUpdate(what="provider %s" % uuid)
        exists = class_name in current
        if must_exist is False and exists:
            raise exception.InventoryExists(resource_class=class_name,
                                            provider=uuid)
        if (must_exist or inventory is None) and not exists:
            raise exception.InventoryNotFound(resource_class=class_name,
                                              provider=uuid)
        wanted = dict(current)
        if inventory is None:
            wanted.pop(class_name)
        else:
            wanted[class_name] = inventory
        try:
            return _set_inventories(ctx, uuid, wanted, provider.generation)
        except exception.ConcurrentUpdate:
            if generation is not None:
                raise
