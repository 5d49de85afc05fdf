"""identity groups: groups, their members and their roles on projects and
on the domain

Revision ID: 0010
Revises: 0009 (an expand revision: before the contract 0008)

Like 0009, it comes before 0008 because within a release the contract
revisions come after every expand one. A development database stamped
0008 before this revision existed lacks its tables: recreate it.
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None
phase = 'expand'


def _timestamps():
    return [sa.Column('created_at', stratus.db.types.UTCDateTime(),
                      nullable=True),
            sa.Column('updated_at', stratus.db.types.UTCDateTime(),
                      nullable=True)]


def _fk(column, table):
    return sa.ForeignKeyConstraint([column], ['%s.id' % table],
                                   ondelete='CASCADE')


def upgrade():
    op.create_table(
        'identity_groups',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('extra', stratus.db.types._JsonText(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('domain_id', 'name',
                            name='uniq_identity_groups0domain_id0name'))
    op.create_table(
        'identity_group_memberships',
        sa.Column('group_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        *_timestamps(),
        _fk('group_id', 'identity_groups'),
        _fk('user_id', 'identity_users'),
        sa.PrimaryKeyConstraint('group_id', 'user_id'))
    op.create_index('identity_group_memberships_user_id_idx',
                    'identity_group_memberships', ['user_id'])
    op.create_table(
        'identity_group_role_assignments',
        sa.Column('group_id', sa.String(length=64), nullable=False),
        sa.Column('project_id', sa.String(length=64), nullable=False),
        sa.Column('role_id', sa.String(length=64), nullable=False),
        *_timestamps(),
        _fk('group_id', 'identity_groups'),
        _fk('project_id', 'identity_projects'),
        _fk('role_id', 'identity_roles'),
        sa.PrimaryKeyConstraint('group_id', 'project_id', 'role_id'))
    op.create_table(
        'identity_group_domain_role_assignments',
        sa.Column('group_id', sa.String(length=64), nullable=False),
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('role_id', sa.String(length=64), nullable=False),
        *_timestamps(),
        _fk('group_id', 'identity_groups'),
        _fk('role_id', 'identity_roles'),
        sa.PrimaryKeyConstraint('group_id', 'domain_id', 'role_id'))
