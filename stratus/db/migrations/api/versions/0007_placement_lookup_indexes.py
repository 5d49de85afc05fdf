"""placement lookup indexes (expand)

The traits of a provider and the providers of an aggregate were found by
a scan of the whole table: the primary keys lead with the trait and the
provider. At tens of thousands of providers every trait write read a
million rows (placement's own schema has both indexes).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_index('resource_provider_traits_resource_provider_id_idx',
                    'resource_provider_traits', ['resource_provider_id'])
    op.create_index('resource_provider_aggregates_aggregate_id_idx',
                    'resource_provider_aggregates', ['aggregate_id'])
