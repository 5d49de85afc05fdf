"""services.release: the Stratus release a service runs (expand: a
nullable column; services of 0.1.0 leave it empty)

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

phase = "expand"


def upgrade():
    for table in ('services', 'shadow_services'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('release', sa.String(length=32),
                                          nullable=True))
