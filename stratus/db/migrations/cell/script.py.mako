"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types  # noqa: F401  (column types in revisions)
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}
# "expand" (only adds) or "contract" (removes or tightens: runs after
# every service is new; set requires_service_version): stratus/db/migration.py
phase = 'expand'


def upgrade():
    ${upgrades if upgrades else "pass"}
