"""create idempotency keys

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_table(
        'create_idempotency_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('idempotency_key', sa.String(length=255), nullable=False),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('reservation_id', sa.String(length=255), nullable=False),
        sa.Column('created_at', stratus.db.types.UTCDateTime(),
                  nullable=True),
        sa.Column('updated_at', stratus.db.types.UTCDateTime(),
                  nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'idempotency_key',
                            name='uniq_create_idempotency_keys0project_key'))
    op.create_index('create_idempotency_keys_instance_uuid_idx',
                    'create_idempotency_keys', ['instance_uuid'])
