"""SQL conditions on resource providers, shared by the provider list and
allocation candidates: each is one sub-select over a whole table, so a
filter costs the same at 50 providers as at 50,000 (no per-provider
query)."""
import weakref

import sqlalchemy as sa

from stratus.db import api_models
from stratus.placement import exception

PROVIDERS = api_models.ResourceProvider.__table__
INVENTORIES = api_models.Inventory.__table__
ALLOCATIONS = api_models.Allocation.__table__
PROVIDER_TRAITS = api_models.ResourceProviderTrait.__table__
PROVIDER_AGGREGATES = api_models.ResourceProviderAggregate.__table__
AGGREGATES = api_models.PlacementAggregate.__table__


def root_id(providers=PROVIDERS):
    """A provider's root id (every row has one: a root is its own)."""
    return providers.c.root_provider_id


def capacity_conditions(class_id, amount):
    """Conditions on an INVENTORIES row of class_id that can take amount
    more (its usage summed through the allocations index)."""
    used = sa.select(sa.func.coalesce(sa.func.sum(ALLOCATIONS.c.used), 0)
                     ).where(
        ALLOCATIONS.c.resource_provider_id
        == INVENTORIES.c.resource_provider_id,
        ALLOCATIONS.c.resource_class_id == class_id).scalar_subquery()
    return [INVENTORIES.c.resource_class_id == class_id,
            (INVENTORIES.c.total - INVENTORIES.c.reserved)
            * INVENTORIES.c.allocation_ratio >= used + amount,
            INVENTORIES.c.min_unit <= amount,
            INVENTORIES.c.max_unit >= amount,
            sa.literal(amount) % INVENTORIES.c.step_size == 0]


def providers_with_capacity(class_id, amount):
    """Ids of providers whose inventory of class_id can take amount more."""
    return sa.select(INVENTORIES.c.resource_provider_id).where(
        *capacity_conditions(class_id, amount))


def _has_trait(column, trait_ids):
    """EXISTS a trait of trait_ids on the provider column names: correlated,
    so it costs an index probe per candidate row, not a list of every
    provider with the trait."""
    return sa.exists().where(
        PROVIDER_TRAITS.c.resource_provider_id == column,
        PROVIDER_TRAITS.c.trait_id.in_(sorted(trait_ids)))


def _in_aggregate(column, aggregate_uuids):
    return sa.exists().where(
        PROVIDER_AGGREGATES.c.resource_provider_id == column,
        PROVIDER_AGGREGATES.c.aggregate_id == AGGREGATES.c.id,
        AGGREGATES.c.uuid.in_(sorted(aggregate_uuids)))


def trait_conditions(column, required, forbidden):
    """column (a provider id) has a trait of each any-of set in required
    and none of forbidden."""
    conditions = [_has_trait(column, any_of) for any_of in required]
    if forbidden:
        conditions.append(~_has_trait(column, forbidden))
    return conditions


def aggregate_conditions(providers, member_of, forbidden, include_root):
    """The provider (or, with include_root, its root) is in an aggregate
    of each any-of set of member_of, and neither is in a forbidden one."""
    conditions = []
    for any_of in member_of:
        condition = _in_aggregate(providers.c.id, any_of)
        if include_root:
            condition = sa.or_(condition, _in_aggregate(
                root_id(providers), any_of))
        conditions.append(condition)
    if forbidden:
        conditions.append(~_in_aggregate(providers.c.id, forbidden))
        if include_root:
            conditions.append(~_in_aggregate(root_id(providers), forbidden))
    return conditions


def in_tree_condition(providers, provider_uuid):
    other = PROVIDERS.alias("tree_member")
    return root_id(providers).in_(
        sa.select(root_id(other)).where(other.c.uuid == provider_uuid))


# {engine: {(table name, key): row id}}: ids of rows that are never
# deleted nor renamed (placement projects and users, standard traits).
_REMEMBERED = weakref.WeakKeyDictionary()
_REMEMBERED_MAX = 10000


def remembered_ids(session):
    """The row ids remembered for the session's database ({(table name,
    key): id}): put there only ids of committed rows that never change."""
    known = _REMEMBERED.setdefault(session.get_bind().engine, {})
    if len(known) >= _REMEMBERED_MAX:
        known.clear()
    return known


def trait_ids(session, names):
    """{name: id}; TraitNotFound naming every unknown one. Standard traits'
    ids are remembered (they are never deleted); custom ones are read."""
    names = set(names)
    if not names:
        return {}
    known = remembered_ids(session)
    found = {}
    for name in names:
        row_id = known.get(("traits", name))
        if row_id is not None:
            found[name] = row_id
    unknown = names - set(found)
    if not unknown:
        return found
    traits = api_models.Trait.__table__
    read = dict(session.execute(sa.select(traits.c.name, traits.c.id).where(
        traits.c.name.in_(sorted(unknown)))).all())
    for name, row_id in read.items():
        if not name.startswith("CUSTOM_"):
            known[("traits", name)] = row_id
    found.update(read)
    missing = names - set(found)
    if missing:
        raise exception.TraitNotFound(names=", ".join(sorted(missing)))
    return found
