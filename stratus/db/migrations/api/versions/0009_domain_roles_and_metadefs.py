"""identity domain role assignments and application credentials; image
metadata definitions

Revision ID: 0009
Revises: 0007 (an expand revision: before the contract 0008)

It comes before 0008 because within a release the contract revisions come
after every expand one (`db expand` stops at the first contract). Neither
is released (0.1.0 ends at 0006); a development database that was
stamped 0008 before this revision existed lacks its tables: recreate it.
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types  # noqa: F401  (column types in revisions)

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_table('identity_domain_role_assignments',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('domain_id', sa.String(length=64), nullable=False),
    sa.Column('role_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['role_id'], ['identity_roles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'domain_id', 'role_id')
    )
    op.create_table('identity_application_credentials',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('secret_hash', sa.String(length=255), nullable=False),
    sa.Column('expires_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('unrestricted', sa.Boolean(), nullable=False),
    sa.Column('role_ids', stratus.db.types._JsonText(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['identity_projects.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'name', name='uniq_identity_app_creds0user_id0name')
    )
    op.create_table('image_metadef_namespaces',
    sa.Column('namespace', sa.String(length=80), nullable=False),
    sa.Column('owner', sa.String(length=255), nullable=True),
    sa.Column('visibility', sa.String(length=32), nullable=False),
    sa.Column('protected', sa.Boolean(), nullable=False),
    sa.Column('document', stratus.db.types._JsonText(), nullable=True),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('namespace')
    )
