"""console auth tokens

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_table(
        'console_auth_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('console_type', sa.String(length=36), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('port', sa.Integer(), nullable=False),
        sa.Column('internal_access_path', sa.String(length=255),
                  nullable=True),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('expires', sa.Integer(), nullable=False),
        sa.Column('created_at', stratus.db.types.UTCDateTime(),
                  nullable=True),
        sa.Column('updated_at', stratus.db.types.UTCDateTime(),
                  nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash',
                            name='uniq_console_auth_tokens0token_hash'))
    with op.batch_alter_table('console_auth_tokens', schema=None) as batch_op:
        batch_op.create_index('console_auth_tokens_instance_uuid_idx',
                              ['instance_uuid'], unique=False)
        batch_op.create_index('console_auth_tokens_expires_idx',
                              ['expires'], unique=False)
