"""Auto-allocated topologies

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'auto_allocated_topologies',
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('network_id', sa.String(length=36), nullable=False),
        sa.Column('router_id', sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'],
                                name=op.f('fk_auto_allocated_topologies_network_id_networks'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['router_id'], ['routers.id'],
                                name=op.f('fk_auto_allocated_topologies_router_id_routers'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('project_id', name=op.f('pk_auto_allocated_topologies')))


def downgrade():
    op.drop_table('auto_allocated_topologies')
