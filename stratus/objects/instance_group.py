"""InstanceGroup: a server group (os-server-groups) and its members, in the
API DB.

A member row also records the host the scheduler placed the member on:
it is written in the transaction of the member's placement claim, under
the group's lock (see stratus/scheduler/group_claims.py and
docs/decisions/0006-server-group-claims.md), so the hosts of a group's
members are always exactly what its hard policy was checked against.
"""
import json

import sqlalchemy as sa

from stratus.db import api_models
from stratus.db.types import utcnow
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

AFFINITY = "affinity"
ANTI_AFFINITY = "anti-affinity"
SOFT_AFFINITY = "soft-affinity"
SOFT_ANTI_AFFINITY = "soft-anti-affinity"
HARD_POLICIES = (AFFINITY, ANTI_AFFINITY)
MAX_SERVER_PER_HOST = "max_server_per_host"

_GROUPS = api_models.InstanceGroup.__table__
_MEMBERS = api_models.InstanceGroupMember.__table__
_MAPPINGS = api_models.InstanceMapping.__table__


@base.register
class InstanceGroup(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "policy": fields.StringField(nullable=True),
        "rules": fields.DictOfIntegersField(default={}),
        # Servers in the group, and the hosts those placed are on (one
        # entry per member: a host holding two members appears twice).
        "members": fields.ListOfStringsField(default=[]),
        "hosts": fields.ListOfStringsField(default=[]),
    })

    @property
    def is_hard(self):
        return self.policy in HARD_POLICIES

    @property
    def max_server_per_host(self):
        return self.rules.get(MAX_SERVER_PER_HOST, 1)

    def admits(self, host):
        """Whether one more member may go to host, given the hosts of the
        members placed so far (soft policies admit any host)."""
        hosts = self.get("hosts") or []
        if self.policy == AFFINITY:
            return not hosts or host in hosts
        if self.policy == ANTI_AFFINITY:
            return hosts.count(host) < self.max_server_per_host
        return True

    @classmethod
    def get_by_uuid(cls, context, group_uuid, project_id=None):
        """The group; with project_id, only if it belongs to that project
        (exception.InstanceGroupNotFound otherwise)."""
        with context.api_db.reader() as session:
            query = sa.select(_GROUPS).where(_GROUPS.c.uuid == group_uuid)
            if project_id is not None:
                query = query.where(_GROUPS.c.project_id == project_id)
            row = session.execute(query).first()
            if row is None:
                raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
            return _load(context, session, [row])[0]

    def create(self):
        now = utcnow()
        with self._context.api_db.writer() as session:
            self.id = session.execute(_GROUPS.insert().values(
                uuid=self.uuid, name=self.name, user_id=self.user_id,
                project_id=self.project_id, policy=self.policy,
                rules=json.dumps(dict(self.get("rules") or {})),
                generation=0, created_at=now)).inserted_primary_key[0]
        self.created_at = now
        self.updated_at = None
        self.rules = dict(self.get("rules") or {})
        self.members = []
        self.hosts = []
        self.obj_reset_changes()

    def destroy(self):
        with self._context.api_db.writer() as session:
            session.execute(_MEMBERS.delete().where(
                _MEMBERS.c.group_id == self.id))
            if not session.execute(_GROUPS.delete().where(
                    _GROUPS.c.id == self.id)).rowcount:
                raise exception.InstanceGroupNotFound(group_uuid=self.uuid)

    @staticmethod
    def add_members(session, group_id, instance_uuids):
        """Make the servers members (no host yet), in the caller's
        transaction (the one that accepts the servers)."""
        now = utcnow()
        session.execute(_MEMBERS.insert(), [
            dict(group_id=group_id, instance_uuid=instance_uuid,
                 created_at=now) for instance_uuid in instance_uuids])

    def load_hosts(self, context, exclude=()):
        """self.hosts: the hosts of its members placed so far, leaving
        out the servers in exclude (member_hosts)."""
        with context.api_db.reader() as session:
            self.hosts = member_hosts(session, self.id, exclude=exclude)

    @staticmethod
    def count_members_by_user(context, group_id, user_id):
        """The group's members created by that user (the
        ``server_group_members`` quota counts per group and user)."""
        with context.api_db.reader() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(
                _MEMBERS).join(_MAPPINGS, _MAPPINGS.c.instance_uuid
                               == _MEMBERS.c.instance_uuid).where(
                _MEMBERS.c.group_id == group_id,
                _MAPPINGS.c.user_id == user_id,
                _MAPPINGS.c.queued_for_delete.is_(False)))


def member_hosts(session, group_id, exclude=()):
    """Hosts of the group's members placed so far, one entry per member
    (a host with two members appears twice), leaving out the servers in
    exclude."""
    query = sa.select(_MEMBERS.c.host).where(
        _MEMBERS.c.group_id == group_id, _MEMBERS.c.host.is_not(None))
    if exclude:
        query = query.where(_MEMBERS.c.instance_uuid.not_in(list(exclude)))
    return list(session.scalars(query))


def lock(session, group):
    """Lock the group in session's transaction: bump its generation (a
    row lock held to commit on PostgreSQL and MariaDB, the database
    write lock on SQLite). exception.InstanceGroupNotFound when it is gone."""
    locked = session.execute(_GROUPS.update().where(
        _GROUPS.c.id == group.id).values(
        generation=_GROUPS.c.generation + 1)).rowcount
    if not locked:
        raise exception.InstanceGroupNotFound(group_uuid=group.uuid)


def record_member_host(session, group_id, instance_uuid, host):
    """The member is on host, in session's transaction (its claim's);
    nothing when it is not a member (any more)."""
    _set_host(session, host, _MEMBERS.c.group_id == group_id,
              _MEMBERS.c.instance_uuid == instance_uuid)


def forget_host(context, instance_uuids):
    """The servers' claims were dropped: they are on no host any more."""
    record_host(context, instance_uuids, None)


def record_host(context, instance_uuids, host):
    """The servers are on host now (a move rolled back or reverted puts
    a member back on its source)."""
    with context.api_db.writer() as session:
        _set_host(session, host,
                  _MEMBERS.c.instance_uuid.in_(list(instance_uuids)))


def _set_host(session, host, *members):
    session.execute(_MEMBERS.update().where(*members).values(
        host=host, updated_at=utcnow()))


def remove_member(context, instance_uuid):
    """The deleted server leaves every group it was in."""
    with context.api_db.writer() as session:
        session.execute(_MEMBERS.delete().where(
            _MEMBERS.c.instance_uuid == instance_uuid))


@base.register
class InstanceGroupList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("InstanceGroup")}

    @classmethod
    def get_all(cls, context, project_id=None, limit=None, offset=0):
        """Groups (of one project, when given), oldest first."""
        query = sa.select(_GROUPS).order_by(_GROUPS.c.id)
        if project_id is not None:
            query = query.where(_GROUPS.c.project_id == project_id)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with context.api_db.reader() as session:
            rows = session.execute(query).all()
            return cls.from_objects(context, _load(context, session, rows))


def _load(context, session, rows):
    """Groups of these rows with their members: those whose server still
    exists (a mapping not queued for delete), as Nova shows them."""
    if not rows:
        return []
    members = session.execute(sa.select(
        _MEMBERS.c.group_id, _MEMBERS.c.instance_uuid, _MEMBERS.c.host)
        .join(_MAPPINGS, _MAPPINGS.c.instance_uuid
              == _MEMBERS.c.instance_uuid).where(
        _MEMBERS.c.group_id.in_([row.id for row in rows]),
        _MAPPINGS.c.queued_for_delete.is_(False))
        .order_by(_MEMBERS.c.id)).all()
    groups = {}
    for row in rows:
        group = InstanceGroup._from_row(InstanceGroup(), row, context,
                                        skip=("rules", "members", "hosts"))
        group.rules = json.loads(row.rules) if row.rules else {}
        group.members = []
        group.hosts = []
        groups[row.id] = group
    for group_id, instance_uuid, host in members:
        groups[group_id].members.append(instance_uuid)
        if host:
            groups[group_id].hosts.append(host)
    for group in groups.values():
        group.obj_reset_changes()
    return list(groups.values())
