"""Volumes: rows, their attachments, and the compare-and-set steps of
their life (create under quota, delete, extend, status resets)."""
import sqlalchemy as sa

from stratus.db import volume_models as models
from stratus.volume import exception as vol_exception
from stratus.volume.store import common

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__
ATTACHMENTS = models.Attachment.__table__

# Cinder deletes a volume in these states (force: any but in-use ones).
DELETABLE = ("available", "error", "error_restoring", "error_extending",
             "error_managing")
# Filters a list takes as columns.
FILTERS = {"name": "name", "status": "status", "bootable": "bootable",
           "availability_zone": "availability_zone",
           "project_id": "project_id", "multiattach": "multiattach",
           "volume_type_id": "volume_type_id"}
SORT_KEYS = ("id", "name", "size", "status", "created_at", "updated_at",
             "availability_zone", "bootable")


class VolumeStore:
    def __init__(self, conf, databases, quotas):
        self.conf = conf
        self.db = databases.api
        self.quotas = quotas

    # Reads ------------------------------------------------------------

    def _attachments(self, session, volume_ids):
        found = {volume_id: [] for volume_id in volume_ids}
        if not volume_ids:
            return found
        for row in common.rows(session, sa.select(ATTACHMENTS).where(
                ATTACHMENTS.c.volume_id.in_(list(volume_ids))).order_by(
                ATTACHMENTS.c.created_at, ATTACHMENTS.c.id)):
            found[row["volume_id"]].append(row)
        return found

    def _with_attachments(self, session, volumes):
        attachments = self._attachments(session,
                                        [volume["id"] for volume in volumes])
        for volume in volumes:
            volume["attachments"] = attachments[volume["id"]]
        return volumes

    def row(self, session, volume_id, for_update=False):
        query = sa.select(VOLUMES).where(VOLUMES.c.id == volume_id)
        if for_update:
            query = query.with_for_update()
        return common.first(session, query)

    def get(self, ctx, volume_id):
        """The volume (with "attachments"), VolumeNotFound when the caller
        may not see it."""
        with self.db.reader() as session:
            volume = self.row(session, volume_id)
            if not common.can_see(ctx, volume):
                raise vol_exception.VolumeNotFound(volume_id=volume_id)
            return self._with_attachments(session, [volume])[0]

    def get_any(self, volume_id):
        """The volume for the service's own work, None when gone."""
        with self.db.reader() as session:
            volume = self.row(session, volume_id)
            if volume is not None:
                self._with_attachments(session, [volume])
            return volume

    def list(self, ctx, filters=None, all_projects=False, sort=(),
             limit=None, marker=None, metadata=None):
        query = common.visible(ctx, VOLUMES, sa.select(VOLUMES),
                               all_projects)
        for field, value in (filters or {}).items():
            query = query.where(VOLUMES.c[FILTERS[field]] == value)
        with self.db.reader() as session:
            marker_row = None
            if marker is not None:
                marker_row = self.row(session, marker)
                if not common.can_see(ctx, marker_row):
                    raise vol_exception.InvalidInput(
                        reason="Invalid marker: %s" % marker)
            if metadata:
                # Metadata filters apply in Python (a JSON column).
                volumes = [volume for volume in common.rows(
                    session, common.paginate(query, VOLUMES, sort, None,
                                             marker_row))
                           if all(volume["volume_metadata"].get(key) == value
                                  for key, value in metadata.items())]
                if limit is not None:
                    volumes = volumes[:limit]
            else:
                volumes = common.rows(session, common.paginate(
                    query, VOLUMES, sort, limit, marker_row))
            return self._with_attachments(session, volumes)

    def count_of_type(self, volume_type_id):
        with self.db.reader() as session:
            return session.execute(sa.select(sa.func.count()).where(
                VOLUMES.c.volume_type_id == volume_type_id)).scalar()

    def with_status(self, statuses):
        """Every volume in one of statuses (the service's recovery)."""
        with self.db.reader() as session:
            return common.rows(session, sa.select(VOLUMES).where(
                VOLUMES.c.status.in_(list(statuses))))

    # Writes -----------------------------------------------------------

    def create(self, ctx, values):
        """A new volume row (status creating) after the quota check, in
        one transaction."""
        values = dict(values, id=values.get("id") or common.new_id(),
                      project_id=ctx.project_id, user_id=ctx.user_id or "",
                      status="creating", attach_status="detached",
                      created_at=common.utcnow())
        with common.project_transaction(self.db, ctx.project_id) as session:
            self.quotas.enforce(session, ctx.project_id, volumes=1,
                                gigabytes=values["size"])
            session.execute(sa.insert(VOLUMES).values(**values))
            volume = self.row(session, values["id"])
        volume["attachments"] = []
        return volume

    def update(self, ctx, volume_id, values):
        with self.db.writer() as session:
            volume = self.row(session, volume_id, for_update=True)
            if not common.can_see(ctx, volume):
                raise vol_exception.VolumeNotFound(volume_id=volume_id)
            if values:
                session.execute(sa.update(VOLUMES).where(
                    VOLUMES.c.id == volume_id).values(
                    updated_at=common.utcnow(), **values))
            volume = self.row(session, volume_id)
            return self._with_attachments(session, [volume])[0]

    def set_status(self, volume_id, expected, values, extra=()):
        """Compare-and-set: whether the volume was in one of expected
        (None: any) and now has values."""
        with self.db.writer() as session:
            return common.compare_and_set(session, VOLUMES, volume_id,
                                          expected, values, extra)

    def begin_delete(self, ctx, volume_id, cascade=False, force=False):
        """The volume (and with cascade its snapshots) to deleting; 400
        unless it may go: attached, in a busy state, or with snapshots
        without cascade. Returns the volume and its snapshots."""
        with self.db.writer() as session:
            volume = self.row(session, volume_id, for_update=True)
            if not common.can_see(ctx, volume):
                raise vol_exception.VolumeNotFound(volume_id=volume_id)
            snapshots = common.rows(session, sa.select(SNAPSHOTS).where(
                SNAPSHOTS.c.volume_id == volume_id))
            if snapshots and not cascade:
                raise vol_exception.InvalidVolume(
                    reason="Volume %s has dependent snapshots." % volume_id)
            if any(snapshot["status"] not in ("available", "error")
                   for snapshot in snapshots):
                raise vol_exception.InvalidVolume(
                    reason="Snapshots of volume %s are busy." % volume_id)
            no_attachment = ~sa.exists().where(
                ATTACHMENTS.c.volume_id == VOLUMES.c.id)
            expected = None if force else DELETABLE
            if force and volume["status"] in ("in-use", "attaching",
                                              "reserved", "detaching"):
                expected = ()
            if not common.compare_and_set(
                    session, VOLUMES, volume_id, expected,
                    {"status": "deleting"}, [no_attachment,
                                             VOLUMES.c.migration_status.is_(
                                                 None)]):
                reason = ("Volume status must be available or error or "
                          "error_restoring or error_extending or "
                          "error_managing and must not be migrating, "
                          "attached, belong to a group, have snapshots, "
                          "awaiting a transfer, or be disassociated from "
                          "snapshots after volume transfer.")
                raise vol_exception.InvalidVolume(reason=reason)
            if snapshots:
                session.execute(sa.update(SNAPSHOTS).where(
                    SNAPSHOTS.c.volume_id == volume_id).values(
                    status="deleting", updated_at=common.utcnow()))
            return self.row(session, volume_id), snapshots

    def destroy(self, volume_id):
        """The rows of a deleted volume (and its snapshots) gone."""
        with self.db.writer() as session:
            session.execute(sa.delete(SNAPSHOTS).where(
                SNAPSHOTS.c.volume_id == volume_id))
            session.execute(sa.delete(ATTACHMENTS).where(
                ATTACHMENTS.c.volume_id == volume_id))
            session.execute(sa.delete(VOLUMES).where(
                VOLUMES.c.id == volume_id))

    def begin_extend(self, ctx, volume_id, new_size, in_use_allowed):
        """available (or in-use when allowed) -> extending, under quota
        for the added gigabytes."""
        volume = self.get(ctx, volume_id)
        if new_size <= volume["size"]:
            raise vol_exception.InvalidInput(reason=(
                "New size for extend must be greater than current size. "
                "(current: %s, extended: %s)." % (volume["size"], new_size)))
        allowed = ("available", "in-use") if in_use_allowed else (
            "available",)
        with common.project_transaction(self.db,
                                        volume["project_id"]) as session:
            self.quotas.enforce(session, volume["project_id"],
                                gigabytes=new_size - volume["size"])
            if not common.compare_and_set(
                    session, VOLUMES, volume_id, allowed,
                    {"status": "extending", "new_size": new_size,
                     "size": new_size}):
                raise vol_exception.InvalidVolume(reason=(
                    "Volume status must be '%s' to extend, currently %s."
                    % ("available' or 'in-use" if in_use_allowed
                       else "available", volume["status"])))
        return dict(volume, status="extending", new_size=new_size)
