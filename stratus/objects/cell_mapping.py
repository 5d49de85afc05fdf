"""CellMapping: where a cell's database and message queue are. Lives in
the API database; cell0 (uuid all zeros) holds servers that never got a
host."""
import logging
import threading
import time
import urllib.parse
import weakref

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db import setup as db_setup
from stratus import exception
from stratus import retry
from stratus.objects import base
from stratus.objects import fields

CELL0_UUID = db_setup.CELL0_UUID
LOG = logging.getLogger(__name__)
# How long a process keeps the list of cells it reads across (Nova keeps
# it until a restart or SIGHUP): a cell mapped by another process is
# read from then on; one mapped, changed or deleted in this process at
# once.
CELL_CACHE_SECONDS = 30


@base.register
class CellMapping(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "transport_url": fields.StringField(nullable=True),
        "database_connection": fields.StringField(nullable=True),
        "disabled": fields.BooleanField(default=False),
    })

    @property
    def is_cell0(self):
        return self.uuid == CELL0_UUID

    @property
    def identity(self):
        return "%s(%s)" % (self.name, self.uuid) if self.name else self.uuid

    @classmethod
    def _get(cls, context, where, not_found):
        with context.api_db.reader() as session:
            row = session.scalar(sa.select(api_models.CellMapping).where(where))
            if row is None:
                raise exception.CellMappingNotFound(uuid=not_found)
            return cls._from_row(cls(), row, context)

    @classmethod
    def get_by_uuid(cls, context, uuid):
        return cls._get(context, api_models.CellMapping.uuid == uuid, uuid)

    @classmethod
    def get_by_id(cls, context, cell_id):
        return cls._get(context, api_models.CellMapping.id == cell_id, cell_id)

    @classmethod
    def get_by_database_connection(cls, context, database_connection):
        return cls._get(context, api_models.CellMapping.database_connection
                        == database_connection, database_connection)

    def create(self):
        values = {name: getattr(self, name) for name in
                  ("uuid", "name", "transport_url", "database_connection")}
        values["disabled"] = self.get("disabled", False)
        with self._context.api_db.writer() as session:
            row = api_models.CellMapping(**values)
            session.add(row)
            session.flush()
            self._from_row(self, row, self._context)
        forget_cells()

    def save(self):
        """Write the changed name, URLs and disabled flag."""
        values = {name: getattr(self, name) for name in self.obj_what_changed()
                  if name in _UPDATABLE}
        if values:
            with self._context.api_db.writer() as session:
                if not session.execute(sa.update(api_models.CellMapping).where(
                        api_models.CellMapping.uuid == self.uuid).values(
                        **values)).rowcount:
                    raise exception.CellMappingNotFound(uuid=self.uuid)
            forget_cells()
        self.obj_reset_changes()

    def destroy(self):
        """Delete the mapping (its host and instance mappings must be gone
        first)."""
        with self._context.api_db.writer() as session:
            if not session.execute(sa.delete(api_models.CellMapping).where(
                    api_models.CellMapping.uuid == self.uuid)).rowcount:
                raise exception.CellMappingNotFound(uuid=self.uuid)
        forget_cells()


_UPDATABLE = ("name", "transport_url", "database_connection", "disabled")


@base.register
class CellMappingList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("CellMapping")}

    @classmethod
    def get_all(cls, context):
        with context.api_db.reader() as session:
            rows = session.scalars(sa.select(api_models.CellMapping).order_by(
                api_models.CellMapping.id)).all()
            return cls.from_objects(context, [
                CellMapping._from_row(CellMapping(), row, context)
                for row in rows])

    def host_cells(self):
        """The cells that can hold hosts: all but cell0."""
        return [cell for cell in self if not cell.is_cell0]


def local_cell(context, conf, cell_uuid=None):
    """The cell of this service: cell_uuid's when given (the all-in-one's
    services of each cell), else that of ``[database] connection``.

    Without that option a cloud with a single host cell uses it. A
    service without the API database (a cell conductor) knows its cell
    only by its database: a mapping of it named by the cell's own
    uuid (stratus.db.api.CellDatabases), not read from the API level.
    """
    url = conf.database.connection
    databases = context.databases
    if databases is not None and not getattr(databases, "has_api", True):
        return CellMapping(context, uuid=cell_uuid or databases.cell_uuid,
                           name=None, transport_url=conf.transport_url,
                           database_connection=url, disabled=False)
    if cell_uuid is not None:
        return CellMapping.get_by_uuid(context, cell_uuid)
    if url:
        return CellMapping.get_by_database_connection(context, url)
    cells = CellMappingList.get_all(context).host_cells()
    if len(cells) != 1:
        raise exception.CellMappingNotFound(uuid="[database] connection")
    return cells[0]


def mask_password(url):
    """url with its password replaced by ****, for display."""
    if not url:
        return url
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":%s@" % parts.password, ":****@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def over_host_cells(context, read, down_cells=None, cell_uuids=None):
    """read(session, cell uuid) -> list, in every cell that can hold hosts
    (those of cell_uuids when given); the lists joined. Cells whose
    database cannot be reached are skipped (as Nova's
    list_records_by_skipping_down_cells), their uuids added to down_cells
    when it is given.

    A cell that refuses is skipped at once, even inside
    ``retry.patient``: one cell down must not hold up the work of the
    others (the scheduler's view of the hosts, say). Only when every cell
    refuses (the database servers restarting, more likely than every
    cell down) are they waited for as patience allows."""
    uuids = [cell_uuid for cell_uuid in host_cell_uuids(context)
             if cell_uuids is None or cell_uuid in cell_uuids]
    with retry.impatient():
        results, down = _read_cells(context, read, uuids)
    if down and len(down) == len(uuids) and retry.connect_patience():
        results, down = _read_cells(context, read, uuids)
    if down_cells is not None:
        down_cells.extend(down)
    return results


def _read_cells(context, read, cell_uuids):
    results, down = [], []
    for cell_uuid in cell_uuids:
        try:
            with context.cell_db_for(cell_uuid).reader() as session:
                results.extend(read(session, cell_uuid))
        except exception.DatabaseUnreachable:
            down.append(cell_uuid)
    return results, down


# {Databases: (monotonic time read, (uuids of the host cells))}
_host_cells = weakref.WeakKeyDictionary()
_host_cells_lock = threading.Lock()


def host_cell_uuids(context):
    """The uuids of the cells that can hold hosts, in the order they were
    made, as this process read them at most CELL_CACHE_SECONDS ago (the
    scheduler's host view and the lists across cells read them on every
    refresh and request)."""
    databases = context.databases
    if databases is None:
        raise exception.DatabaseNotAvailable()
    now = time.monotonic()
    with _host_cells_lock:
        cached = _host_cells.get(databases)
    if cached is not None and now - cached[0] < CELL_CACHE_SECONDS:
        return cached[1]
    uuids = tuple(cell.uuid for cell in
                  CellMappingList.get_all(context).host_cells())
    with _host_cells_lock:
        _host_cells[databases] = (now, uuids)
    return uuids


def forget_cells():
    """Read the cells again on their next use (a mapping was made,
    changed or deleted; or the scheduler is offered a node it does not
    know, perhaps of a cell mapped by another process)."""
    with _host_cells_lock:
        _host_cells.clear()


def connections(databases):
    """[(name, uuid, database_connection)] of every cell mapping in the
    order they were made, read with the API database of databases (the
    health check and the metrics have no request context)."""
    mapping = api_models.CellMapping
    with databases.api.reader() as session:
        return [tuple(row) for row in session.execute(sa.select(
            mapping.name, mapping.uuid, mapping.database_connection)
            .order_by(mapping.id))]


def scatter_gather(cell_uuids, read, timeout):
    """({cell uuid: read(cell uuid)}, [uuids of the cells that did not
    answer]): read runs for every cell at once, each in a thread of its
    own, and the answer waits at most timeout seconds for all of them
    (Nova's scatter_gather_cells and CELL_TIMEOUT). A cell whose database
    cannot be reached, or that has not answered in time, is one that did
    not answer; a read still waiting on it is left to finish on its own.
    Any other error of a read is raised here."""
    outcomes = {}

    def run(cell_uuid):
        try:
            outcomes[cell_uuid] = (True, read(cell_uuid))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcomes[cell_uuid] = (False, exc)

    threads = []
    for cell_uuid in cell_uuids:
        thread = threading.Thread(target=run, args=(cell_uuid,),
                                  name="cell-%s" % cell_uuid, daemon=True)
        thread.start()
        threads.append((cell_uuid, thread))
    deadline = time.monotonic() + timeout
    results, silent = {}, []
    for cell_uuid, thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
        outcome = outcomes.get(cell_uuid)
        if outcome is None:
            LOG.warning("Cell %s has not answered in %s seconds: left out",
                        cell_uuid, timeout)
            silent.append(cell_uuid)
        elif outcome[0]:
            results[cell_uuid] = outcome[1]
        elif isinstance(outcome[1], exception.DatabaseUnreachable):
            silent.append(cell_uuid)
        else:
            raise outcome[1]
    return results, silent
