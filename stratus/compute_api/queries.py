"""Reads: servers wherever they are (build requests, then every cell),
their hosts' status, request specs and groups, migrations and instance
actions.
"""
import functools
import heapq

from stratus.compute_api import base
from stratus import exception
from stratus.objects import build_request as build_request_obj
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_query
from stratus.objects import instance_action as action_obj
from stratus.objects import instance_mapping as mapping_obj
from stratus.objects import migration as migration_obj
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import service as service_obj
from stratus import constants

# Nova's host_status values (2.16).
HOST_UP = "UP"
HOST_DOWN = "DOWN"
HOST_MAINTENANCE = "MAINTENANCE"
HOST_UNKNOWN = "UNKNOWN"
HOST_NONE = ""


def batch_size(limit, cells):
    """How many servers a list asks of each cell at a time: a tenth more
    than an even share of the page over the cells that hold hosts (Nova's
    'distributed' instance_list_cells_batch_strategy), at least 20 (Nova:
    100, which makes every cell read a whole page of 100), at most the
    page; the whole page from a single cell. A cell whose batch runs out
    before the page is full gives its next batch as the merge reaches
    its end."""
    if limit is None or cells <= 1:
        return limit
    return min(max(int(limit / cells * 1.1) + 1, 20), limit)


def _batches(first, size, read):
    """The instances of one cell in order, batch by batch: first, then
    read(after=the last one) while a batch comes full."""
    batch = first
    while True:
        yield from batch
        if size is None or len(batch) < size:
            return
        batch = read(batch[-1])


def _keep_mapped(ctx, found, index, other):
    """found[index] and other are two copies of one server (a move
    between cells switching): keep the one of the cell its instance
    mapping names."""
    try:
        mapping = mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, other.uuid)
    except exception.InstanceMappingNotFound:
        return
    if other.get("cell_uuid") == mapping.cell_uuid:
        found[index] = other


def read_marker(ctx, marker, cell_uuid):
    """The marker's instance in cell_uuid (deleted or not), or None: one
    query in that cell (a test seam: tests make it late)."""
    with ctx.target_cell(cell_uuid) as cctx:
        try:
            return instance_obj.Instance.get_by_uuid(cctx, marker,
                                                     read_deleted=True)
        except exception.InstanceNotFound:
            return None


def _mapped_cell(ctx, instance_uuid):
    try:
        return mapping_obj.InstanceMapping.get_by_instance_uuid(
            ctx, instance_uuid).cell_uuid
    except exception.InstanceMappingNotFound:
        return None


class _CellLister:
    """One list's reads of the cells: every cell at once (scatter), each
    waited for at most timeout seconds, then their instances merged in
    sort order, a cell read batch by batch as the merge reaches the end
    of its last one."""

    def __init__(self, ctx, cells, filters, sort_keys, sort_dirs,
                 expected_attrs, batch, timeout):
        self.ctx = ctx
        self.cells = cells
        self.filters = filters
        self.sort_keys = sort_keys
        self.sort_dirs = sort_dirs
        self.expected_attrs = expected_attrs
        self.batch = batch
        self.timeout = timeout
        self.first, self.silent = {}, []

    def read(self, cell_uuid, start):
        with self.ctx.target_cell(cell_uuid) as cctx:
            return instance_obj.InstanceList.get_by_filters(
                cctx, self.filters, self.sort_keys, self.sort_dirs,
                limit=self.batch, expected_attrs=self.expected_attrs,
                after=start)

    def scatter(self, after):
        """Every cell's first batch after the instance after (from the
        top when None)."""
        self.first, self.silent = cell_mapping_obj.scatter_gather(
            self.cells, lambda cell: self.read(cell, after), self.timeout)

    def merged(self):
        return heapq.merge(
            *[_batches(self.first[cell], self.batch,
                       functools.partial(self.read, cell))
              for cell in self.cells if cell in self.first],
            key=lambda inst: instance_query.SortKey(
                inst, self.sort_keys, self.sort_dirs))


class Queries(base.APIBase):
    """Lists and lookups beyond ``get``."""

    def get_all(self, ctx, filters, sort_keys=None, sort_dirs=None,
                limit=None, marker=None, expected_attrs=None,
                down_cells=None, down_records=False):
        """Servers matching filters: build requests first, then the
        instances of every cell merged in sort order; at most limit,
        starting after the server marker (MarkerNotFound if unknown).

        The cells are read at once, each waited for at most [api]
        list_records_cell_timeout seconds; those that do not answer (their
        database unreachable or too slow) are left out, their uuids added
        to down_cells when it is given, or with [api]
        list_records_by_skipping_down_cells False the list fails
        (CellNotResponding). down_records (2.69, unfiltered lists): the
        servers of those cells follow the build requests as their
        InstanceMappings (newest first), before the instances, so that
        pages walk them too: a marker may be one of them.

        A marker whose cell does not answer its lookup never starts the
        list again from the top (see _after_unread_marker).

        filters use the API's names (name, image, flavor, tenant_id, ...)
        besides Nova's DB filter names.
        """
        filters = self._db_filters(ctx, filters)
        if filters is None:
            return []
        sort_keys, sort_dirs = instance_query.normalize_sort(sort_keys,
                                                           sort_dirs)
        after = late_cell = None
        try:
            build_requests = build_request_obj.BuildRequestList.get_by_filters(
                ctx, filters, limit=limit, marker=marker,
                sort_keys=sort_keys, sort_dirs=sort_dirs)
        except exception.MarkerNotFound:
            build_requests = []
            after, late_cell = self._marker(ctx, marker)
            if late_cell is not None and not down_records:
                raise exception.CellDown(cell_uuid=late_cell,
                                         instance_uuid=marker)
        found = [br.instance for br in build_requests]
        if limit is not None and len(found) >= limit:
            return found[:limit]
        cells = [cell.uuid for cell in
                 cell_mapping_obj.CellMappingList.get_all(ctx)]
        lister = _CellLister(
            ctx, cells, filters, sort_keys, sort_dirs, expected_attrs,
            batch_size(None if limit is None else limit - len(found),
                       len([cell for cell in cells
                            if cell != cell_mapping_obj.CELL0_UUID])),
            self.conf.api.list_records_cell_timeout)
        lister.scatter(after)
        down_marker = None
        if late_cell is not None:
            after, down_marker = self._after_unread_marker(
                ctx, marker, late_cell, lister)
        silent = lister.silent
        if silent and not self.conf.api.list_records_by_skipping_down_cells:
            raise exception.CellNotResponding(cell_uuid=silent[0])
        if down_cells is not None:
            down_cells.extend(silent)
        seen = {instance.uuid for instance in found}
        if down_records and silent and (after is None
                                        or down_marker is not None):
            found += self._down_records(ctx, silent, filters, down_marker,
                                        seen)
        if limit is not None and len(found) >= limit:
            return found[:limit]
        in_cells = {}
        for instance in lister.merged():
            # A server placed in a cell while we listed may show twice;
            # one moving between cells, for the instant of its switch.
            if instance.uuid in in_cells:
                _keep_mapped(ctx, found, in_cells[instance.uuid], instance)
            elif instance.uuid not in seen:
                seen.add(instance.uuid)
                in_cells[instance.uuid] = len(found)
                found.append(instance)
                # Stopping here spares a cell's next batch.
                if limit is not None and len(found) >= limit:
                    break
        return found

    def _after_unread_marker(self, ctx, marker, late_cell, lister):
        """(after, down marker) for a 2.69 list whose marker's cell did
        not answer the marker's lookup; lister has read every cell from
        the top.

        Where that cell did not answer the list either, it is down for
        this page: the marker is one of its minimal records, the page
        goes on after it among them (and then the other cells from their
        first server, which come after every minimal record). Where it
        answered the list, it was only late: the marker is read again
        and the cells listed after it; a cell still too late for the
        marker is CellDown (503), never the list again from the top."""
        if late_cell in lister.silent:
            return None, marker
        after, late_cell = self._marker(ctx, marker)
        if late_cell is not None:
            raise exception.CellDown(cell_uuid=late_cell,
                                     instance_uuid=marker)
        lister.scatter(after)
        return after, None

    def _down_records(self, ctx, cell_uuids, filters, marker, seen):
        """The InstanceMappings of the servers of cells that did not
        answer, in the project filtered on (all without one), after the
        one of marker when it is one of them (MarkerNotFound when it is
        not: the page cannot tell where it goes on)."""
        records = [mapping for mapping in self.down_cell_servers(
            ctx, cell_uuids, project_id=filters.get("project_id"))
            if mapping.instance_uuid not in seen]
        if marker is not None:
            uuids = [mapping.instance_uuid for mapping in records]
            if marker not in uuids:
                raise exception.MarkerNotFound(marker=marker)
            records = records[uuids.index(marker) + 1:]
        seen.update(mapping.instance_uuid for mapping in records)
        return records

    @staticmethod
    def down_cell_servers(ctx, cell_uuids, project_id=None):
        """InstanceMappings of the servers in cells that cannot be reached
        (what 2.69 shows of them); all projects when project_id is None."""
        if not cell_uuids:
            return []
        return list(mapping_obj.InstanceMappingList.get_live_by_cells(
            ctx, cell_uuids, project_id=project_id))

    def _marker(self, ctx, marker):
        """(the instance marker names, None), read (deleted or not) from
        the one cell its instance mapping names, or (None, that cell's
        uuid) when the cell does not answer within [api]
        list_records_cell_timeout; MarkerNotFound when there is no such
        server for the caller."""
        mapping = base.visible_mapping(
            ctx, marker, lambda: exception.MarkerNotFound(marker=marker))
        cell_uuid = mapping.cell_uuid
        for _ in range(2):
            if cell_uuid is None:
                build_requests = build_request_obj.BuildRequest
                try:
                    # A build request the filters leave out.
                    return build_requests.get_by_instance_uuid(
                        ctx, marker).instance, None
                except exception.BuildRequestNotFound:
                    # Gone to its cell since: the mapping names it now.
                    cell_uuid = _mapped_cell(ctx, marker)
            if cell_uuid is None:
                break
            found, silent = cell_mapping_obj.scatter_gather(
                [cell_uuid], functools.partial(read_marker, ctx, marker),
                self.conf.api.list_records_cell_timeout)
            if silent:
                return None, cell_uuid
            if found[cell_uuid] is not None:
                return found[cell_uuid], None
            # A cross-cell move may have switched its cell meanwhile.
            moved = _mapped_cell(ctx, marker)
            if moved == cell_uuid:
                break
            cell_uuid = moved
        raise exception.MarkerNotFound(marker=marker)

    @staticmethod
    def _db_filters(ctx, filters):
        """Nova's renaming of API filters to DB filters; None when nothing
        can match (an unknown flavor)."""
        renames = {"image": "image_ref", "name": "display_name",
                   "description": "display_description",
                   "tenant_id": "project_id"}
        result = {}
        for key, value in filters.items():
            if key == "flavor":
                try:
                    result["instance_type_id"] = (
                        flavor_obj.Flavor.get_by_flavor_id(
                            ctx.elevated(), value).id)
                except exception.FlavorNotFound:
                    return None
            else:
                result[renames.get(key, key)] = value
        return result

    def host_statuses(self, ctx, instances):
        """{uuid: Nova's host_status} for these servers, reading the
        compute services once."""
        statuses = {}
        services = {}
        hosts = {instance.get("host") for instance in instances} - {None}
        if len(instances) == 1 and hosts:
            try:
                service = service_obj.Service.get_by_host_and_binary(
                    ctx.elevated(), hosts.pop(), constants.COMPUTE_BINARY,
                    cell_uuid=instances[0].get("cell_uuid"))
                services[service.host] = service
            except exception.ServiceNotFound:
                pass
        elif hosts:
            # Only the cells the servers were read from: a cell that did
            # not answer the list is not asked again.
            cells = {instance.get("cell_uuid") for instance in instances}
            services = {service.host: service for service in
                        service_obj.ServiceList.get_all(
                            ctx.elevated(), binary=constants.COMPUTE_BINARY,
                            cell_uuids=None if None in cells else cells)}
        for instance in instances:
            service = services.get(instance.get("host"))
            if not instance.get("host") or service is None:
                statuses[instance.uuid] = HOST_NONE
            elif service.forced_down:
                statuses[instance.uuid] = HOST_DOWN
            elif service.disabled:
                statuses[instance.uuid] = HOST_MAINTENANCE
            elif service.is_up(self.conf.service_down_time):
                statuses[instance.uuid] = HOST_UP
            else:
                statuses[instance.uuid] = HOST_UNKNOWN
        return statuses

    @staticmethod
    def request_specs(ctx, instance_uuids, only=None):
        """{uuid: RequestSpec} of these servers, in one query; only: the
        fields to load (see RequestSpecList.get_by_instance_uuids)."""
        return {spec.instance_uuid: spec for spec in
                request_spec_obj.RequestSpecList.get_by_instance_uuids(
                    ctx, instance_uuids, only=only)}

    @staticmethod
    def spec_and_groups(ctx, instance_uuid, only=None):
        """(the server's RequestSpec or None, uuids of its server groups)
        in one query; only: as request_specs."""
        return request_spec_obj.spec_and_groups(ctx, instance_uuid,
                                                only=only)

    @staticmethod
    def server_groups(ctx, instance_uuid):
        """Uuids of the server groups the server is a member of."""
        return instance_group_obj.groups_of_server(ctx, instance_uuid)

    @staticmethod
    def migrations(ctx, filters, limit=None, marker=None):
        """Migrations across cells matching filters (see
        MigrationList.get_by_filters), newest first, at most limit;
        marker: the uuid of the last one of the previous page
        (MarkerNotFound otherwise)."""
        cells = [cell.uuid for cell in
                 cell_mapping_obj.CellMappingList.get_all(ctx)]
        found = []
        after = None
        if marker is not None:
            for cell_uuid in cells:
                with ctx.target_cell(cell_uuid) as cctx:
                    listed = migration_obj.MigrationList.get_by_filters(
                        cctx, {"uuid": marker})
                if listed:
                    after = listed[0]
                    break
            else:
                raise exception.MarkerNotFound(marker=marker)
        for cell_uuid in cells:
            with ctx.target_cell(cell_uuid) as cctx:
                found.extend(migration_obj.MigrationList.get_by_filters(
                    cctx, filters, limit=limit, marker=after))
        found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        return found if limit is None else found[:limit]

    @staticmethod
    def server_migration(ctx, instance, migration_id):
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return migration_obj.Migration.get_by_id(cctx, migration_id)

    @staticmethod
    def server_migrations(ctx, instance, filters):
        if instance.get("cell_uuid") is None:
            return []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return list(migration_obj.MigrationList.get_by_filters(
                cctx, dict(filters, instance_uuid=instance.uuid)))

    @staticmethod
    def actions(ctx, instance, limit=None, marker=None, filters=None):
        if instance.get("cell_uuid") is None:
            return []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            return list(action_obj.InstanceActionList.get_by_instance_uuid(
                cctx, instance.uuid, limit=limit, marker=marker,
                filters=filters))

    @staticmethod
    def action(ctx, instance, request_id):
        """(the action of that request, its events) or (None, [])."""
        if instance.get("cell_uuid") is None:
            return None, []
        with ctx.target_cell(instance.cell_uuid) as cctx:
            action = action_obj.InstanceAction.get_by_request_id(
                cctx, instance.uuid, request_id)
            if action is None:
                return None, []
            return action, list(
                action_obj.InstanceActionEventList.get_by_action(cctx,
                                                                 action.id))
