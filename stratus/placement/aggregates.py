"""Placement aggregates: which aggregate uuids a provider belongs to."""
import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import exception
from stratus.placement import providers

AGGREGATES = api_models.PlacementAggregate.__table__
PROVIDER_AGGREGATES = api_models.ResourceProviderAggregate.__table__


def provider_aggregates(ctx, uuid):
    """(sorted aggregate uuids, provider generation)."""
    with ctx.api_db.reader() as session:
        provider = providers.existing_provider(session, uuid)
        return _uuids(session, provider.id), provider.generation


def _uuids(session, provider_id):
    return sorted(session.scalars(sa.select(AGGREGATES.c.uuid).join(
        PROVIDER_AGGREGATES,
        PROVIDER_AGGREGATES.c.aggregate_id == AGGREGATES.c.id).where(
            PROVIDER_AGGREGATES.c.resource_provider_id == provider_id)))


def set_provider_aggregates(ctx, uuid, aggregate_uuids, generation=None,
                            bump=True):
    """Replace the provider's aggregates; its generation afterwards.

    With a generation (1.19+) the write is refused if the provider
    changed since; bump=False keeps the generation (before 1.19)."""
    if generation is None:
        return providers.retry_on_conflict(
            _set, ctx, uuid, aggregate_uuids, None, bump)
    return _set(ctx, uuid, aggregate_uuids, generation, bump)


def _set(ctx, uuid, aggregate_uuids, generation, bump):
    with ctx.api_db.writer() as session:
        provider = providers.existing_provider(session, uuid)
        seen = provider.generation if generation is None else generation
        if bump:
            providers.bump_generation(session, provider.id, seen,
                                      "resource provider %s" % uuid)
        elif seen != provider.generation:
            raise exception.ConcurrentUpdate(what="provider %s" % uuid)
        wanted = sorted(set(aggregate_uuids))
        existing = dict(session.execute(sa.select(
            AGGREGATES.c.uuid, AGGREGATES.c.id).where(
                AGGREGATES.c.uuid.in_(wanted))).all()) if wanted else {}
        now = utcnow()
        for aggregate_uuid in wanted:
            if aggregate_uuid not in existing:
                existing[aggregate_uuid] = session.execute(
                    AGGREGATES.insert().values(
                        uuid=aggregate_uuid, created_at=now)
                ).inserted_primary_key[0]
        session.execute(PROVIDER_AGGREGATES.delete().where(
            PROVIDER_AGGREGATES.c.resource_provider_id == provider.id))
        if wanted:
            session.execute(PROVIDER_AGGREGATES.insert(), [
                {"resource_provider_id": provider.id,
                 "aggregate_id": existing[a], "created_at": now}
                for a in wanted])
        return seen + 1 if bump else seen
