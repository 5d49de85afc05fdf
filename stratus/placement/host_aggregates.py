"""Compute host aggregates mirrored into placement, as Nova does: the
aggregate's uuid is a placement aggregate of the resource provider of
every compute node of its hosts, so ``member_of`` queries (and the
scheduler's aggregate pre-filters) see host aggregates.

Each provider's generation is bumped with the change, as placement's own
aggregate PUT does, so concurrent writers notice."""
import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import providers

PROVIDERS = providers.PROVIDERS
AGGREGATES = api_models.PlacementAggregate.__table__
PROVIDER_AGGREGATES = api_models.ResourceProviderAggregate.__table__


def add_member(ctx, aggregate_uuid, provider_uuids):
    """Put the providers that exist among provider_uuids into the
    placement aggregate aggregate_uuid (created on first use)."""
    if provider_uuids:
        providers.retry_on_conflict(_change, ctx, aggregate_uuid,
                                    list(provider_uuids), True)


def remove_member(ctx, aggregate_uuid, provider_uuids):
    if provider_uuids:
        providers.retry_on_conflict(_change, ctx, aggregate_uuid,
                                    list(provider_uuids), False)


def _change(ctx, aggregate_uuid, provider_uuids, adding):
    with ctx.api_db.writer() as session:
        aggregate_id = _aggregate_id(session, aggregate_uuid, create=adding)
        if aggregate_id is None:
            return
        rows = session.execute(sa.select(
            PROVIDERS.c.id, PROVIDERS.c.generation).where(
            PROVIDERS.c.uuid.in_(provider_uuids)).order_by(
            PROVIDERS.c.id)).all()
        linked = set(session.scalars(sa.select(
            PROVIDER_AGGREGATES.c.resource_provider_id).where(
            PROVIDER_AGGREGATES.c.aggregate_id == aggregate_id)))
        now = utcnow()
        for provider_id, generation in rows:
            if (provider_id in linked) == adding:
                continue
            providers.bump_generation(session, provider_id, generation,
                                      "resource provider %s" % provider_id)
            if adding:
                session.execute(PROVIDER_AGGREGATES.insert().values(
                    resource_provider_id=provider_id,
                    aggregate_id=aggregate_id, created_at=now))
            else:
                session.execute(PROVIDER_AGGREGATES.delete().where(
                    PROVIDER_AGGREGATES.c.resource_provider_id == provider_id,
                    PROVIDER_AGGREGATES.c.aggregate_id == aggregate_id))


def _aggregate_id(session, aggregate_uuid, create):
    aggregate_id = session.scalar(sa.select(AGGREGATES.c.id).where(
        AGGREGATES.c.uuid == aggregate_uuid))
    if aggregate_id is None and create:
        # A concurrent first use fails on the unique uuid: retried.
        aggregate_id = session.execute(AGGREGATES.insert().values(
            uuid=aggregate_uuid, created_at=utcnow())).inserted_primary_key[0]
    return aggregate_id


def aggregates_of(ctx, provider_uuid):
    """Uuids of the placement aggregates the provider is in."""
    with ctx.api_db.reader() as session:
        return sorted(session.scalars(sa.select(AGGREGATES.c.uuid).join(
            PROVIDER_AGGREGATES,
            PROVIDER_AGGREGATES.c.aggregate_id == AGGREGATES.c.id).join(
            PROVIDERS,
            PROVIDERS.c.id == PROVIDER_AGGREGATES.c.resource_provider_id)
            .where(PROVIDERS.c.uuid == provider_uuid)))
