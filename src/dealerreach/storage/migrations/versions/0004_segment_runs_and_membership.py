"""segment runs, opportunity segments, movements, group config

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('group_config',
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_group_config'))
    )
    op.create_table('opportunity_segments',
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('vin', sa.Text(), nullable=False),
    sa.Column('rooftop_id', sa.Text(), nullable=False),
    sa.Column('customer_id', sa.Text(), nullable=False),
    sa.Column('person_id', sa.Text(), nullable=True),
    sa.Column('household_id', sa.Text(), nullable=True),
    sa.Column('sales_segment', sa.String(length=32), nullable=False),
    sa.Column('sales_flags', sa.Text(), nullable=False),
    sa.Column('service_segment', sa.String(length=32), nullable=False),
    sa.Column('service_flags', sa.Text(), nullable=False),
    sa.Column('deal_type', sa.String(length=16), nullable=True),
    sa.Column('payments_remaining', sa.BigInteger(), nullable=True),
    sa.Column('payoff', sa.Float(), nullable=True),
    sa.Column('equity', sa.Float(), nullable=True),
    sa.Column('lease_maturity_date', sa.Date(), nullable=True),
    sa.Column('projected_odometer_at_maturity', sa.BigInteger(), nullable=True),
    sa.Column('lease_allowance', sa.Float(), nullable=True),
    sa.Column('coverage_end_date', sa.Date(), nullable=True),
    sa.Column('cpro_12m', sa.BigInteger(), nullable=True),
    sa.Column('last_visit_date', sa.Date(), nullable=True),
    sa.Column('features', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('group_id', 'as_of', 'vin', name=op.f('pk_opportunity_segments'))
    )
    op.create_index(op.f('ix_opportunity_segments_group_id_as_of_rooftop_id_sales_segment'), 'opportunity_segments', ['group_id', 'as_of', 'rooftop_id', 'sales_segment'], unique=False)
    op.create_index(op.f('ix_opportunity_segments_group_id_as_of_rooftop_id_service_segment'), 'opportunity_segments', ['group_id', 'as_of', 'rooftop_id', 'service_segment'], unique=False)
    op.create_table('segment_movements',
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('vin', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('segment_id', sa.String(length=32), nullable=False),
    sa.Column('movement', sa.String(length=8), nullable=False),
    sa.Column('rooftop_id', sa.Text(), nullable=False),
    sa.Column('previous_as_of', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('group_id', 'as_of', 'vin', 'kind', 'segment_id', name=op.f('pk_segment_movements'))
    )
    op.create_index(op.f('ix_segment_movements_group_id_as_of_rooftop_id'), 'segment_movements', ['group_id', 'as_of', 'rooftop_id'], unique=False)
    op.create_table('segment_runs',
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('engine', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('opportunities', sa.BigInteger(), nullable=False),
    sa.Column('previous_as_of', sa.Date(), nullable=True),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('group_id', 'as_of', name=op.f('pk_segment_runs'))
    )


def downgrade() -> None:
    op.drop_table('segment_runs')
    op.drop_index(op.f('ix_segment_movements_group_id_as_of_rooftop_id'), table_name='segment_movements')
    op.drop_table('segment_movements')
    op.drop_index(op.f('ix_opportunity_segments_group_id_as_of_rooftop_id_service_segment'), table_name='opportunity_segments')
    op.drop_index(op.f('ix_opportunity_segments_group_id_as_of_rooftop_id_sales_segment'), table_name='opportunity_segments')
    op.drop_table('opportunity_segments')
    op.drop_table('group_config')

