"""Placement view of the compute nodes: reserved capacity, provider
generation, inventory settings, custom resource classes and traits.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

NODE_COLUMNS = [
    ('vcpus_reserved', sa.Integer, '0'),
    ('memory_mb_reserved', sa.Integer, '0'),
    ('local_gb_reserved', sa.Integer, '0'),
    ('generation', sa.Integer, '0'),
]


def upgrade():
    for name, type_, default in NODE_COLUMNS:
        op.add_column('compute_nodes', sa.Column(name, type_(), nullable=False,
                                                 server_default=default))
    op.add_column('compute_nodes', sa.Column('inventory_settings', sa.JSON(), nullable=True))
    for table in ('placement_resource_classes', 'placement_traits'):
        op.create_table(
            table,
            sa.Column('id', sa.Integer(), primary_key=True),
            sa.Column('name', sa.String(255), nullable=False, unique=True),
            sa.Column('created_at', sa.DateTime()))
    op.create_table(
        'placement_provider_traits',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('node_uuid', sa.String(36), nullable=False, index=True),
        sa.Column('trait', sa.String(255), nullable=False),
        sa.UniqueConstraint('node_uuid', 'trait', name='uniq_placement_provider_traits'))
