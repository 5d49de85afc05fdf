"""Tables of the built-in block storage service (the Cinder v3 API), in
the API database: volumes, volume types, snapshots, attachments and
block storage quotas.

A volume's status changes are compare-and-set updates on its row (see
stratus/volume/store/): two racing requests never both win. Quotas are
counted from the rows themselves, under the lock of the project's row in
``volume_project_locks``, in the transaction that adds the new row.
"""
import sqlalchemy as sa

from stratus.db.api_models import Base
from stratus.db.api_models import Timestamps
from stratus.db.types import JsonText
from stratus.db.types import UTCDateTime


class Volume(Timestamps, Base):
    __tablename__ = "volume_volumes"
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False, index=True)
    user_id = sa.Column(sa.String(255), nullable=False, default="")
    name = sa.Column(sa.String(255))
    description = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(32), nullable=False, default="creating")
    attach_status = sa.Column(sa.String(32), nullable=False,
                              default="detached")
    availability_zone = sa.Column(sa.String(255), nullable=False)
    volume_type_id = sa.Column(sa.String(36), nullable=False)
    bootable = sa.Column(sa.Boolean, nullable=False, default=False)
    multiattach = sa.Column(sa.Boolean, nullable=False, default=False)
    readonly = sa.Column(sa.Boolean, nullable=False, default=False)
    snapshot_id = sa.Column(sa.String(36))
    source_volid = sa.Column(sa.String(36))
    image_id = sa.Column(sa.String(36))
    volume_image_metadata = sa.Column(JsonText, nullable=False, default=dict)
    volume_metadata = sa.Column(JsonText, nullable=False, default=dict)
    migration_status = sa.Column(sa.String(32))
    # The volume's file under [cinder] volumes_dir, and its format.
    file_path = sa.Column(sa.String(1024))
    file_format = sa.Column(sa.String(16), nullable=False, default="raw")
    # The size an extend (os-extend) goes to while status is extending.
    new_size = sa.Column(sa.Integer)
    launched_at = sa.Column(UTCDateTime)


class VolumeType(Timestamps, Base):
    __tablename__ = "volume_types"
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    description = sa.Column(sa.String(255))
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    extra_specs = sa.Column(JsonText, nullable=False, default=dict)


class Snapshot(Timestamps, Base):
    __tablename__ = "volume_snapshots"
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False, index=True)
    user_id = sa.Column(sa.String(255), nullable=False, default="")
    volume_id = sa.Column(sa.String(36), nullable=False, index=True)
    name = sa.Column(sa.String(255))
    description = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(32), nullable=False, default="creating")
    progress = sa.Column(sa.String(16), nullable=False, default="0%")
    snapshot_metadata = sa.Column(JsonText, nullable=False, default=dict)
    file_path = sa.Column(sa.String(1024))


class Attachment(Timestamps, Base):
    __tablename__ = "volume_attachments"
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), nullable=False, index=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    instance_uuid = sa.Column(sa.String(36), index=True)
    attached_host = sa.Column(sa.String(255))
    mountpoint = sa.Column(sa.String(255))
    attach_mode = sa.Column(sa.String(8), nullable=False, default="rw")
    attach_status = sa.Column(sa.String(32), nullable=False,
                              default="reserved")
    connector = sa.Column(JsonText)
    attach_time = sa.Column(UTCDateTime)
    detach_time = sa.Column(UTCDateTime)


class VolumeQuota(Timestamps, Base):
    __tablename__ = "volume_quotas"
    project_id = sa.Column(sa.String(255), primary_key=True)
    resource = sa.Column(sa.String(255), primary_key=True)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class ProjectLock(Base):
    """A row per project, locked (SELECT ... FOR UPDATE) by every write
    that uses quota, so that counting and adding are one step."""
    __tablename__ = "volume_project_locks"
    project_id = sa.Column(sa.String(255), primary_key=True)
