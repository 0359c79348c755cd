"""a segment run may keep its opportunities' features in a Parquet file

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 05:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('segment_runs') as batch:
        batch.add_column(sa.Column('features_file', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('segment_runs') as batch:
        batch.drop_column('features_file')
