"""Attachments (Cinder 3.27+): reserve, connect (update with a
connector), complete, delete; each one transaction holding the volume's
row, its status changed by compare-and-set."""
import sqlalchemy as sa

from stratus.db import volume_models as models
from stratus.volume import exception as vol_exception
from stratus.volume.store import common

VOLUMES = models.Volume.__table__
ATTACHMENTS = models.Attachment.__table__

FILTERS = {"instance_id": "instance_uuid", "volume_id": "volume_id",
           "status": "attach_status", "attach_status": "attach_status",
           "project_id": "project_id"}


def _volume_status_after(remaining):
    """The volume's (status, attach_status) for its attachments left."""
    states = {attachment["attach_status"] for attachment in remaining}
    if "attached" in states:
        return "in-use", "attached"
    if "attaching" in states:
        return "attaching", "attaching"
    if states:
        return "reserved", "reserved"
    return "available", "detached"


class AttachmentStore:
    def __init__(self, databases):
        self.db = databases.api

    def _row(self, session, attachment_id):
        return common.first(session, sa.select(ATTACHMENTS).where(
            ATTACHMENTS.c.id == attachment_id))

    def get(self, ctx, attachment_id):
        with self.db.reader() as session:
            attachment = self._row(session, attachment_id)
            if not common.can_see(ctx, attachment):
                raise vol_exception.AttachmentNotFound(
                    attachment_id=attachment_id)
            return attachment

    def list(self, ctx, filters=None, all_projects=False, sort=(),
             limit=None, marker=None):
        query = common.visible(ctx, ATTACHMENTS, sa.select(ATTACHMENTS),
                               all_projects)
        for field, value in (filters or {}).items():
            query = query.where(ATTACHMENTS.c[FILTERS[field]] == value)
        return common.list_page(self.db, ctx, ATTACHMENTS, query, sort, limit,
                                marker)

    def _set_volume(self, session, volume_id):
        remaining = common.rows(session, sa.select(ATTACHMENTS).where(
            ATTACHMENTS.c.volume_id == volume_id))
        status, attach_status = _volume_status_after(remaining)
        session.execute(sa.update(VOLUMES).where(
            VOLUMES.c.id == volume_id).values(
            status=status, attach_status=attach_status,
            updated_at=common.utcnow()))
        return remaining

    def create(self, ctx, volume_id, instance_uuid, mode="rw"):
        """Reserve the volume for the instance: available -> reserved
        (a multiattach volume may be reserved while attached); 400 for a
        volume in another state."""
        with self.db.writer() as session:
            volume = common.first(session, sa.select(VOLUMES).where(
                VOLUMES.c.id == volume_id).with_for_update())
            if not common.can_see(ctx, volume):
                raise vol_exception.VolumeNotFound(volume_id=volume_id)
            if volume["multiattach"]:
                allowed = ("available", "reserved", "attaching", "in-use")
            else:
                allowed = ("available",)
            status = volume["status"]
            if status not in allowed and status in (
                    "reserved", "attaching", "in-use") and _same_instance(
                    session, volume_id, instance_uuid):
                # As Cinder (LP 1694530): the instance the volume is
                # attached to may take a second attachment (a move).
                allowed = (status,)
            if status not in allowed:
                if status in ("reserved", "attaching", "in-use"):
                    reason = ("volume %s already attached and not "
                              "multiattach capable" % volume_id)
                else:
                    reason = ("Volume status must be available or downloading "
                              "to reserve, but the current status is %s."
                              % status)
                raise vol_exception.InvalidVolume(reason=reason)
            new_status = "reserved" if status == "available" else status
            # Compare-and-set, so that a racing request that read the
            # same status loses even where the row lock is not taken.
            if not common.compare_and_set(
                    session, VOLUMES, volume_id, (status,),
                    {"status": new_status,
                     "attach_status": ("reserved" if status == "available"
                                       else volume["attach_status"])}):
                raise vol_exception.InvalidVolume(reason=(
                    "volume %s is being attached by another request"
                    % volume_id))
            attachment = {
                "id": common.new_id(), "volume_id": volume_id,
                "project_id": volume["project_id"],
                "instance_uuid": instance_uuid, "attach_mode": mode,
                "attach_status": "reserved", "created_at": common.utcnow()}
            session.execute(sa.insert(ATTACHMENTS).values(**attachment))
            return self._row(session, attachment["id"])

    def _locked(self, ctx, session, attachment_id):
        attachment = self._row(session, attachment_id)
        if not common.can_see(ctx, attachment):
            raise vol_exception.AttachmentNotFound(
                attachment_id=attachment_id)
        volume = common.first(session, sa.select(VOLUMES).where(
            VOLUMES.c.id == attachment["volume_id"]).with_for_update())
        return attachment, volume

    def connect(self, ctx, attachment_id, connector):
        """The connector recorded: the attachment is attaching. Returns
        (attachment, volume)."""
        with self.db.writer() as session:
            attachment, volume = self._locked(ctx, session, attachment_id)
            if attachment["attach_status"] == "attached":
                raise vol_exception.InvalidAttachment(reason=(
                    "Attachment %s is already attached; delete it and "
                    "make a new one to change its connector."
                    % attachment_id))
            session.execute(sa.update(ATTACHMENTS).where(
                ATTACHMENTS.c.id == attachment_id).values(
                connector=connector, attach_status="attaching",
                attached_host=connector.get("host"),
                mountpoint=connector.get("mountpoint"),
                updated_at=common.utcnow()))
            self._set_volume(session, volume["id"])
            return (self._row(session, attachment_id),
                    common.first(session, sa.select(VOLUMES).where(
                        VOLUMES.c.id == volume["id"])))

    def complete(self, ctx, attachment_id):
        """os-complete: the attachment attached, the volume in-use."""
        with self.db.writer() as session:
            attachment, volume = self._locked(ctx, session, attachment_id)
            if attachment["connector"] is None:
                raise vol_exception.InvalidAttachment(reason=(
                    "Attachment %s has no connector: update it with one "
                    "before completing it." % attachment_id))
            session.execute(sa.update(ATTACHMENTS).where(
                ATTACHMENTS.c.id == attachment_id).values(
                attach_status="attached", attach_time=common.utcnow(),
                updated_at=common.utcnow()))
            self._set_volume(session, volume["id"])

    def delete(self, ctx, attachment_id):
        """The attachment gone; the volume available when none is left.
        Returns the volume's attachments left."""
        with self.db.writer() as session:
            attachment, volume = self._locked(ctx, session, attachment_id)
            session.execute(sa.delete(ATTACHMENTS).where(
                ATTACHMENTS.c.id == attachment_id))
            if volume is None:
                return []
            return self._set_volume(session, volume["id"])


def _same_instance(session, volume_id, instance_uuid):
    """Whether the volume has a live attachment of instance_uuid."""
    if not instance_uuid:
        return False
    return common.first(session, sa.select(ATTACHMENTS.c.id).where(
        ATTACHMENTS.c.volume_id == volume_id,
        ATTACHMENTS.c.instance_uuid == instance_uuid,
        ATTACHMENTS.c.attach_status != "detached")) is not None
