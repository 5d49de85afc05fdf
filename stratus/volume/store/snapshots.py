"""Snapshots: made under quota from a volume in a state that allows it,
deleted by compare-and-set on their status."""
import sqlalchemy as sa

from stratus.db import volume_models as models
from stratus.volume import exception as vol_exception
from stratus.volume.store import common

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__

FILTERS = {"name": "name", "status": "status", "volume_id": "volume_id",
           "project_id": "project_id"}
DELETABLE = ("available", "error", "error_deleting")


class SnapshotStore:
    def __init__(self, databases, quotas):
        self.db = databases.api
        self.quotas = quotas

    def _row(self, session, snapshot_id):
        return common.first(session, sa.select(SNAPSHOTS).where(
            SNAPSHOTS.c.id == snapshot_id))

    def get(self, ctx, snapshot_id):
        with self.db.reader() as session:
            snapshot = self._row(session, snapshot_id)
        if not common.can_see(ctx, snapshot):
            raise vol_exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return snapshot

    def get_any(self, snapshot_id):
        with self.db.reader() as session:
            return self._row(session, snapshot_id)

    def list(self, ctx, filters=None, all_projects=False, sort=(),
             limit=None, marker=None):
        query = common.visible(ctx, SNAPSHOTS, sa.select(SNAPSHOTS),
                               all_projects)
        for field, value in (filters or {}).items():
            query = query.where(SNAPSHOTS.c[FILTERS[field]] == value)
        return common.list_page(self.db, ctx, SNAPSHOTS, query, sort, limit,
                                marker)

    def with_status(self, statuses):
        with self.db.reader() as session:
            return common.rows(session, sa.select(SNAPSHOTS).where(
                SNAPSHOTS.c.status.in_(list(statuses))))

    def create(self, ctx, volume_id, values, force=False):
        """A snapshot (creating) of an available volume (in-use with
        force), under quota, in one transaction."""
        with self.db.reader() as session:
            volume = common.first(session, sa.select(VOLUMES).where(
                VOLUMES.c.id == volume_id))
        if not common.can_see(ctx, volume):
            raise vol_exception.VolumeNotFound(volume_id=volume_id)
        allowed = ("available", "in-use") if force else ("available",)
        values = dict(values, id=common.new_id(), volume_id=volume_id,
                      project_id=volume["project_id"],
                      user_id=ctx.user_id or "", size=volume["size"],
                      status="creating", progress="0%",
                      created_at=common.utcnow())
        with common.project_transaction(self.db,
                                        volume["project_id"]) as session:
            current = common.first(session, sa.select(VOLUMES).where(
                VOLUMES.c.id == volume_id).with_for_update())
            if current is None or current["status"] not in allowed:
                raise vol_exception.InvalidVolume(reason=(
                    "Volume %s status must be available%s, but current "
                    "status is: %s." % (volume_id,
                                        " or in-use" if force else "",
                                        current and current["status"])))
            self.quotas.enforce(session, volume["project_id"], snapshots=1,
                                gigabytes=volume["size"])
            session.execute(sa.insert(SNAPSHOTS).values(**values))
            return self._row(session, values["id"])

    def update(self, ctx, snapshot_id, values):
        self.get(ctx, snapshot_id)
        with self.db.writer() as session:
            session.execute(sa.update(SNAPSHOTS).where(
                SNAPSHOTS.c.id == snapshot_id).values(
                updated_at=common.utcnow(), **values))
            return self._row(session, snapshot_id)

    def set_status(self, snapshot_id, expected, values):
        with self.db.writer() as session:
            return common.compare_and_set(session, SNAPSHOTS, snapshot_id,
                                          expected, values)

    def begin_delete(self, ctx, snapshot_id):
        snapshot = self.get(ctx, snapshot_id)
        if not self.set_status(snapshot_id, DELETABLE,
                               {"status": "deleting"}):
            raise vol_exception.InvalidSnapshot(reason=(
                "Snapshot status must be available or error or "
                "error_deleting, but current status is: %s."
                % snapshot["status"]))
        return dict(snapshot, status="deleting")

    def destroy(self, snapshot_id):
        with self.db.writer() as session:
            session.execute(sa.delete(SNAPSHOTS).where(
                SNAPSHOTS.c.id == snapshot_id))

    def count_of_volume(self, volume_id):
        with self.db.reader() as session:
            return session.execute(sa.select(sa.func.count()).where(
                SNAPSHOTS.c.volume_id == volume_id)).scalar()
