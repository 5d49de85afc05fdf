"""Allocations: what a consumer (a server, a migration) holds on providers.

``allocations`` arguments and results are ``{provider uuid: {resource
class name: amount}}``. A write replaces all of the consumer's allocations
in one transaction that re-checks every provider's capacity and bumps its
generation with a compare-and-swap; a writer that lost a race re-reads and
tries again, so no provider is ever overcommitted, whatever the
concurrency.
"""
import json

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import exception
from stratus.placement import providers
from stratus.placement import resource_classes

PROVIDERS = providers.PROVIDERS
INVENTORIES = providers.INVENTORIES
ALLOCATIONS = providers.ALLOCATIONS
CONSUMERS = api_models.Consumer.__table__
PROJECTS = api_models.PlacementProject.__table__
USERS = api_models.PlacementUser.__table__
# Placement's stand-in owner of consumers created without a project or user.
INCOMPLETE_CONSUMER_ID = "00000000-0000-0000-0000-000000000000"


def claim(ctx, consumer_uuid, project_id, user_id, allocations):
    """Make allocations the consumer's only allocations, if they fit.

    Raises AllocationRejected (a subclass says why) when a provider lacks
    the capacity or the inventory, ResourceProviderNotFound when a
    provider does not exist.
    """
    providers.retry_on_conflict(_claim, ctx, consumer_uuid, project_id,
                                user_id, allocations)


def _claim(ctx, consumer_uuid, project_id, user_id, allocations):
    with ctx.api_db.writer() as session:
        _write(session, consumer_uuid, project_id, user_id, allocations)


def claim_in_session(session, consumer_uuid, project_id, user_id,
                     allocations):
    """claim() within the caller's transaction, without the retries: for
    a caller that checks more than capacity in the same transaction (a
    server group's policy) and retries the whole of it on
    ConcurrentUpdate (retry_on_conflict)."""
    _write(session, consumer_uuid, project_id, user_id, allocations)


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
    """Drop every allocation of the consumer, and the consumer."""
    with ctx.api_db.writer() as session:
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


def _write(session, consumer_uuid, project_id, user_id, allocations):
    allocations = {provider: {name: amount for name, amount in
                              resources.items() if amount}
                   for provider, resources in allocations.items()}
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
            if rejection is not None:
                raise rejection
    # Lock order by id, so two claims over the same providers cannot
    # deadlock each other.
    for provider_id, generation, _usage in sorted(state.values()):
        providers.bump_generation(session, provider_id, generation,
                                  "resource provider %s" % provider_id)
    _ensure_consumer(session, consumer_uuid, project_id, user_id)
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


def _provider_state(session, consumer_uuid, provider_uuids, class_ids):
    """{provider uuid: (id, generation, {class id: (Inventory, used)})},
    read in one statement so generation and usage are one snapshot; usage
    leaves out the consumer's own allocations, which the write replaces."""
    used = sa.select(sa.func.coalesce(sa.func.sum(ALLOCATIONS.c.used), 0)).where(
        ALLOCATIONS.c.resource_provider_id == PROVIDERS.c.id,
        ALLOCATIONS.c.resource_class_id == INVENTORIES.c.resource_class_id,
        ALLOCATIONS.c.consumer_id != consumer_uuid).scalar_subquery()
    rows = session.execute(sa.select(
        PROVIDERS.c.id, PROVIDERS.c.uuid, PROVIDERS.c.generation,
        INVENTORIES.c.resource_class_id, INVENTORIES.c.total,
        INVENTORIES.c.reserved, INVENTORIES.c.min_unit,
        INVENTORIES.c.max_unit, INVENTORIES.c.step_size,
        INVENTORIES.c.allocation_ratio, used.label("used")).select_from(
            PROVIDERS.outerjoin(INVENTORIES, sa.and_(
                INVENTORIES.c.resource_provider_id == PROVIDERS.c.id,
                INVENTORIES.c.resource_class_id.in_(class_ids)))).where(
            PROVIDERS.c.uuid.in_(provider_uuids))).all()
    state = {}
    for row in rows:
        _id, _generation, usage = state.setdefault(
            row.uuid, (row.id, row.generation, {}))
        if row.resource_class_id is not None:
            usage[row.resource_class_id] = (providers.inventory_from_row(row), row.used)
    return state


def _ensure_consumer(session, consumer_uuid, project_id, user_id):
    row = session.execute(sa.select(CONSUMERS.c.id, CONSUMERS.c.generation)
                          .where(CONSUMERS.c.uuid == consumer_uuid)).first()
    if row is None:
        session.execute(CONSUMERS.insert().values(
            uuid=consumer_uuid, generation=1, created_at=utcnow(),
            project_id=_external_id(session, PROJECTS, project_id),
            user_id=_external_id(session, USERS, user_id)))
        return
    result = session.execute(CONSUMERS.update().where(
        CONSUMERS.c.id == row.id,
        CONSUMERS.c.generation == row.generation).values(
            generation=row.generation + 1, updated_at=utcnow()))
    if result.rowcount != 1:
        raise exception.ConcurrentUpdate(what="consumer %s" % consumer_uuid)


def _external_id(session, table, external_id):
    """The row id for a project or user, created on first use (a racing
    insert fails on the unique key and the claim is retried)."""
    external_id = external_id or INCOMPLETE_CONSUMER_ID
    row_id = session.scalar(sa.select(table.c.id).where(
        table.c.external_id == external_id))
    if row_id is None:
        row_id = session.execute(table.insert().values(
            external_id=external_id, created_at=utcnow())
        ).inserted_primary_key[0]
    return row_id
