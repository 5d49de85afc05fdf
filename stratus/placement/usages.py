"""Usages: how much of each resource class is allocated."""
import dataclasses

import sqlalchemy as sa

from stratus.placement import allocations
from stratus.placement import exception
from stratus.placement import providers
from stratus.placement import resource_classes

PROVIDERS = providers.PROVIDERS
INVENTORIES = providers.INVENTORIES
ALLOCATIONS = providers.ALLOCATIONS


@dataclasses.dataclass
class ProviderSummary:
    """A provider's inventories and usages at one moment (what the scheduler
    filters on; the claim checks again when it writes)."""
    uuid: str
    generation: int
    inventories: dict
    usages: dict

    def rejection(self, resources):
        """Why resources ({class: amount}) would not fit, or None."""
        for name, amount in resources.items():
            inventory = self.inventories.get(name)
            if inventory is None:
                return exception.InventoryMissing(provider=self.uuid,
                                                  resource_class=name)
            rejection = inventory.rejection(self.uuid, name, amount,
                                            self.usages.get(name, 0))
            if rejection is not None:
                return rejection
        return None

    def free(self, name):
        inventory = self.inventories.get(name)
        if inventory is None:
            return 0
        return inventory.capacity - self.usages.get(name, 0)

    def consume(self, resources):
        for name, amount in resources.items():
            self.usages[name] = self.usages.get(name, 0) + amount


def provider_summaries(ctx, resource_class_names):
    """{provider uuid: ProviderSummary} over the given classes, for every
    provider with inventory of at least one of them; one query."""
    with ctx.api_db.reader() as session:
        class_ids = resource_classes.ids_of(session, resource_class_names)
        names = {class_id: name for name, class_id in class_ids.items()}
        used = sa.select(
            ALLOCATIONS.c.resource_provider_id, ALLOCATIONS.c.resource_class_id,
            sa.func.sum(ALLOCATIONS.c.used).label("used")).group_by(
                ALLOCATIONS.c.resource_provider_id,
                ALLOCATIONS.c.resource_class_id).subquery()
        rows = session.execute(sa.select(
            PROVIDERS.c.uuid, PROVIDERS.c.generation,
            INVENTORIES.c.resource_class_id, INVENTORIES.c.total,
            INVENTORIES.c.reserved, INVENTORIES.c.min_unit,
            INVENTORIES.c.max_unit, INVENTORIES.c.step_size,
            INVENTORIES.c.allocation_ratio, used.c.used).select_from(
                PROVIDERS.join(INVENTORIES, INVENTORIES.c.resource_provider_id
                               == PROVIDERS.c.id).outerjoin(used, sa.and_(
                    used.c.resource_provider_id == PROVIDERS.c.id,
                    used.c.resource_class_id
                    == INVENTORIES.c.resource_class_id))).where(
                INVENTORIES.c.resource_class_id.in_(list(names)))).all()
    summaries = {}
    for row in rows:
        summary = summaries.setdefault(row.uuid, ProviderSummary(
            row.uuid, row.generation, {}, {}))
        name = names[row.resource_class_id]
        summary.inventories[name] = providers.inventory_from_row(row)
        summary.usages[name] = int(row.used or 0)
    return summaries


def provider_usages(ctx, provider_uuid):
    """{class: used} on one provider."""
    with ctx.api_db.reader() as session:
        providers.existing_provider(session, provider_uuid)
        return _sum_by_class(session, sa.select(
            ALLOCATIONS.c.resource_class_id, sa.func.sum(ALLOCATIONS.c.used))
            .join_from(ALLOCATIONS, PROVIDERS,
                       ALLOCATIONS.c.resource_provider_id == PROVIDERS.c.id)
            .where(PROVIDERS.c.uuid == provider_uuid))


def _project_allocations(columns, project_id, user_id):
    """A select of columns over the allocations of a project's (and
    user's) consumers."""
    consumers = allocations.CONSUMERS
    query = sa.select(*columns).join_from(
        ALLOCATIONS, consumers,
        ALLOCATIONS.c.consumer_id == consumers.c.uuid).join(
        allocations.PROJECTS,
        allocations.PROJECTS.c.id == consumers.c.project_id).where(
        allocations.PROJECTS.c.external_id == project_id)
    if user_id is not None:
        query = query.join(
            allocations.USERS,
            allocations.USERS.c.id == consumers.c.user_id).where(
            allocations.USERS.c.external_id == user_id)
    return query


def project_usages(ctx, project_id, user_id=None):
    """{class: used} by the consumers of a project (and user)."""
    query = _project_allocations(
        [ALLOCATIONS.c.resource_class_id, sa.func.sum(ALLOCATIONS.c.used)],
        project_id, user_id)
    with ctx.api_db.reader() as session:
        return _sum_by_class(session, query)


def _sum_by_class(session, query):
    rows = session.execute(query.group_by(
        ALLOCATIONS.c.resource_class_id)).all()
    names = resource_classes.names_of(session, [row[0] for row in rows])
    return {names[class_id]: int(used) for class_id, used in rows}


def provider_usage_report(ctx, provider_uuid):
    """({class: used} over every inventoried class, 0 when unused; and
    the provider's generation), as GET .../usages shows it."""
    with ctx.api_db.reader() as session:
        provider = providers.existing_provider(session, provider_uuid)
        used = sa.select(sa.func.coalesce(sa.func.sum(ALLOCATIONS.c.used), 0)
                         ).where(
            ALLOCATIONS.c.resource_provider_id == provider.id,
            ALLOCATIONS.c.resource_class_id
            == INVENTORIES.c.resource_class_id).scalar_subquery()
        rows = session.execute(sa.select(
            INVENTORIES.c.resource_class_id, used).where(
                INVENTORIES.c.resource_provider_id == provider.id)).all()
        names = resource_classes.names_of(session, [row[0] for row in rows])
    return ({names[class_id]: int(amount) for class_id, amount in rows},
            provider.generation)


def project_usages_by_type(ctx, project_id, user_id=None):
    """{consumer type | "unknown": {"consumer_count": n, class: used}}
    plus an "all" entry, as GET /usages shows it from 1.38."""
    types = allocations.CONSUMER_TYPES
    query = _project_allocations(
        [types.c.name, ALLOCATIONS.c.consumer_id,
         ALLOCATIONS.c.resource_class_id, ALLOCATIONS.c.used],
        project_id, user_id).outerjoin(
            types, types.c.id == allocations.CONSUMERS.c.consumer_type_id)
    with ctx.api_db.reader() as session:
        rows = session.execute(query).all()
        names = resource_classes.names_of(
            session, {row.resource_class_id for row in rows})
    report, members = {}, {}
    for row in rows:
        for key in (row.name or "unknown", "all"):
            entry = report.setdefault(key, {})
            name = names[row.resource_class_id]
            entry[name] = entry.get(name, 0) + row.used
            members.setdefault(key, set()).add(row.consumer_id)
    for key, consumer_ids in members.items():
        report[key]["consumer_count"] = len(consumer_ids)
    if not report:
        report["all"] = {"consumer_count": 0}
    return report
