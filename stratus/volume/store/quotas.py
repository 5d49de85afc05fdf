"""Block storage quotas: per project and resource, a limit set through
os-quota-sets or [cinder] quota_<resource>; usage counted from the rows
(volumes, snapshots, and their gigabytes). -1 is unlimited."""
import sqlalchemy as sa

from stratus.conf import cinder as cinder_conf
from stratus.db import volume_models as models
from stratus.volume import exception as vol_exception

RESOURCES = tuple(cinder_conf.QUOTA_DEFAULTS)
VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__
QUOTAS = models.VolumeQuota.__table__


class QuotaStore:
    def __init__(self, conf, databases):
        self.conf = conf
        self.db = databases.api

    def defaults(self):
        return {resource: getattr(self.conf.cinder, "quota_" + resource)
                for resource in RESOURCES}

    def limits(self, project_id, session=None):
        limits = self.defaults()
        if session is None:
            with self.db.reader() as session:
                return self.limits(project_id, session)
        for resource, limit in session.execute(
                sa.select(QUOTAS.c.resource, QUOTAS.c.hard_limit).where(
                    QUOTAS.c.project_id == project_id)):
            if resource in limits:
                limits[resource] = limit
        return limits

    def usage(self, project_id, session=None):
        if session is None:
            with self.db.reader() as session:
                return self.usage(project_id, session)
        volumes, volume_gb = session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(
                sa.func.sum(VOLUMES.c.size), 0)).where(
                VOLUMES.c.project_id == project_id)).one()
        snapshots, snapshot_gb = session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(
                sa.func.sum(SNAPSHOTS.c.size), 0)).where(
                SNAPSHOTS.c.project_id == project_id)).one()
        usage = dict.fromkeys(RESOURCES, 0)
        usage.update(volumes=int(volumes), snapshots=int(snapshots),
                     gigabytes=int(volume_gb) + int(snapshot_gb))
        return usage

    def enforce(self, session, project_id, volumes=0, snapshots=0,
                gigabytes=0):
        """Raise Cinder's 413 when adding this much passes a limit; call
        inside common.project_transaction, before adding the rows."""
        limits = self.limits(project_id, session)
        per_volume = limits["per_volume_gigabytes"]
        if volumes and 0 <= per_volume < gigabytes:
            raise vol_exception.VolumeSizeExceedsLimit(size=gigabytes,
                                                       limit=per_volume)
        used = self.usage(project_id, session)
        if volumes and 0 <= limits["volumes"] < used["volumes"] + volumes:
            raise vol_exception.VolumeLimitExceeded(
                allowed=limits["volumes"], name="volumes")
        if snapshots and 0 <= limits["snapshots"] < (used["snapshots"]
                                                     + snapshots):
            raise vol_exception.SnapshotLimitExceeded(
                allowed=limits["snapshots"])
        if gigabytes and 0 <= limits["gigabytes"] < (used["gigabytes"]
                                                     + gigabytes):
            raise vol_exception.VolumeSizeExceedsAvailableQuota(
                name="gigabytes", requested=gigabytes,
                quota=limits["gigabytes"], consumed=used["gigabytes"])

    def set_limits(self, project_id, limits):
        with self.db.writer() as session:
            for resource, limit in limits.items():
                updated = session.execute(sa.update(QUOTAS).where(
                    QUOTAS.c.project_id == project_id,
                    QUOTAS.c.resource == resource).values(
                    hard_limit=limit)).rowcount
                if not updated:
                    session.execute(sa.insert(QUOTAS).values(
                        project_id=project_id, resource=resource,
                        hard_limit=limit))

    def reset(self, project_id):
        with self.db.writer() as session:
            session.execute(sa.delete(QUOTAS).where(
                QUOTAS.c.project_id == project_id))
