"""Usage as the quota engine counts it (stratus/quota.py): servers, their
vCPUs and RAM from every cell's live instances (one aggregate query per
cell; as Nova counts without placement, so a server a cell conductor
deleted counts no more although its mapping waits for the super
conductor's pass), a cell that cannot be reached by its instance
mappings, plus the build requests that have not reached a cell yet; key
pairs per user; server groups.

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
        cells = dict(session.execute(sa.select(
            api_models.CellMapping.uuid,
            api_models.CellMapping.id)).all()) if from_cells else {}
        mapped = dict(session.execute(
            _MAPPED_BY_CELL[user_id is not None],
            {"project_id": project_id, "user_id": user_id}).all()) \
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
        for cell_uuid, cell_id in cells.items():
            servers, vcpus, memory_mb = _cell_usage(
                context, cell_uuid, project_id, user_id)
            if servers is None:
                servers = mapped.get(cell_id, 0)
            used["instances"] += servers
            if sizes:
                used["cores"] = used.get("cores", 0) + vcpus
                used["ram"] = used.get("ram", 0) + memory_mb
    return used


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
    """(cell id, servers) of the mappings of servers in a cell."""
    mapping = api_models.InstanceMapping.__table__
    return sa.select(mapping.c.cell_id, sa.func.count()).where(
        mapping.c.cell_id.isnot(None), *_owned(mapping, per_user)).group_by(
        mapping.c.cell_id)


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
    instance = cell_models.Instance.__table__
    # A soft-deleted server still counts as a server (its mapping is
    # not queued for delete), not its vCPUs and RAM.
    sized = sa.or_(instance.c.vm_state.is_(None),
                   instance.c.vm_state != fields.VMState.SOFT_DELETED)
    query = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(
            sa.case((sized, instance.c.vcpus), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(
            sa.case((sized, instance.c.memory_mb), else_=0)), 0)).where(
        instance.c.project_id == sa.bindparam("project_id"),
        instance.c.deleted == 0,
        sa.or_(instance.c.hidden.is_(None), instance.c.hidden.is_(False)))
    if per_user:
        query = query.where(instance.c.user_id == sa.bindparam("user_id"))
    return query


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


def _cell_usage(context, cell_uuid, project_id, user_id):
    """(servers, vCPUs, MB of RAM) of a project's live servers in one
    cell; as Nova, a cell whose database cannot be reached counts no
    vCPUs or RAM (and None servers)."""
    try:
        with context.cell_db_for(cell_uuid).reader() as session:
            servers, vcpus, memory_mb = session.execute(
                _CELL_USAGE[user_id is not None],
                {"project_id": project_id, "user_id": user_id}).one()
    except exception.DatabaseUnreachable:
        return None, 0, 0
    return int(servers), int(vcpus), int(memory_mb)


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
