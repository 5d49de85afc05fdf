"""identity implied roles

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_table(
        'identity_implied_roles',
        sa.Column('prior_role_id', sa.String(length=64), nullable=False),
        sa.Column('implied_role_id', sa.String(length=64), nullable=False),
        sa.Column('created_at', stratus.db.types.UTCDateTime(),
                  nullable=True),
        sa.Column('updated_at', stratus.db.types.UTCDateTime(),
                  nullable=True),
        sa.ForeignKeyConstraint(['prior_role_id'], ['identity_roles.id'],
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['implied_role_id'], ['identity_roles.id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('prior_role_id', 'implied_role_id'))
