"""segment runs name their feature columns; opportunities keep only non-null features

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('segment_runs') as batch:
        batch.add_column(sa.Column('feature_columns', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('segment_runs') as batch:
        batch.drop_column('feature_columns')
