"""InstanceAction and InstanceActionEvent: the audit trail of what users
did to a server (`openstack server event list`).

Live in the server's cell database. An action is recorded per request
(its request id, user and project); the services doing the work record
events under it, found by the request id of the context they run in.
"""
import contextlib
import traceback

import sqlalchemy as sa

from stratus.db import cell_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import fields
from stratus.objects import instance_fault

_ACTION = cell_models.InstanceAction
_EVENT = cell_models.InstanceActionEvent

# Nova's action names for what the servers API records.
CREATE = "create"
DELETE = "delete"
LOCK = "lock"
UNLOCK = "unlock"
ATTACH_INTERFACE = "attach_interface"
DETACH_INTERFACE = "detach_interface"

RESULT_SUCCESS = "Success"
RESULT_ERROR = "Error"


_ACTION_ID = sa.select(_ACTION.id).where(
    _ACTION.instance_uuid == sa.bindparam("instance_uuid"),
    _ACTION.request_id == sa.bindparam("request_id")).order_by(
    _ACTION.created_at.desc(), _ACTION.id.desc()).limit(1)
_TOUCH_ACTION = sa.update(_ACTION.__table__).where(
    _ACTION.id == sa.bindparam("touched_id")).values(
    updated_at=sa.bindparam("now"))
_INSERT_ACTION = _ACTION.__table__.insert()
_INSERT_EVENT = _EVENT.__table__.insert()
_LAST_EVENT = sa.select(_EVENT.__table__).where(
    _EVENT.action_id == sa.bindparam("action_id"),
    _EVENT.event == sa.bindparam("event_name")).order_by(
    _EVENT.id.desc()).limit(1)


# The latest action of (instance_uuid, request_id) and the latest event
# of it named event_name, as scalar subqueries of the statements that
# write them (each in a derived table: MySQL refuses a subquery on the
# table an UPDATE writes otherwise).
_LATEST_ACTION_ID = sa.select(sa.select(_ACTION.id).where(
    _ACTION.instance_uuid == sa.bindparam("of_instance_uuid"),
    _ACTION.request_id == sa.bindparam("of_request_id")).order_by(
    _ACTION.created_at.desc(), _ACTION.id.desc()).limit(1).subquery(
    "latest_action").c.id).scalar_subquery()
_E = _EVENT.__table__
_LAST_EVENT_ID = sa.select(sa.select(_E.c.id).where(
    _E.c.action_id == _LATEST_ACTION_ID,
    _E.c.event == sa.bindparam("event_name")).order_by(
    _E.c.id.desc()).limit(1).subquery("last_event").c.id).scalar_subquery()
_TOUCH_LATEST = sa.update(_ACTION.__table__).where(
    _ACTION.id == _LATEST_ACTION_ID).values(updated_at=sa.bindparam("now"))
_START_UNDER_LATEST = _E.insert().from_select(
    ["event", "action_id", "start_time", "host", "created_at"],
    sa.select(sa.bindparam("event_name", type_=_E.c.event.type),
              _ACTION.id,
              sa.bindparam("now", type_=_E.c.start_time.type),
              sa.bindparam("host", type_=_E.c.host.type),
              sa.bindparam("now", type_=_E.c.created_at.type)).where(
        _ACTION.id == _LATEST_ACTION_ID))
_STATEMENTS = {}


def _finish_last(names):
    """UPDATE of the latest event's columns names (bound as new_<name>)."""
    key = ("finish",) + names
    if key not in _STATEMENTS:
        _STATEMENTS[key] = sa.update(_E).where(
            _E.c.id == _LAST_EVENT_ID).values(
            **{name: sa.bindparam("new_" + name) for name in names})
    return _STATEMENTS[key]


def _touch_latest(names):
    """UPDATE of the latest action's columns names (action_<name>)."""
    key = ("touch",) + names
    if key not in _STATEMENTS:
        _STATEMENTS[key] = sa.update(_ACTION.__table__).where(
            _ACTION.id == _LATEST_ACTION_ID).values(
            **{name: sa.bindparam("action_" + name) for name in names})
    return _STATEMENTS[key]


def _finish_changes(instance_uuid, exc_val, exc_tb):
    """(the event's changes, its action's changes) of a finish: Success,
    or Error with the traceback and the error's message as details (and
    the action's message 'Error')."""
    now = utcnow()
    changes = dict(finish_time=now, updated_at=now, result=RESULT_SUCCESS)
    action_changes = dict(updated_at=now)
    if exc_val is not None or exc_tb is not None:
        changes["result"] = action_changes["message"] = RESULT_ERROR
        if exc_val is not None:
            changes["details"] = (
                instance_fault.InstanceFault.from_exception(
                    instance_uuid, exc_val).message)
        if exc_tb is not None:
            changes["traceback"] = (
                exc_tb if isinstance(exc_tb, str)
                else "".join(traceback.format_tb(exc_tb)))
    return changes, action_changes


def _writer(context, session):
    """The caller's session, or a new writer of the context's cell."""
    if session is not None:
        return contextlib.nullcontext(session)
    return context.cell_db.writer()


def _latest_action(session, instance_uuid, request_id):
    return session.scalar(sa.select(_ACTION).where(
        _ACTION.instance_uuid == instance_uuid,
        _ACTION.request_id == request_id).order_by(
        _ACTION.created_at.desc(), _ACTION.id.desc()).limit(1))


@base.register
class InstanceAction(base.StratusObject, base.StratusPersistentObject):
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "action": fields.StringField(nullable=True),
        "instance_uuid": fields.UUIDField(nullable=True),
        "request_id": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "start_time": fields.DateTimeField(nullable=True),
        "finish_time": fields.DateTimeField(nullable=True),
        "message": fields.StringField(nullable=True),
    })

    @classmethod
    def action_start(cls, context, instance_uuid, action):
        """Record that context's request started action on the instance
        (in the cell the context targets)."""
        now = utcnow()
        values = dict(action=action, instance_uuid=instance_uuid,
                      request_id=context.request_id, user_id=context.user_id,
                      project_id=context.project_id, start_time=now,
                      created_at=now, updated_at=now)
        with context.cell_db.writer() as session:
            action_id = session.execute(sa.insert(_ACTION).values(
                **values)).inserted_primary_key[0]
        record = cls(id=action_id, deleted=False, deleted_at=None,
                     finish_time=None, message=None, **values)
        record._context = context
        record.obj_reset_changes()
        return record

    @classmethod
    def action_finish(cls, context, instance_uuid):
        """Record that the action of context's request is finished."""
        now = utcnow()
        with context.cell_db.writer() as session:
            action = _latest_action(session, instance_uuid,
                                    context.request_id)
            if action is None:
                raise exception.InstanceActionNotFound(
                    request_id=context.request_id,
                    instance_uuid=instance_uuid)
            action.finish_time = now
            action.updated_at = now
            return cls._from_row(cls(), action, context)

    @classmethod
    def get_by_request_id(cls, context, instance_uuid, request_id):
        """The action of that request on the instance, or None."""
        with context.cell_db.reader() as session:
            row = _latest_action(session, instance_uuid, request_id)
            return None if row is None else cls._from_row(cls(), row,
                                                          context)


@base.register
class InstanceActionList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("InstanceAction")}

    @classmethod
    def get_by_instance_uuid(cls, context, instance_uuid, limit=None,
                             marker=None, filters=None):
        """Newest first. marker: the request id of the last action of the
        previous page (MarkerNotFound if unknown); filters:
        ``changes-since`` / ``changes-before`` on updated_at."""
        filters = filters or {}
        if limit == 0:
            return cls.from_objects(context, [])
        query = sa.select(_ACTION).where(_ACTION.instance_uuid
                                         == instance_uuid)
        if filters.get("changes-since") is not None:
            query = query.where(_ACTION.updated_at >= filters["changes-since"])
        if filters.get("changes-before") is not None:
            query = query.where(
                _ACTION.updated_at <= filters["changes-before"])
        with context.cell_db.reader() as session:
            if marker is not None:
                found = _latest_action(session, instance_uuid, marker)
                if found is None:
                    raise exception.MarkerNotFound(marker=marker)
                query = query.where(sa.or_(
                    _ACTION.created_at < found.created_at,
                    sa.and_(_ACTION.created_at == found.created_at,
                            _ACTION.id < found.id)))
            query = query.order_by(_ACTION.created_at.desc(),
                                   _ACTION.id.desc())
            if limit is not None:
                query = query.limit(limit)
            rows = session.scalars(query).all()
            return cls.from_objects(context, [
                InstanceAction._from_row(InstanceAction(), row, context)
                for row in rows])


@base.register
class InstanceActionEvent(base.StratusObject, base.StratusPersistentObject):
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "event": fields.StringField(nullable=True),
        "action_id": fields.IntegerField(nullable=True),
        "start_time": fields.DateTimeField(nullable=True),
        "finish_time": fields.DateTimeField(nullable=True),
        "result": fields.StringField(nullable=True),
        "traceback": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
        "details": fields.StringField(nullable=True),
    })

    @classmethod
    def _action_id(cls, session, context, instance_uuid):
        action_id = session.scalar(_ACTION_ID, {
            "instance_uuid": instance_uuid,
            "request_id": context.request_id})
        if action_id is None:
            raise exception.InstanceActionNotFound(
                request_id=context.request_id, instance_uuid=instance_uuid)
        return action_id

    @classmethod
    def _record(cls, context, values):
        event = cls(context, **dict(
            dict(deleted=False, deleted_at=None, updated_at=None,
                 finish_time=None, result=None, traceback=None,
                 details=None), **values))
        event.obj_reset_changes()
        return event

    @classmethod
    def event_start(cls, context, instance_uuid, event_name, host=None,
                    session=None):
        """Start an event under the action of context's request; in
        session when given (a writer of the context's cell)."""
        now = utcnow()
        values = dict(event=event_name, start_time=now, host=host,
                      created_at=now)
        with _writer(context, session) as session:
            values["action_id"] = cls._action_id(session, context,
                                                 instance_uuid)
            session.execute(_TOUCH_ACTION, {"touched_id": values["action_id"],
                                            "now": now})
            values["id"] = session.execute(
                _INSERT_EVENT, values).inserted_primary_key[0]
        return cls._record(context, values)

    @classmethod
    def event_finish(cls, context, instance_uuid, event_name, exc_val=None,
                     exc_tb=None, session=None):
        """Finish the event: Success, or Error with the traceback and the
        error's message as details (and the action's message 'Error');
        in session when given (a writer of the context's cell)."""
        changes, action_changes = _finish_changes(instance_uuid, exc_val,
                                                  exc_tb)
        with _writer(context, session) as session:
            action_id = cls._action_id(session, context, instance_uuid)
            row = session.execute(_LAST_EVENT, {
                "action_id": action_id, "event_name": event_name}).first()
            if row is None:
                raise exception.InstanceActionEventNotFound(
                    action_id=action_id, event=event_name)
            session.execute(sa.update(_EVENT.__table__).where(
                _EVENT.id == row.id).values(**changes))
            session.execute(sa.update(_ACTION.__table__).where(
                _ACTION.id == action_id).values(**action_changes))
        values = dict(row._mapping, **changes)
        values["deleted"] = bool(values["deleted"])
        return cls._record(context, values)


def finish_event(context, session, instance_uuid, event, result, trace,
                 details=None):
    """Finish an event as result (RESULT_SUCCESS or RESULT_ERROR, with
    the traceback and details as the error's message); in session when
    given."""
    exc_val, exc_tb = _failure(result, trace, details)
    InstanceActionEvent.event_finish(context, instance_uuid, event,
                                     exc_val=exc_val, exc_tb=exc_tb,
                                     session=session)


def _failure(result, trace, details):
    """(exc_val, exc_tb) of an event finished as result: (None, None)
    for RESULT_SUCCESS."""
    if result == RESULT_SUCCESS:
        return None, None
    return (exception.StratusException(details) if details else None,
            trace or "")


def record_event_in(context, session, instance_uuid, event, starting,
                    host, result, trace, details=None):
    """Start (starting) or finish an event in session, the transaction of
    an instance save, as event_start / finish_event do, in two statements
    each (the latest action of the request found inside them); an action
    or event that is not found is skipped: it does not fail the save
    (nothing was written)."""
    params = {"of_instance_uuid": instance_uuid,
              "of_request_id": context.request_id, "event_name": event,
              "now": utcnow()}
    if starting:
        # The touch finds the action (and locks its row); the event is
        # inserted under it: two statements.
        if session.execute(_TOUCH_LATEST, params).rowcount:
            session.execute(_START_UNDER_LATEST, dict(params, host=host))
        return
    changes, action_changes = _finish_changes(
        instance_uuid, *_failure(result, trace, details))
    params.update(("new_" + name, value) for name, value in changes.items())
    params.update(("action_" + name, value)
                  for name, value in action_changes.items())
    if session.execute(_finish_last(tuple(sorted(changes))),
                       params).rowcount:
        session.execute(_touch_latest(tuple(sorted(action_changes))),
                        params)


def record_finished_action(context, instance_uuid, action, event, host,
                           started, result, session=None):
    """The request's action with one event, both finished as result, in
    one transaction (one write instead of three on the boot path); in
    session when given (the transaction that creates the instance)."""
    now = utcnow()
    with _writer(context, session) as session:
        action_id = session.execute(_INSERT_ACTION, dict(
            action=action, instance_uuid=instance_uuid,
            request_id=context.request_id, user_id=context.user_id,
            project_id=context.project_id, start_time=started,
            message=None if result == RESULT_SUCCESS else RESULT_ERROR,
            created_at=started, updated_at=now)).inserted_primary_key[0]
        session.execute(_INSERT_EVENT, dict(
            event=event, action_id=action_id, start_time=started,
            finish_time=now, result=result, host=host, created_at=started,
            updated_at=now))


def withdraw_action(context, instance_uuid, request_id, action):
    """Delete the action that request recorded on the instance (its
    start undone: the message that was to do it was never sent)."""
    table = _ACTION.__table__
    with context.cell_db.writer() as session:
        session.execute(sa.delete(table).where(
            table.c.instance_uuid == instance_uuid,
            table.c.request_id == request_id,
            table.c.action == action))


@contextlib.contextmanager
def recorded_event(context, instance_uuid, event_name, host=None):
    """Record an event around a block: Error (re-raising) if it raises."""
    InstanceActionEvent.event_start(context, instance_uuid, event_name,
                                    host=host)
    try:
        yield
    except Exception as exc:
        InstanceActionEvent.event_finish(context, instance_uuid, event_name,
                                         exc_val=exc,
                                         exc_tb=traceback.format_exc())
        raise
    InstanceActionEvent.event_finish(context, instance_uuid, event_name)


@base.register
class InstanceActionEventList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("InstanceActionEvent")}

    @classmethod
    def get_by_action(cls, context, action_id):
        """Newest first, as Nova lists them."""
        with context.cell_db.reader() as session:
            rows = session.scalars(sa.select(_EVENT).where(
                _EVENT.action_id == action_id).order_by(
                _EVENT.created_at.desc(), _EVENT.id.desc())).all()
            return cls.from_objects(context, [
                InstanceActionEvent._from_row(InstanceActionEvent(), row,
                                              context) for row in rows])
