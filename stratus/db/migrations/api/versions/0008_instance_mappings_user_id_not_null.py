"""instance_mappings.user_id NOT NULL (contract)

Release 0.1.0 could write a mapping without its owner; the online data
migration populate_user_id fills those rows (`stratus manage db
online_data_migrations`). Services of release 0.1.0 (service version 1)
may still write such a mapping, so this runs only once every service is
of version 2 or later (`stratus manage db contract` checks both). Run by
itself (`db sync`) it refuses while rows without an owner are left.

Revision ID: 0008
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

from stratus.db import migration

revision = '0008'
down_revision = '0010'
branch_labels = None
depends_on = None
phase = 'contract'
requires_service_version = 2


def upgrade():
    left = op.get_bind().scalar(sa.text(
        "SELECT COUNT(*) FROM instance_mappings WHERE user_id IS NULL"))
    if left:
        raise migration.DataMigrationsPending({"populate_user_id": left})
    with op.batch_alter_table('instance_mappings', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.String(length=255),
                              nullable=False)
