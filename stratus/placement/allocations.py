"""Allocations: what a consumer (a server, a migration) holds on providers.

``allocations`` arguments and results are ``{provider uuid: {resource
class name: amount}}``. A write replaces all of the consumer's allocations
in one transaction that re-checks every provider's capacity and bumps its
generation with a compare-and-swap; a writer that lost a race re-reads and
tries again, so no provider is ever overcommitted, whatever the
concurrency.
"""
import dataclasses
import json

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import exception
from stratus.placement import providers
from stratus.placement import query
from stratus.placement import resource_classes

PROVIDERS = providers.PROVIDERS
INVENTORIES = providers.INVENTORIES
ALLOCATIONS = providers.ALLOCATIONS
CONSUMERS = api_models.Consumer.__table__
PROJECTS = api_models.PlacementProject.__table__
USERS = api_models.PlacementUser.__table__
CONSUMER_TYPES = api_models.ConsumerType.__table__
# The consumer type of a migration's allocations (Placement's 1.38 names).
MIGRATION_CONSUMER = "MIGRATION"
# Placement's stand-in owner of consumers created without a project or user.
INCOMPLETE_CONSUMER_ID = "00000000-0000-0000-0000-000000000000"


def claim(ctx, consumer_uuid, project_id, user_id, allocations,
          new_consumer=False):
    """Make allocations the consumer's only allocations, if they fit.

    Raises AllocationRejected (a subclass says why) when a provider lacks
    the capacity or the inventory, ResourceProviderNotFound when a
    provider does not exist. new_consumer: the claim of a new server,
    refused (ConsumerAlreadyPlaced) when the consumer already holds
    allocations (another conductor's claim for the same server stands).
    """
    providers.retry_on_conflict(_claim, ctx, consumer_uuid, project_id,
                                user_id, allocations, new_consumer)


def _claim(ctx, consumer_uuid, project_id, user_id, allocations,
           new_consumer=False):
    with ctx.api_db.writer() as session:
        claim_in_session(session, consumer_uuid, project_id, user_id,
                         allocations, new_consumer)


def claim_in_session(session, consumer_uuid, project_id, user_id,
                     allocations, new_consumer=False):
    """claim() within the caller's transaction, without the retries: for
    a caller that checks more than capacity in the same transaction (a
    server group's policy) and retries the whole of it on
    ConcurrentUpdate (retry_on_conflict)."""
    consumer = _UNREAD
    if new_consumer:
        held, consumer = _new_consumer_state(session, consumer_uuid)
        if held:
            raise exception.ConsumerAlreadyPlaced(consumer=consumer_uuid)
    _write(session, consumer_uuid, project_id, user_id, allocations,
           held_nothing=new_consumer, consumer=consumer)


# The statements of a claim, built once: their SQL and cache key are then
# compiled once per process, not on each claim (bound parameters by name).
_UNREAD = object()
_CONSUMER_COLUMNS = (CONSUMERS.c.id, CONSUMERS.c.generation,
                     CONSUMERS.c.project_id, CONSUMERS.c.user_id,
                     CONSUMERS.c.consumer_type_id)
_CONSUMER_ROW = sa.select(*_CONSUMER_COLUMNS).where(
    CONSUMERS.c.uuid == sa.bindparam("consumer"))
_ONE_ROW = sa.select(sa.literal(1).label("one")).subquery("one_row")
_NEW_CONSUMER_STATE = sa.select(
    sa.exists().where(
        ALLOCATIONS.c.consumer_id == sa.bindparam("consumer")).label("held"),
    *_CONSUMER_COLUMNS).select_from(_ONE_ROW.outerjoin(
        CONSUMERS, CONSUMERS.c.uuid == sa.bindparam("consumer")))


def _new_consumer_state(session, consumer_uuid):
    """(whether the consumer holds allocations, its consumers row or None)
    in one statement."""
    row = session.execute(_NEW_CONSUMER_STATE,
                          {"consumer": consumer_uuid}).one()
    return bool(row.held), (None if row.id is None else row)


def claim_move(ctx, instance_uuid, migration_uuid, project_id, user_id,
               allocations):
    """claim_in_move in a transaction of its own (retried on a lost
    race)."""
    def claim():
        with ctx.api_db.writer() as session:
            claim_in_move(session, instance_uuid, migration_uuid,
                          project_id, user_id, allocations)
    providers.retry_on_conflict(claim)


def claim_in_move(session, instance_uuid, migration_uuid, project_id,
                  user_id, allocations):
    """A move's claim, in the caller's transaction: what the server holds
    now (on its source) becomes the migration's, and allocations (on the
    destination) the server's, so that the source stays held until the
    move is confirmed or reverted and the destination is claimed in the
    same commit. When the migration already holds the source (a claim
    on another destination after the first one failed), only the
    server's allocations are replaced."""
    held = _read(session, migration_uuid)
    if not held:
        held = _read(session, instance_uuid)
    write_in_session(session, [
        ConsumerAllocations(migration_uuid, held, project_id, user_id,
                            consumer_type=MIGRATION_CONSUMER),
        ConsumerAllocations(instance_uuid, allocations, project_id,
                            user_id)])


def revert_move(ctx, instance_uuid, migration_uuid):
    """Undo a move's claim in one transaction: the server gets back what
    the migration holds (its source) and the migration's consumer goes.
    Nothing changes when the migration holds nothing (its claim never
    happened, or was undone already): it can run again safely."""
    def revert():
        with ctx.api_db.writer() as session:
            held = _read(session, migration_uuid)
            if not held:
                return False
            project_id, user_id = _consumer_owner(session, migration_uuid)
            write_in_session(session, [
                ConsumerAllocations(instance_uuid, held, project_id,
                                    user_id),
                ConsumerAllocations(migration_uuid, {}, project_id,
                                    user_id)], check_capacity=False)
            return True
    return providers.retry_on_conflict(revert)


def move(ctx, consumer_uuid, source_uuid, target_uuid):
    """Move what the consumer holds on source to target, atomically."""
    providers.retry_on_conflict(_move, ctx, consumer_uuid, source_uuid,
                                target_uuid)


def _move(ctx, consumer_uuid, source_uuid, target_uuid):
    with ctx.api_db.writer() as session:
        current = _read(session, consumer_uuid)
        moving = current.pop(source_uuid, {})
        target = current.setdefault(target_uuid, {})
        for name, amount in moving.items():
            target[name] = target.get(name, 0) + amount
        project_id, user_id = _consumer_owner(session, consumer_uuid)
        _write(session, consumer_uuid, project_id, user_id, current)


def remove_consumer(ctx, consumer_uuid):
    """Drop every allocation of the consumer, and the consumer. The
    providers it held get a new generation, as with every change of their
    usage (a writer that read them before must read again; the
    candidates' summary cache keys on it)."""
    providers.retry_on_conflict(_remove_consumer, ctx, consumer_uuid)


def _remove_consumer(ctx, consumer_uuid):
    with ctx.api_db.writer() as session:
        session.execute(PROVIDERS.update().where(PROVIDERS.c.id.in_(
            sa.select(ALLOCATIONS.c.resource_provider_id).where(
                ALLOCATIONS.c.consumer_id == consumer_uuid))).values(
            generation=PROVIDERS.c.generation + 1))
        session.execute(ALLOCATIONS.delete().where(
            ALLOCATIONS.c.consumer_id == consumer_uuid))
        session.execute(CONSUMERS.delete().where(
            CONSUMERS.c.uuid == consumer_uuid))


def get_allocations(ctx, consumer_uuid):
    with ctx.api_db.reader() as session:
        return _read(session, consumer_uuid)


def to_allocation_request(allocations):
    """The JSON a Selection carries, in Placement's allocation request
    shape, so that a conductor can claim the same thing later."""
    return json.dumps({"allocations": {
        provider: {"resources": resources}
        for provider, resources in allocations.items()}}, sort_keys=True)


def from_allocation_request(text):
    return {provider: dict(body["resources"])
            for provider, body in json.loads(text)["allocations"].items()}


def _read(session, consumer_uuid):
    rows = session.execute(sa.select(
        PROVIDERS.c.uuid, ALLOCATIONS.c.resource_class_id,
        ALLOCATIONS.c.used).join_from(
            ALLOCATIONS, PROVIDERS,
            ALLOCATIONS.c.resource_provider_id == PROVIDERS.c.id).where(
                ALLOCATIONS.c.consumer_id == consumer_uuid)).all()
    names = resource_classes.names_of(
        session, {row.resource_class_id for row in rows})
    result = {}
    for row in rows:
        result.setdefault(row.uuid, {})[names[row.resource_class_id]] = (
            row.used)
    return result


def _consumer_owner(session, consumer_uuid):
    row = session.execute(sa.select(
        PROJECTS.c.external_id.label("project"),
        USERS.c.external_id.label("user")).select_from(CONSUMERS).join(
            PROJECTS, PROJECTS.c.id == CONSUMERS.c.project_id).join(
            USERS, USERS.c.id == CONSUMERS.c.user_id).where(
                CONSUMERS.c.uuid == consumer_uuid)).first()
    if row is None:
        raise exception.ConsumerNotFound(uuid=consumer_uuid)
    return row.project, row.user


# The generation of a consumer not checked (in-process callers that own it).
ANY_GENERATION = object()


def _write(session, consumer_uuid, project_id, user_id, allocations,
           expected_generation=ANY_GENERATION, consumer_type=None,
           check_capacity=True, held_nothing=False, consumer=_UNREAD):
    """held_nothing: the caller read in this transaction that the
    consumer holds no allocations (no providers to release, none to
    delete); consumer: its consumers row (None: none), when the caller
    read it in this transaction."""
    allocations = {provider: {name: amount for name, amount in
                              resources.items() if amount}
                   for provider, resources in allocations.items()}
    allocations = {provider: resources for provider, resources
                   in allocations.items() if resources}
    class_ids = resource_classes.ids_of(
        session, {name for resources in allocations.values()
                  for name in resources})
    state = _provider_state(session, consumer_uuid, list(allocations),
                            list(class_ids.values()))
    for provider_uuid, resources in allocations.items():
        if provider_uuid not in state:
            raise exception.ResourceProviderNotFound(uuid=provider_uuid)
        _provider_id, _generation, inventory_usage = state[provider_uuid]
        for name, amount in resources.items():
            if class_ids[name] not in inventory_usage:
                raise exception.InventoryMissing(provider=provider_uuid,
                                                 resource_class=name)
            inventory, used = inventory_usage[class_ids[name]]
            rejection = inventory.rejection(provider_uuid, name, amount, used)
            if rejection is not None and check_capacity:
                raise rejection
    # Lock order by id, so two claims over the same providers cannot
    # deadlock each other.
    for provider_id, generation, _usage in sorted(state.values()):
        providers.bump_generation(session, provider_id, generation,
                                  "resource provider %s" % provider_id)
    # Providers that lose all of the consumer's allocations change too.
    released = () if held_nothing else session.execute(sa.select(
        PROVIDERS.c.id, PROVIDERS.c.generation).where(
            PROVIDERS.c.id.in_(sa.select(
                ALLOCATIONS.c.resource_provider_id).where(
                    ALLOCATIONS.c.consumer_id == consumer_uuid)),
            PROVIDERS.c.id.not_in([value[0] for value in state.values()])
    ).order_by(PROVIDERS.c.id)).all()
    for provider_id, generation in released:
        providers.bump_generation(session, provider_id, generation,
                                  "resource provider %s" % provider_id)
    _ensure_consumer(session, consumer_uuid, project_id, user_id,
                     expected_generation, consumer_type, consumer)
    if not held_nothing:
        session.execute(ALLOCATIONS.delete().where(
            ALLOCATIONS.c.consumer_id == consumer_uuid))
    now = utcnow()
    rows = [dict(resource_provider_id=state[provider_uuid][0],
                 consumer_id=consumer_uuid, resource_class_id=class_ids[name],
                 used=amount, created_at=now)
            for provider_uuid, resources in allocations.items()
            for name, amount in resources.items()]
    if rows:
        session.execute(ALLOCATIONS.insert(), rows)
    else:
        # Placement forgets a consumer with nothing left allocated.
        session.execute(CONSUMERS.delete().where(
            CONSUMERS.c.uuid == consumer_uuid))


_PROVIDER_STATE = sa.select(
    PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.generation,
    INVENTORIES.c.resource_class_id, INVENTORIES.c.total,
    INVENTORIES.c.reserved, INVENTORIES.c.min_unit,
    INVENTORIES.c.max_unit, INVENTORIES.c.step_size,
    INVENTORIES.c.allocation_ratio,
    sa.select(sa.func.coalesce(sa.func.sum(ALLOCATIONS.c.used), 0)).where(
        ALLOCATIONS.c.resource_provider_id == PROVIDERS.c.id,
        ALLOCATIONS.c.resource_class_id == INVENTORIES.c.resource_class_id,
        ALLOCATIONS.c.consumer_id != sa.bindparam("consumer")
    ).scalar_subquery().label("used")).select_from(
        PROVIDERS.outerjoin(INVENTORIES, sa.and_(
            INVENTORIES.c.resource_provider_id == PROVIDERS.c.id,
            INVENTORIES.c.resource_class_id.in_(
                sa.bindparam("class_ids", expanding=True))))).where(
        PROVIDERS.c.uuid.in_(sa.bindparam("providers", expanding=True)))


def _provider_state(session, consumer_uuid, provider_uuids, class_ids):
    """{provider uuid: (id, generation, {class id: (Inventory, used)})},
    read in one statement so generation and usage are one snapshot; usage
    leaves out the consumer's own allocations, which the write replaces."""
    rows = session.execute(_PROVIDER_STATE, {
        "consumer": consumer_uuid, "class_ids": list(class_ids),
        "providers": list(provider_uuids)}).all()
    state = {}
    for row in rows:
        _id, _generation, usage = state.setdefault(
            row.uuid, (row.id, row.generation, {}))
        if row.resource_class_id is not None:
            usage[row.resource_class_id] = (providers.inventory_from_row(row), row.used)
    return state


def _ensure_consumer(session, consumer_uuid, project_id, user_id,
                     expected_generation=ANY_GENERATION, consumer_type=None,
                     row=_UNREAD):
    """row: the consumer's row read in this transaction (None: it has
    none); read here otherwise."""
    if row is _UNREAD:
        row = session.execute(_CONSUMER_ROW,
                              {"consumer": consumer_uuid}).first()
    if expected_generation is not ANY_GENERATION:
        actual = None if row is None else row.generation
        if actual != expected_generation:
            raise exception.ConsumerGenerationConflict(
                expected=_generation_text(expected_generation),
                actual=_generation_text(actual))
    type_id = (None if consumer_type is None
               else _consumer_type_id(session, consumer_type))
    if row is None:
        session.execute(CONSUMERS.insert().values(
            uuid=consumer_uuid, generation=1, created_at=utcnow(),
            project_id=_external_id(session, PROJECTS, project_id),
            user_id=_external_id(session, USERS, user_id),
            consumer_type_id=type_id))
        return
    values = dict(generation=row.generation + 1, updated_at=utcnow())
    if project_id is not None:
        values["project_id"] = _external_id(session, PROJECTS, project_id)
    if user_id is not None:
        values["user_id"] = _external_id(session, USERS, user_id)
    if type_id is not None:
        values["consumer_type_id"] = type_id
    result = session.execute(CONSUMERS.update().where(
        CONSUMERS.c.id == row.id,
        CONSUMERS.c.generation == row.generation).values(**values))
    if result.rowcount != 1:
        raise exception.ConcurrentUpdate(what="consumer %s" % consumer_uuid)


def _generation_text(generation):
    return "None" if generation is None else str(generation)


def _consumer_type_id(session, name):
    row_id = session.scalar(sa.select(CONSUMER_TYPES.c.id).where(
        CONSUMER_TYPES.c.name == name))
    if row_id is None:
        row_id = session.execute(CONSUMER_TYPES.insert().values(
            name=name, created_at=utcnow())).inserted_primary_key[0]
    return row_id


def _external_id(session, table, external_id):
    """The row id for a project or user, created on first use (a racing
    insert fails on the unique key and the claim is retried). Ids read
    (committed rows) are remembered per database: a claim reads them
    once, not on every boot."""
    external_id = external_id or INCOMPLETE_CONSUMER_ID
    known = query.remembered_ids(session)
    key = (table.name, external_id)
    row_id = known.get(key)
    if row_id is not None:
        return row_id
    row_id = session.scalar(sa.select(table.c.id).where(
        table.c.external_id == external_id))
    if row_id is None:
        # Not remembered: the transaction that inserts it may roll back.
        return session.execute(table.insert().values(
            external_id=external_id, created_at=utcnow())
        ).inserted_primary_key[0]
    known[key] = row_id
    return row_id


# The REST API's operations --------------------------------------------------

@dataclasses.dataclass
class ConsumerAllocations:
    """A consumer's allocations {provider: {class: amount}} with its owner,
    generation (None for a consumer placement does not know) and type."""
    consumer_uuid: str
    allocations: dict
    project_id: str = None
    user_id: str = None
    generation: object = ANY_GENERATION
    consumer_type: str = None
    provider_generations: dict = dataclasses.field(default_factory=dict)


def show_consumer(ctx, consumer_uuid):
    """The consumer's ConsumerAllocations (empty allocations and a None
    generation when placement knows nothing of it)."""
    with ctx.api_db.reader() as session:
        rows = session.execute(sa.select(
            PROVIDERS.c.uuid, PROVIDERS.c.generation,
            ALLOCATIONS.c.resource_class_id, ALLOCATIONS.c.used).join_from(
                ALLOCATIONS, PROVIDERS,
                ALLOCATIONS.c.resource_provider_id == PROVIDERS.c.id).where(
                    ALLOCATIONS.c.consumer_id == consumer_uuid)).all()
        names = resource_classes.names_of(
            session, {row.resource_class_id for row in rows})
        consumer = session.execute(sa.select(
            CONSUMERS.c.generation, PROJECTS.c.external_id.label("project"),
            USERS.c.external_id.label("user"),
            CONSUMER_TYPES.c.name.label("type")).select_from(
                CONSUMERS.join(PROJECTS, PROJECTS.c.id == CONSUMERS.c.project_id)
                .join(USERS, USERS.c.id == CONSUMERS.c.user_id)
                .outerjoin(CONSUMER_TYPES, CONSUMER_TYPES.c.id
                           == CONSUMERS.c.consumer_type_id)).where(
                CONSUMERS.c.uuid == consumer_uuid)).first()
    result = ConsumerAllocations(consumer_uuid, {}, generation=None)
    for row in rows:
        result.allocations.setdefault(row.uuid, {})[
            names[row.resource_class_id]] = row.used
        result.provider_generations[row.uuid] = row.generation
    if consumer is not None:
        result.project_id, result.user_id = consumer.project, consumer.user
        result.generation, result.consumer_type = (consumer.generation,
                                                   consumer.type)
    return result


def provider_allocations(ctx, provider_uuid):
    """({consumer: {class: amount}}, provider generation)."""
    with ctx.api_db.reader() as session:
        provider = providers.existing_provider(session, provider_uuid)
        rows = session.execute(sa.select(
            ALLOCATIONS.c.consumer_id, ALLOCATIONS.c.resource_class_id,
            ALLOCATIONS.c.used).where(
                ALLOCATIONS.c.resource_provider_id == provider.id)).all()
        names = resource_classes.names_of(
            session, {row.resource_class_id for row in rows})
    result = {}
    for row in rows:
        result.setdefault(row.consumer_id, {})[
            names[row.resource_class_id]] = row.used
    return result, provider.generation


def replace_allocations(ctx, consumers):
    """Write each ConsumerAllocations in one transaction: all or none.

    A generation other than ANY_GENERATION must match the consumer's
    (None: the consumer must be new), else ConsumerGenerationConflict."""
    def write():
        with ctx.api_db.writer() as session:
            write_in_session(session, consumers)
    return providers.retry_on_conflict(write)


def write_in_session(session, consumers, check_capacity=True):
    if len(consumers) > 1:
        # Capacity is checked against what the batch leaves, whatever the
        # order of its consumers: a consumer moving off a provider makes
        # room for another one in the same request.
        uuids = [consumer.consumer_uuid for consumer in consumers]
        held = session.execute(sa.select(
            PROVIDERS.c.id, PROVIDERS.c.generation).where(
                PROVIDERS.c.id.in_(sa.select(
                    ALLOCATIONS.c.resource_provider_id).where(
                        ALLOCATIONS.c.consumer_id.in_(uuids)))
        ).order_by(PROVIDERS.c.id)).all()
        for provider_id, generation in held:
            providers.bump_generation(session, provider_id, generation,
                                      "resource provider %s" % provider_id)
        session.execute(ALLOCATIONS.delete().where(
            ALLOCATIONS.c.consumer_id.in_(uuids)))
    for consumer in consumers:
        _write(session, consumer.consumer_uuid, consumer.project_id,
               consumer.user_id, consumer.allocations, consumer.generation,
               consumer.consumer_type, check_capacity)


def delete_allocations(ctx, consumer_uuid):
    """Remove the consumer's allocations; ConsumerNotFound if it has none."""
    with ctx.api_db.writer() as session:
        provider_rows = session.execute(sa.select(
            PROVIDERS.c.id, PROVIDERS.c.generation).where(
                PROVIDERS.c.id.in_(sa.select(
                    ALLOCATIONS.c.resource_provider_id).where(
                        ALLOCATIONS.c.consumer_id == consumer_uuid))
        ).order_by(PROVIDERS.c.id)).all()
        if not provider_rows:
            raise exception.ConsumerNotFound(uuid=consumer_uuid)
        for provider_id, generation in provider_rows:
            providers.bump_generation(session, provider_id, generation,
                                      "resource provider %s" % provider_id)
        session.execute(ALLOCATIONS.delete().where(
            ALLOCATIONS.c.consumer_id == consumer_uuid))
        session.execute(CONSUMERS.delete().where(
            CONSUMERS.c.uuid == consumer_uuid))
