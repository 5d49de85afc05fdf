"""Traits: os-traits' standard names (written to the table on first use)
plus CUSTOM_* ones, and the traits of each provider."""
import os_traits
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus.placement import exception
from stratus.placement import providers
from stratus.placement import query

TRAITS = api_models.Trait.__table__
PROVIDER_TRAITS = api_models.ResourceProviderTrait.__table__
STANDARD = frozenset(os_traits.get_traits())


def ensure_standard_traits(ctx):
    """Write os-traits' names missing from the table (once per database
    object: the list only changes with the installed os-traits)."""
    database = ctx.api_db
    if getattr(database, "_placement_traits_synced", False):
        return
    with database.reader() as session:
        present = set(session.scalars(sa.select(TRAITS.c.name).where(
            ~TRAITS.c.name.like("CUSTOM\\_%", escape="\\"))))
    missing = STANDARD - present
    if missing:
        try:
            with database.writer() as session:
                now = utcnow()
                session.execute(TRAITS.insert(), [
                    {"name": name, "created_at": now}
                    for name in sorted(missing)])
        except sa_exc.IntegrityError:
            pass  # another process synced meanwhile
    database._placement_traits_synced = True


def list_traits(ctx, names=None, prefix=None, associated=None):
    ensure_standard_traits(ctx)
    statement = sa.select(TRAITS.c.name)
    if names is not None:
        statement = statement.where(TRAITS.c.name.in_(sorted(names)))
    if prefix is not None:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_")
        statement = statement.where(TRAITS.c.name.like(escaped + "%",
                                                       escape="\\"))
    if associated is not None:
        used = sa.select(PROVIDER_TRAITS.c.trait_id)
        statement = statement.where(TRAITS.c.id.in_(used) if associated
                                    else TRAITS.c.id.not_in(used))
    with ctx.api_db.reader() as session:
        return sorted(session.scalars(statement))


def trait_exists(ctx, name):
    ensure_standard_traits(ctx)
    with ctx.api_db.reader() as session:
        return session.scalar(sa.select(TRAITS.c.id).where(
            TRAITS.c.name == name)) is not None


def create_trait(ctx, name):
    """True if created, False if it existed."""
    if trait_exists(ctx, name):
        return False
    try:
        with ctx.api_db.writer() as session:
            session.execute(TRAITS.insert().values(name=name,
                                                   created_at=utcnow()))
    except sa_exc.IntegrityError:
        return False
    return True


def delete_trait(ctx, name):
    if name in STANDARD:
        raise exception.TraitCannotDeleteStandard(name=name)
    with ctx.api_db.writer() as session:
        trait_id = session.scalar(sa.select(TRAITS.c.id).where(
            TRAITS.c.name == name))
        if trait_id is None:
            raise exception.TraitNotFound(names=name)
        if session.scalar(sa.select(sa.func.count()).where(
                PROVIDER_TRAITS.c.trait_id == trait_id)):
            raise exception.TraitInUse(name=name)
        session.execute(TRAITS.delete().where(TRAITS.c.id == trait_id))


def provider_traits(ctx, uuid):
    """(sorted trait names, provider generation)."""
    with ctx.api_db.reader() as session:
        provider = providers.existing_provider(session, uuid)
        return _names(session, provider.id), provider.generation


def _names(session, provider_id):
    return sorted(session.scalars(sa.select(TRAITS.c.name).join(
        PROVIDER_TRAITS, PROVIDER_TRAITS.c.trait_id == TRAITS.c.id).where(
            PROVIDER_TRAITS.c.resource_provider_id == provider_id)))


def set_provider_traits(ctx, uuid, names, generation=None):
    """Replace the provider's traits; its new generation. Without a
    generation, the current one (retried when a writer wins the race)."""
    ensure_standard_traits(ctx)
    if generation is None:
        return providers.retry_on_conflict(_set, ctx, uuid, names, None)
    return _set(ctx, uuid, names, generation)


def _set(ctx, uuid, names, generation):
    with ctx.api_db.writer() as session:
        provider = providers.existing_provider(session, uuid)
        seen = provider.generation if generation is None else generation
        trait_ids = query.trait_ids(session, names)
        set_traits_in_session(session, provider.id, seen, trait_ids.values())
        return seen + 1


def set_trait(ctx, uuid, name, present):
    """Add (present) or remove one trait of a provider, keeping its
    others; retried when a concurrent writer wins the race."""
    ensure_standard_traits(ctx)
    providers.retry_on_conflict(_set_one, ctx, uuid, name, present)


def _set_one(ctx, uuid, name, present):
    with ctx.api_db.writer() as session:
        provider = providers.existing_provider(session, uuid)
        names = set(_names(session, provider.id))
        wanted = names | {name} if present else names - {name}
        if wanted != names:
            set_traits_in_session(session, provider.id, provider.generation,
                                  query.trait_ids(session, wanted).values())


def sync_provider_traits(ctx, wanted, owned):
    """Give each provider of wanted ({uuid: {trait name}}) the traits
    wanted, and remove those it has that owned(name) says the caller
    manages but no longer wants; every other trait stays. Providers that
    change get a new generation; all in one transaction, a few
    statements for thousands of providers (computes report in bulk)."""
    ensure_standard_traits(ctx)
    if wanted:
        providers.retry_on_conflict(_sync, ctx, wanted, owned)


def _sync(ctx, wanted, owned):
    with ctx.api_db.writer() as session:
        rows = session.execute(sa.select(
            providers.PROVIDERS.c.uuid, providers.PROVIDERS.c.id,
            providers.PROVIDERS.c.generation).where(
            providers.PROVIDERS.c.uuid.in_(sorted(wanted)))).all()
        current = {}
        for rp, trait_id in session.execute(sa.select(
                PROVIDER_TRAITS.c.resource_provider_id,
                PROVIDER_TRAITS.c.trait_id).where(
                PROVIDER_TRAITS.c.resource_provider_id.in_(
                    [row.id for row in rows]))).all():
            current.setdefault(rp, set()).add(trait_id)
        ids = query.trait_ids(session, set().union(*wanted.values()))
        present = set().union(*current.values())
        owned_ids = {trait_id for name, trait_id in session.execute(
            sa.select(TRAITS.c.name, TRAITS.c.id).where(
                TRAITS.c.id.in_(sorted(present)))).all() if owned(name)}
        now = utcnow()
        bumps, added, removed = [], [], []
        for uuid, rp, generation in rows:
            have = current.get(rp, set())
            want = {ids[name] for name in wanted[uuid]}
            add, drop = want - have, (have & owned_ids) - want
            if not (add or drop):
                continue
            bumps.append({"rp_id": rp, "seen": generation})
            added += [{"resource_provider_id": rp, "trait_id": trait_id,
                       "created_at": now} for trait_id in sorted(add)]
            removed += [{"rp_id": rp, "t_id": trait_id}
                        for trait_id in sorted(drop)]
        if not bumps:
            return
        result = session.execute(providers.PROVIDERS.update().where(
            providers.PROVIDERS.c.id == sa.bindparam("rp_id"),
            providers.PROVIDERS.c.generation == sa.bindparam("seen")).values(
                generation=sa.bindparam("seen") + 1, updated_at=now), bumps)
        if result.rowcount != len(bumps):
            raise exception.ConcurrentUpdate(what="resource providers")
        if removed:
            session.execute(PROVIDER_TRAITS.delete().where(
                PROVIDER_TRAITS.c.resource_provider_id
                == sa.bindparam("rp_id"),
                PROVIDER_TRAITS.c.trait_id == sa.bindparam("t_id")), removed)
        if added:
            session.execute(PROVIDER_TRAITS.insert(), added)


def set_traits_in_session(session, provider_id, generation, trait_ids):
    providers.bump_generation(session, provider_id, generation,
                              "resource provider %s" % provider_id)
    session.execute(PROVIDER_TRAITS.delete().where(
        PROVIDER_TRAITS.c.resource_provider_id == provider_id))
    now = utcnow()
    rows = [{"resource_provider_id": provider_id, "trait_id": trait_id,
             "created_at": now} for trait_id in sorted(set(trait_ids))]
    if rows:
        session.execute(PROVIDER_TRAITS.insert(), rows)
