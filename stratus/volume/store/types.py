"""Volume types and their extra specs."""
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import volume_models as models
from stratus.volume import exception as vol_exception
from stratus.volume.store import common

TYPES = models.VolumeType.__table__
VOLUMES = models.Volume.__table__

MULTIATTACH_SPEC = "<is> True"


class TypeStore:
    def __init__(self, databases):
        self.db = databases.api

    def get(self, type_id):
        with self.db.reader() as session:
            found = common.first(session, sa.select(TYPES).where(
                TYPES.c.id == type_id))
        if found is None:
            raise vol_exception.VolumeTypeNotFound(volume_type_id=type_id)
        return found

    def find(self, name_or_id):
        """A type by id or name (volume create's volume_type)."""
        with self.db.reader() as session:
            found = common.first(session, sa.select(TYPES).where(sa.or_(
                TYPES.c.id == name_or_id, TYPES.c.name == name_or_id)))
        if found is None:
            raise vol_exception.VolumeTypeNotFound(volume_type_id=name_or_id)
        return found

    def list(self, is_public=None):
        query = sa.select(TYPES).order_by(TYPES.c.name)
        if is_public is not None:
            query = query.where(TYPES.c.is_public == is_public)
        with self.db.reader() as session:
            return common.rows(session, query)

    def create(self, name, description=None, is_public=True,
               extra_specs=None, type_id=None):
        values = {"id": type_id or common.new_id(), "name": name,
                  "description": description, "is_public": is_public,
                  "extra_specs": extra_specs or {},
                  "created_at": common.utcnow()}
        try:
            with self.db.writer() as session:
                session.execute(sa.insert(TYPES).values(**values))
        except sa_exc.IntegrityError:
            raise vol_exception.VolumeTypeExists(id=name) from None
        return self.get(values["id"])

    def ensure(self, name, extra_specs=None, description=None):
        """The type named name, made when missing (bootstrap)."""
        try:
            return self.find(name)
        except vol_exception.VolumeTypeNotFound:
            pass
        try:
            return self.create(name, description, True, extra_specs)
        except vol_exception.VolumeTypeExists:
            return self.find(name)

    def update(self, type_id, values):
        self.get(type_id)
        try:
            with self.db.writer() as session:
                session.execute(sa.update(TYPES).where(
                    TYPES.c.id == type_id).values(
                    updated_at=common.utcnow(), **values))
        except sa_exc.IntegrityError:
            raise vol_exception.VolumeTypeExists(id=values.get("name")) \
                from None
        return self.get(type_id)

    def delete(self, type_id):
        with self.db.writer() as session:
            used = session.execute(sa.select(sa.func.count()).where(
                VOLUMES.c.volume_type_id == type_id)).scalar()
            if used:
                raise vol_exception.VolumeTypeInUse(volume_type_id=type_id)
            if not session.execute(sa.delete(TYPES).where(
                    TYPES.c.id == type_id)).rowcount:
                raise vol_exception.VolumeTypeNotFound(
                    volume_type_id=type_id)

    def set_extra_specs(self, type_id, specs, replace=False):
        with self.db.writer() as session:
            found = common.first(session, sa.select(TYPES).where(
                TYPES.c.id == type_id).with_for_update())
            if found is None:
                raise vol_exception.VolumeTypeNotFound(volume_type_id=type_id)
            merged = dict(specs) if replace else dict(found["extra_specs"],
                                                      **specs)
            session.execute(sa.update(TYPES).where(
                TYPES.c.id == type_id).values(extra_specs=merged,
                                              updated_at=common.utcnow()))
            return merged

    def delete_extra_spec(self, type_id, key):
        with self.db.writer() as session:
            found = common.first(session, sa.select(TYPES).where(
                TYPES.c.id == type_id).with_for_update())
            if found is None:
                raise vol_exception.VolumeTypeNotFound(volume_type_id=type_id)
            specs = dict(found["extra_specs"])
            if key not in specs:
                raise vol_exception.VolumeTypeExtraSpecsNotFound(
                    volume_type_id=type_id, extra_specs_key=key)
            del specs[key]
            session.execute(sa.update(TYPES).where(
                TYPES.c.id == type_id).values(extra_specs=specs))


def is_multiattach(volume_type):
    return (volume_type["extra_specs"].get("multiattach", "").lower()
            == MULTIATTACH_SPEC.lower())
