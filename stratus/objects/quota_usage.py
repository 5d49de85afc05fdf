"""Usage as the quota engine counts it (stratus/quota.py): servers, their
vCPUs and RAM from the live instances of the cells where the project has
instance mappings (one aggregate query per such cell; as Nova counts
without placement, so a server a cell conductor deleted counts no more
although its mapping waits for the super conductor's pass), a cell that
cannot be reached by its instance mappings, plus the build requests that
have not reached a cell yet; key pairs per user; server groups. A server
in a move between cells counts once, in the cell its instance mapping
names (for the instant of the switch both its copies are shown).

With [quota] count_usage_from_placement (Nova's option) vCPUs and RAM
come from placement instead: the allocations of the project's (and
user's) consumers, VCPU and PCPU as cores, MEMORY_MB as ram (Nova's
get_usages_counts_for_quota), plus the build requests that hold no
allocation yet, and servers from the instance mappings. Nothing is then
read from a cell database, so a cell that is down still counts. As Nova documents: a resize counts both
flavors until it is confirmed or reverted, and a shelved-offloaded
server counts no vCPUs or RAM.
"""
import json

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import cell_models
from stratus import exception
from stratus.objects import fields
from stratus.objects import migration as migration_obj
from stratus.placement import allocations as placement_allocations
from stratus.placement import usages as placement_usages

# What the servers count in: their number, vCPUs and RAM.
SERVER_RESOURCES = ("instances", "cores", "ram")


def count(context, project_id, user_id, resources, pending,
          from_placement=False):
    """{resource: in use} for a project, or for one user in it; key
    pairs belong to users, so a project's count of them is 0.
    pending: count the servers that have not reached a cell yet.
    from_placement: vCPUs and RAM from placement's allocations (see the
    module's docstring), never from the cells."""
    wanted = set(resources)
    used = dict.fromkeys(resources, 0)
    sizes = wanted & {"cores", "ram"}
    from_cells = bool(wanted & set(SERVER_RESOURCES)) and not from_placement
    with context.api_db.reader() as session:
        if wanted & set(SERVER_RESOURCES):
            used.update(_count_servers(session, project_id, user_id,
                                       sizes, pending, from_placement))
        if "key_pairs" in wanted and user_id is not None:
            used["key_pairs"] = session.scalar(
                sa.select(sa.func.count()).where(
                    api_models.KeyPair.user_id == user_id))
        if "server_groups" in wanted:
            query = sa.select(sa.func.count()).where(
                api_models.InstanceGroup.project_id == project_id)
            if user_id is not None:
                query = query.where(
                    api_models.InstanceGroup.user_id == user_id)
            used["server_groups"] = session.scalar(query)
        # {cell uuid: servers mapped there}, for every cell that has had
        # a server of the project (a mapping queued for delete too: its
        # instance may still be live there).
        mapped = {cell_uuid: int(servers) for cell_uuid, servers in
                  session.execute(_MAPPED_BY_CELL[user_id is not None],
                                  {"project_id": project_id,
                                   "user_id": user_id})} \
            if from_cells else {}
    if sizes and from_placement:
        allocated = placement_usages.project_usages(context, project_id,
                                                    user_id)
        used["cores"] = used.get("cores", 0) + allocated.get(
            "VCPU", 0) + allocated.get("PCPU", 0)
        used["ram"] = used.get("ram", 0) + allocated.get("MEMORY_MB", 0)
    if from_cells:
        # The cells count their servers; one not reached counts by its
        # mappings (and no vCPUs or RAM, as in Nova).
        used["instances"] -= sum(mapped.values())
        moving = {}
        for cell_uuid, servers_mapped in mapped.items():
            usage = _cell_usage(context, cell_uuid, project_id, user_id,
                                moving)
            servers, vcpus, memory_mb = usage
            used["instances"] += (servers_mapped if servers is None
                                  else servers)
            if sizes:
                used["cores"] = used.get("cores", 0) + vcpus
                used["ram"] = used.get("ram", 0) + memory_mb
        if moving:
            _uncount_unmapped_copies(context, used, moving)
    return used


def _uncount_unmapped_copies(context, used, moving):
    """Take out of used the copies of servers in a move between cells
    that are not in the cell their instance mapping names. moving:
    {(instance uuid, cell uuid): (vCPUs, MB of RAM)} of the copies
    counted."""
    mapping = api_models.InstanceMapping.__table__
    cell = api_models.CellMapping.__table__
    with context.api_db.reader() as session:
        mapped_to = dict(session.execute(
            sa.select(mapping.c.instance_uuid, cell.c.uuid).join(
                cell, cell.c.id == mapping.c.cell_id).where(
                mapping.c.instance_uuid.in_(
                    {uuid for uuid, _ in moving}))).all())
    for (instance_uuid, cell_uuid), (vcpus, memory_mb) in moving.items():
        if mapped_to.get(instance_uuid, cell_uuid) == cell_uuid:
            continue
        used["instances"] -= 1
        if "cores" in used:
            used["cores"] -= vcpus
        if "ram" in used:
            used["ram"] -= memory_mb


# The statements of a quota check, built once ([per project, per user]):
# they run twice on every create.
def _owned(mapping, per_user):
    owned = [mapping.c.project_id == sa.bindparam("project_id"),
             mapping.c.queued_for_delete.is_(False)]
    if per_user:
        owned.append(mapping.c.user_id == sa.bindparam("user_id"))
    return owned


def _server_count(per_user, placed_only=False):
    mapping = api_models.InstanceMapping.__table__
    query = sa.select(sa.func.count()).select_from(mapping).where(
        *_owned(mapping, per_user))
    if placed_only:
        query = query.where(mapping.c.cell_id.isnot(None))
    return query


def _mapped_by_cell(per_user):
    """(cell uuid, servers mapped there) of every cell where the project
    has instance mappings, those queued for delete (or of other users)
    too, which count no server."""
    mapping = api_models.InstanceMapping.__table__
    cell = api_models.CellMapping.__table__
    owned = sa.and_(*_owned(mapping, per_user))
    return sa.select(cell.c.uuid, sa.func.coalesce(sa.func.sum(
        sa.case((owned, 1), else_=0)), 0)).join(
        cell, cell.c.id == mapping.c.cell_id).where(
        mapping.c.project_id == sa.bindparam("project_id")).group_by(
        cell.c.uuid)


def _pending_servers(per_user, unallocated=False):
    """The build requests of servers not in a cell yet; unallocated: only
    those that placement does not count yet (no allocations)."""
    mapping = api_models.InstanceMapping.__table__
    build_request = api_models.BuildRequest.__table__
    query = sa.select(build_request.c.instance).join(
        mapping, mapping.c.instance_uuid
        == build_request.c.instance_uuid).where(
        mapping.c.cell_id.is_(None), *_owned(mapping, per_user))
    if unallocated:
        consumers = placement_allocations.CONSUMERS
        allocations = placement_usages.ALLOCATIONS
        query = query.where(~sa.exists().where(
            consumers.c.uuid == build_request.c.instance_uuid,
            allocations.c.consumer_id == consumers.c.uuid))
    return query


def _cell_usage_query(per_user):
    """One round trip for a cell: a row (None, servers, vCPUs, RAM) of
    all the project's live servers there, then a row (uuid, 1, vCPUs,
    RAM) of each of them in a move between cells (counted in the first
    row too: the caller takes out a copy whose mapping names the other
    cell)."""
    instance = cell_models.Instance.__table__
    migration = cell_models.Migration.__table__
    # A soft-deleted server still counts as a server (its mapping is
    # not queued for delete), not its vCPUs and RAM.
    sized = sa.or_(instance.c.vm_state.is_(None),
                   instance.c.vm_state != fields.VMState.SOFT_DELETED)
    vcpus = sa.case((sized, instance.c.vcpus), else_=0)
    memory_mb = sa.case((sized, instance.c.memory_mb), else_=0)
    owned = [instance.c.project_id == sa.bindparam("project_id"),
             instance.c.deleted == 0,
             sa.or_(instance.c.hidden.is_(None),
                    instance.c.hidden.is_(False))]
    if per_user:
        owned.append(instance.c.user_id == sa.bindparam("user_id"))
    every = sa.select(
        sa.null().label("uuid"), sa.func.count().label("servers"),
        sa.func.coalesce(sa.func.sum(vcpus), 0).label("vcpus"),
        sa.func.coalesce(sa.func.sum(memory_mb), 0).label("memory_mb"),
    ).where(*owned)
    moves = sa.select(migration.c.instance_uuid).where(
        migration.c.cross_cell_move.is_(True), migration.c.deleted == 0,
        migration.c.status.not_in(migration_obj.FINAL_STATUSES))
    moving = sa.select(
        instance.c.uuid, sa.literal(1), vcpus, memory_mb).where(
        *owned, instance.c.uuid.in_(moves))
    return sa.union_all(every, moving)


_SERVER_COUNT = [_server_count(False), _server_count(True)]
_PLACED_SERVER_COUNT = [_server_count(False, True), _server_count(True, True)]
_MAPPED_BY_CELL = [_mapped_by_cell(False), _mapped_by_cell(True)]
_PENDING_SERVERS = [_pending_servers(False), _pending_servers(True)]
_UNALLOCATED_SERVERS = [_pending_servers(False, True),
                        _pending_servers(True, True)]
_CELL_USAGE = [_cell_usage_query(False), _cell_usage_query(True)]


def _count_servers(session, project_id, user_id, sizes, pending=True,
                   from_placement=False):
    """Servers from the instance mappings, and when sizes are asked the
    vCPUs and RAM of those that have not reached a cell yet (their size
    is in the build request; from_placement: of those placement does not
    count yet). pending=False: only servers in a cell."""
    per_user = user_id is not None
    params = {"project_id": project_id, "user_id": user_id}
    count = _SERVER_COUNT if pending else _PLACED_SERVER_COUNT
    used = {"instances": session.scalar(count[per_user], params)}
    if sizes and not pending:
        used.update(cores=0, ram=0)
    elif sizes:
        used.update(cores=0, ram=0)
        pending_servers = (_UNALLOCATED_SERVERS if from_placement
                           else _PENDING_SERVERS)
        for text in session.scalars(pending_servers[per_user], params):
            vcpus, memory_mb = _build_request_size(text)
            used["cores"] += vcpus
            used["ram"] += memory_mb
    return used


def _cell_usage(context, cell_uuid, project_id, user_id, moving):
    """(servers, vCPUs, MB of RAM) of a project's live servers in one
    cell; as Nova, a cell whose database cannot be reached counts no
    vCPUs or RAM (and None servers). The servers there in a move between
    cells are added to moving, {(uuid, cell uuid): (vCPUs, RAM)}."""
    try:
        with context.cell_db_for(cell_uuid).reader() as session:
            rows = session.execute(
                _CELL_USAGE[user_id is not None],
                {"project_id": project_id, "user_id": user_id}).all()
    except exception.DatabaseUnreachable:
        return None, 0, 0
    total = (0, 0, 0)
    for instance_uuid, servers, vcpus, memory_mb in rows:
        if instance_uuid is None:
            total = (int(servers), int(vcpus), int(memory_mb))
        else:
            moving[instance_uuid, cell_uuid] = (int(vcpus), int(memory_mb))
    return total


def _build_request_size(text):
    """(vCPUs, MB of RAM) of the serialized Instance in a build request,
    read from the primitive: rebuilding whole instances for every check
    costs more than a boot once many servers are pending."""
    if not text:
        return 0, 0
    instance = json.loads(text)["stratus_object.data"]
    flavor = (instance.get("flavor") or {}).get("stratus_object.data", {})
    vcpus = instance.get("vcpus")
    memory_mb = instance.get("memory_mb")
    if vcpus is None:
        vcpus = flavor.get("vcpus")
    if memory_mb is None:
        memory_mb = flavor.get("memory_mb")
    return vcpus or 0, memory_mb or 0
