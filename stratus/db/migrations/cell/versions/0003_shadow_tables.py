"""shadow tables: where `stratus manage db archive_deleted_rows` moves
deleted rows (expand: new tables only)

Each shadow_<table> has the columns of <table> as it stands at this
revision (read from the database, so the migration does not change when
the models do), its primary key and no other constraint: archived rows
are history, and the same unique values may be archived more than once.
A later migration that adds a column to one of these tables adds it to
its shadow table too.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None
phase = 'expand'

# The tables whose rows archiving moves: the soft-deleted ones and
# instance_extra (archived with its instance).
TABLES = ('instances', 'instance_extra', 'instance_metadata',
          'instance_system_metadata', 'instance_faults',
          'instance_info_caches', 'instance_actions',
          'instance_actions_events', 'services', 'compute_nodes',
          'migrations', 'block_device_mapping')


def upgrade():
    inspector = sa.inspect(op.get_bind())
    for name in TABLES:
        primary_key = set(
            inspector.get_pk_constraint(name)['constrained_columns'])
        columns = [sa.Column(column['name'], column['type'],
                             primary_key=column['name'] in primary_key,
                             autoincrement=False,
                             nullable=column['nullable'])
                   for column in inspector.get_columns(name)]
        op.create_table('shadow_' + name, *columns)
