"""Tag: a string a user pins on a server (microversion 2.26).

Lives in the server's cell database. Nova's rules: at most MAX_TAG_COUNT
tags per server, each 1 to 60 characters without ',' or '/'. The API
validates the characters; the count is checked in the same transaction
as the write, so concurrent additions cannot exceed it.
"""
import sqlalchemy as sa

from stratus.db import cell_models
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

MAX_TAG_COUNT = 50
MAX_TAG_LENGTH = 60

_TAG = cell_models.Tag
_INSTANCE = cell_models.Instance


def _lock_instance(session, resource_id):
    """Serialize tag writes per server (the count check needs it on
    PostgreSQL and MariaDB); InstanceNotFound for an unknown server."""
    found = session.scalar(sa.select(_INSTANCE.id).where(
        _INSTANCE.uuid == resource_id, _INSTANCE.deleted == 0
    ).with_for_update())
    if found is None:
        raise exception.InstanceNotFound(instance_id=resource_id)


def _tags_of(session, resource_id):
    return list(session.scalars(sa.select(_TAG.tag).where(
        _TAG.resource_id == resource_id).order_by(_TAG.tag)))


@base.register
class Tag(base.StratusObject):
    VERSION = "1.0"
    fields = {
        "resource_id": fields.StringField(),
        "tag": fields.StringField(),
    }

    def create(self, context=None):
        """Add the tag; whether it was new. TooManyTags past the limit."""
        context = context or self._context
        with context.cell_db.writer() as session:
            _lock_instance(session, self.resource_id)
            tags = _tags_of(session, self.resource_id)
            if self.tag in tags:
                return False
            if len(tags) >= MAX_TAG_COUNT:
                raise exception.TooManyTags(limit=MAX_TAG_COUNT)
            session.execute(sa.insert(_TAG).values(
                resource_id=self.resource_id, tag=self.tag))
        self._context = context
        self.obj_reset_changes()
        return True

    @staticmethod
    def destroy(context, resource_id, tag):
        with context.cell_db.writer() as session:
            if not session.execute(sa.delete(_TAG).where(
                    _TAG.resource_id == resource_id,
                    _TAG.tag == tag)).rowcount:
                raise exception.InstanceTagNotFound(instance_id=resource_id,
                                                    tag=tag)

    @staticmethod
    def exists(context, resource_id, tag):
        with context.cell_db.reader() as session:
            return session.scalar(sa.select(sa.func.count()).where(
                _TAG.resource_id == resource_id, _TAG.tag == tag)) > 0


@base.register
class TagList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("Tag")}

    @classmethod
    def _of(cls, context, resource_id, tags):
        return cls.from_objects(context, [
            Tag(resource_id=resource_id, tag=tag) for tag in tags])

    @classmethod
    def get_by_resource_id(cls, context, resource_id):
        with context.cell_db.reader() as session:
            return cls._of(context, resource_id,
                           _tags_of(session, resource_id))

    @classmethod
    def create(cls, context, resource_id, tags):
        """Replace every tag of the resource with tags."""
        tags = sorted(set(tags))
        if len(tags) > MAX_TAG_COUNT:
            raise exception.TooManyTags(limit=MAX_TAG_COUNT)
        with context.cell_db.writer() as session:
            _lock_instance(session, resource_id)
            session.execute(sa.delete(_TAG).where(
                _TAG.resource_id == resource_id))
            if tags:
                session.execute(sa.insert(_TAG), [
                    {"resource_id": resource_id, "tag": tag} for tag in tags])
        return cls._of(context, resource_id, tags)

    @classmethod
    def destroy(cls, context, resource_id):
        with context.cell_db.writer() as session:
            session.execute(sa.delete(_TAG).where(
                _TAG.resource_id == resource_id))
