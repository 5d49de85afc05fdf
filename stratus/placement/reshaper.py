"""The reshaper: move inventories and the allocations on them between
providers of a tree (e.g. VCPU from a compute node to its NUMA children)
in one transaction, so nothing is ever counted twice or lost."""
import sqlalchemy as sa

from stratus.placement import allocations
from stratus.placement import exception
from stratus.placement import providers
from stratus.placement import resource_classes


def reshape(ctx, inventories, consumers):
    """inventories: {provider uuid: (generation, {class: Inventory})};
    consumers: [allocations.ConsumerAllocations]. All or nothing."""
    with ctx.api_db.writer() as session:
        provider_rows = {}
        for uuid, (generation, wanted) in sorted(inventories.items()):
            row = providers.existing_provider(session, uuid)
            if row.generation != generation:
                raise exception.ConcurrentUpdate(what="provider %s" % uuid)
            providers.write_inventories(session, row, wanted,
                                        check_in_use=False)
            provider_rows[uuid] = row
        allocations.write_in_session(session, consumers)
        if provider_rows:
            _refuse_orphaned_allocations(session, provider_rows)


def _refuse_orphaned_allocations(session, provider_rows):
    """After the moves, no allocation may stay on a class its provider no
    longer has."""
    inventory = providers.INVENTORIES
    allocation = providers.ALLOCATIONS
    orphan = session.execute(sa.select(
        allocation.c.resource_provider_id,
        allocation.c.resource_class_id).outerjoin(inventory, sa.and_(
            inventory.c.resource_provider_id
            == allocation.c.resource_provider_id,
            inventory.c.resource_class_id == allocation.c.resource_class_id)
        ).where(allocation.c.resource_provider_id.in_(
            [row.id for row in provider_rows.values()]),
            inventory.c.id.is_(None)).limit(1)).first()
    if orphan is not None:
        uuid = next(row.uuid for row in provider_rows.values()
                    if row.id == orphan.resource_provider_id)
        name = resource_classes.names_of(
            session, [orphan.resource_class_id])[orphan.resource_class_id]
        raise exception.InventoryInUse(resource_class=name, provider=uuid)
