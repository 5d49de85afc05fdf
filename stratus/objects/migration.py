"""Migration: the record of one move of a server (resize, cold migration,
live migration, evacuation). Lives in the server's cell database.

Its uuid is also a placement consumer: while a move runs, the allocations
the server held on its source belong to the migration and the server's
own consumer holds what it claimed on the destination (Nova's
"migration-based allocations"); confirming drops the migration's,
reverting gives them back to the server.

``status`` follows Nova's values (STATUSES); ``step`` is Stratus's own:
how far the conductor task driving the move got (STEPS), saved as it
goes, so a conductor that restarts can resume or roll back.
"""
import contextlib
import uuid as uuid_lib

import sqlalchemy as sa

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

_M = cell_models.Migration.__table__

# migration_type values (Nova's).
RESIZE = "resize"
MIGRATION = "migration"
LIVE_MIGRATION = "live-migration"
EVACUATION = "evacuation"
TYPES = (MIGRATION, RESIZE, LIVE_MIGRATION, EVACUATION)


class Status:
    """Nova's migration statuses."""
    PRE_MIGRATING = "pre-migrating"
    MIGRATING = "migrating"
    POST_MIGRATING = "post-migrating"
    FINISHED = "finished"
    CONFIRMING = "confirming"
    CONFIRMED = "confirmed"
    REVERTING = "reverting"
    REVERTED = "reverted"
    ERROR = "error"
    FAILED = "failed"
    ACCEPTED = "accepted"
    QUEUED = "queued"
    PREPARING = "preparing"
    RUNNING = "running"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    DONE = "done"
    COMPLETED = "completed"


STATUSES = tuple(value for name, value in vars(Status).items()
                 if not name.startswith("_"))
# A move that reached one of these is over (Nova's migration_get_in_progress
# leaves them out).
FINAL_STATUSES = (Status.CONFIRMED, Status.REVERTED, Status.ERROR,
                  Status.FAILED, Status.CANCELLED, Status.DONE,
                  Status.COMPLETED)


class Step:
    """How far the conductor task got. Each is saved before the work it
    names starts, so after a crash the step says what may be half done."""
    # Record made; the scheduler's claim may have happened since
    # (allocations.revert_move undoes it, or does nothing, either way).
    CREATED = "created"
    PREPARING = "preparing"        # destination claimed and named; its prep
    MIGRATING = "migrating"        # the source sends the guest away
    FINISHING = "finishing"        # the destination starts the guest
    FINISHED = "finished"          # waiting for confirm or revert
    CONFIRMING = "confirming"
    REVERTING = "reverting"
    ROLLING_BACK = "rolling_back"  # undoing a failed move
    DONE = "done"                  # over (confirmed, reverted, rolled back)


@base.register
class Migration(base.StratusObject, base.StratusPersistentObject):
    # 1.0: the initial version, with step
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "source_compute": fields.StringField(nullable=True),
        "dest_compute": fields.StringField(nullable=True),
        "source_node": fields.StringField(nullable=True),
        "dest_node": fields.StringField(nullable=True),
        "dest_host": fields.StringField(nullable=True),
        "old_instance_type_id": fields.IntegerField(nullable=True),
        "new_instance_type_id": fields.IntegerField(nullable=True),
        "instance_uuid": fields.UUIDField(nullable=True),
        "status": fields.StringField(nullable=True),
        "migration_type": fields.StringField(nullable=True),
        "hidden": fields.BooleanField(default=False),
        "memory_total": fields.IntegerField(nullable=True),
        "memory_processed": fields.IntegerField(nullable=True),
        "memory_remaining": fields.IntegerField(nullable=True),
        "disk_total": fields.IntegerField(nullable=True),
        "disk_processed": fields.IntegerField(nullable=True),
        "disk_remaining": fields.IntegerField(nullable=True),
        "cross_cell_move": fields.BooleanField(default=False),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "step": fields.StringField(nullable=True),
        # The cell the record lives in (not a column; set on load).
        "cell_uuid": fields.UUIDField(nullable=True),
    })

    @property
    def is_resize(self):
        return self.migration_type == RESIZE

    @property
    def in_progress(self):
        return self.status not in FINAL_STATUSES

    @classmethod
    def _from_db(cls, context, row):
        migration = cls._from_row(cls(), row, context)
        migration.deleted = bool(row.deleted)
        migration.cell_uuid = getattr(context, "cell_uuid", None)
        migration.obj_reset_changes()
        return migration

    # Lookups ---------------------------------------------------------

    @classmethod
    def get_by_id(cls, context, migration_id):
        return cls._get(context, _M.c.id == migration_id, migration_id)

    @classmethod
    def get_by_uuid(cls, context, migration_uuid):
        return cls._get(context, _M.c.uuid == migration_uuid,
                        migration_uuid)

    @classmethod
    def _get(cls, context, where, name):
        with context.cell_db.reader() as session:
            row = session.execute(sa.select(_M).where(
                where, _M.c.deleted == 0)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=name)
        return cls._from_db(context, row)

    @classmethod
    def get_by_instance_and_status(cls, context, instance_uuid, status):
        """The newest migration of the instance in status (a status or a
        list); MigrationNotFoundByStatus when there is none."""
        statuses = [status] if isinstance(status, str) else list(status)
        with context.cell_db.reader() as session:
            row = session.execute(sa.select(_M).where(
                _M.c.instance_uuid == instance_uuid,
                _M.c.status.in_(statuses), _M.c.deleted == 0).order_by(
                _M.c.created_at.desc(), _M.c.id.desc()).limit(1)).first()
        if row is None:
            raise exception.MigrationNotFoundByStatus(
                instance_id=instance_uuid, status=status)
        return cls._from_db(context, row)

    # Changes -----------------------------------------------------------

    def create(self, context=None, session=None):
        """Insert into the cell the context targets; in session when given
        (a writer of that cell)."""
        context = context or self._context
        now = utcnow()
        if not self.obj_attr_is_set("uuid"):
            self.uuid = str(uuid_lib.uuid4())
        values = {name: getattr(self, name) for name in _COLUMNS
                  if self.obj_attr_is_set(name)}
        values.setdefault("status", Status.PRE_MIGRATING)
        values.setdefault("step", Step.CREATED)
        values.update(created_at=now, updated_at=now, deleted=0)
        writer = (contextlib.nullcontext(session) if session is not None
                  else context.cell_db.writer())
        with writer as session:
            self.id = session.execute(
                _M.insert().values(**values)).inserted_primary_key[0]
        self._context = context
        for name in ("status", "step"):
            setattr(self, name, values[name])
        self.created_at = self.updated_at = now
        self.deleted = False
        self.deleted_at = None
        self.cell_uuid = getattr(context, "cell_uuid", None)
        self.obj_reset_changes()

    def save(self, session=None, expected_status=None):
        """Write what changed (in session when given: a writer of the
        migration's cell). expected_status: a status or a list the row
        must still be in (MigrationStatusConflict otherwise), checked by
        the same UPDATE, so of two racing callers exactly one wins."""
        values = {name: getattr(self, name) for name in
                  self.obj_what_changed() if name in _COLUMNS}
        values["updated_at"] = utcnow()
        update = sa.update(_M).where(_M.c.id == self.id).values(**values)
        if expected_status is not None:
            expected = ([expected_status] if isinstance(expected_status, str)
                        else list(expected_status))
            update = update.where(_M.c.status.in_(expected))
        if session is not None:
            changed = session.execute(update).rowcount
        else:
            with self._target() as cctx:
                with cctx.cell_db.writer() as session:
                    changed = session.execute(update).rowcount
        if not changed:
            raise exception.MigrationStatusConflict(
                migration_id=self.uuid, expected=expected_status)
        self.updated_at = values["updated_at"]
        self.obj_reset_changes()

    def _target(self):
        cell_uuid = self.get("cell_uuid")
        if cell_uuid is None:
            return contextlib.nullcontext(self._context)
        return self._context.target_cell(cell_uuid)


_COLUMNS = tuple(name for name in Migration.fields
                 if name in _M.c and name not in ("id", "deleted"))


@base.register
class MigrationList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("Migration")}

    @classmethod
    def get_by_filters(cls, context, filters, limit=None, marker=None):
        """Migrations of the targeted cell, newest first (created_at, id).

        filters: ``instance_uuid``, ``status`` (a value or a list),
        ``migration_type``, ``source_compute``, ``dest_compute``,
        ``host`` (source or destination), ``user_id``, ``project_id``,
        ``hidden``, ``in_progress`` (True: not in a final status),
        ``not_status`` (a list),
        ``changes-since`` / ``changes-before`` (on updated_at),
        ``updated_before``. marker: a Migration of this cell (the last
        of the previous page)."""
        query = sa.select(_M).where(_M.c.deleted == 0)
        for name in ("instance_uuid", "migration_type", "source_compute",
                     "dest_compute", "user_id", "project_id", "uuid"):
            if filters.get(name) is not None:
                query = query.where(_M.c[name] == filters[name])
        status = filters.get("status")
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            query = query.where(_M.c.status.in_(statuses))
        if filters.get("host") is not None:
            query = query.where(sa.or_(_M.c.source_compute == filters["host"],
                                       _M.c.dest_compute == filters["host"]))
        if filters.get("hidden") is not None:
            query = query.where(sa.func.coalesce(_M.c.hidden, False)
                                == bool(filters["hidden"]))
        if filters.get("in_progress"):
            query = query.where(_M.c.status.not_in(FINAL_STATUSES))
        if filters.get("not_status"):
            query = query.where(_M.c.status.not_in(filters["not_status"]))
        updated = sa.func.coalesce(_M.c.updated_at, _M.c.created_at)
        if filters.get("changes-since") is not None:
            query = query.where(updated >= filters["changes-since"])
        if filters.get("changes-before") is not None:
            query = query.where(updated <= filters["changes-before"])
        if filters.get("updated_before") is not None:
            query = query.where(updated <= filters["updated_before"])
        if marker is not None:
            query = query.where(sa.or_(
                _M.c.created_at < marker.created_at,
                sa.and_(_M.c.created_at == marker.created_at,
                        _M.c.id < marker.id)))
        query = query.order_by(_M.c.created_at.desc(), _M.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with context.cell_db.reader() as session:
            rows = session.execute(query).all()
        return cls.from_objects(context, [Migration._from_db(context, row)
                                          for row in rows])


def end_moves_of_deleted(cctx, instance_uuid):
    """A deleted server's moves in progress end in error and their
    placement consumers (the source allocations they held) go, so that
    nothing stays allocated for a server that is gone."""
    from stratus.placement import allocations
    moves = MigrationList.get_by_filters(cctx, {
        "instance_uuid": instance_uuid, "in_progress": True})
    for migration in moves:
        allocations.remove_consumer(cctx, migration.uuid)
        migration.status = Status.ERROR
        migration.step = Step.DONE
        try:
            migration.save()
        except exception.MigrationStatusConflict:
            pass


def begin_confirm(cctx, instance, migration):
    """Start confirming a resize that waits (status finished): the
    server's task resize_confirming and the migration confirming in one
    transaction (of a concurrent confirm and revert exactly one wins: the
    other gets UnexpectedTaskStateError or MigrationStatusConflict), and
    the confirmResize action of the context's request."""
    _begin_waiting(cctx, instance, migration,
                   fields.TaskState.RESIZE_CONFIRMING, Status.CONFIRMING,
                   Step.CONFIRMING, "confirmResize")


def begin_revert(cctx, instance, migration):
    """As begin_confirm, for revertResize (task resize_reverting)."""
    _begin_waiting(cctx, instance, migration,
                   fields.TaskState.RESIZE_REVERTING, Status.REVERTING,
                   Step.REVERTING, "revertResize")


def _begin_waiting(cctx, instance, migration, task_state, status, step,
                   action):
    from stratus.objects import instance_action
    migration.status = status
    migration.step = step
    instance.task_state = task_state

    def also(ctx, session):
        migration.save(session=session, expected_status=Status.FINISHED)
    instance.save(expected_task_state=[None], also=also)
    instance_action.InstanceAction.action_start(cctx, instance.uuid, action)
