"""volume service

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types  # noqa: F401  (column types in revisions)

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_table('volume_attachments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('volume_id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('instance_uuid', sa.String(length=36), nullable=True),
    sa.Column('attached_host', sa.String(length=255), nullable=True),
    sa.Column('mountpoint', sa.String(length=255), nullable=True),
    sa.Column('attach_mode', sa.String(length=8), nullable=False),
    sa.Column('attach_status', sa.String(length=32), nullable=False),
    sa.Column('connector', stratus.db.types._JsonText(), nullable=True),
    sa.Column('attach_time', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('detach_time', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('volume_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_attachments_instance_uuid'), ['instance_uuid'], unique=False)
        batch_op.create_index(batch_op.f('ix_volume_attachments_volume_id'), ['volume_id'], unique=False)

    op.create_table('volume_project_locks',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('volume_quotas',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('resource', sa.String(length=255), nullable=False),
    sa.Column('hard_limit', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('project_id', 'resource')
    )
    op.create_table('volume_snapshots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('volume_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('description', sa.String(length=255), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('progress', sa.String(length=16), nullable=False),
    sa.Column('snapshot_metadata', stratus.db.types._JsonText(), nullable=False),
    sa.Column('file_path', sa.String(length=1024), nullable=True),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('volume_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_snapshots_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volume_snapshots_volume_id'), ['volume_id'], unique=False)

    op.create_table('volume_types',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('extra_specs', stratus.db.types._JsonText(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('volume_volumes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('description', sa.String(length=255), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attach_status', sa.String(length=32), nullable=False),
    sa.Column('availability_zone', sa.String(length=255), nullable=False),
    sa.Column('volume_type_id', sa.String(length=36), nullable=False),
    sa.Column('bootable', sa.Boolean(), nullable=False),
    sa.Column('multiattach', sa.Boolean(), nullable=False),
    sa.Column('readonly', sa.Boolean(), nullable=False),
    sa.Column('snapshot_id', sa.String(length=36), nullable=True),
    sa.Column('source_volid', sa.String(length=36), nullable=True),
    sa.Column('image_id', sa.String(length=36), nullable=True),
    sa.Column('volume_image_metadata', stratus.db.types._JsonText(), nullable=False),
    sa.Column('volume_metadata', stratus.db.types._JsonText(), nullable=False),
    sa.Column('migration_status', sa.String(length=32), nullable=True),
    sa.Column('file_path', sa.String(length=1024), nullable=True),
    sa.Column('file_format', sa.String(length=16), nullable=False),
    sa.Column('new_size', sa.Integer(), nullable=True),
    sa.Column('launched_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('volume_volumes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_volumes_project_id'), ['project_id'], unique=False)

