"""migrations.step: how far the conductor task driving a move got

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sa.String(length=64),
                                      nullable=True))
