"""Routers bound to L3 agents, networks to DHCP agents

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _binding_table(name, resource_column, resource_table, agent_column):
    op.create_table(
        name,
        sa.Column(resource_column, sa.String(length=36), nullable=False),
        sa.Column(agent_column, sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint([resource_column], ['%s.id' % resource_table],
                                name=op.f('fk_%s_%s_%s' % (name, resource_column,
                                                           resource_table)),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint([agent_column], ['agents.id'],
                                name=op.f('fk_%s_%s_agents' % (name, agent_column)),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint(resource_column, agent_column, name=op.f('pk_%s' % name)))


def upgrade():
    _binding_table('router_l3_agent_bindings', 'router_id', 'routers', 'l3_agent_id')
    _binding_table('networkdhcpagentbindings', 'network_id', 'networks', 'dhcp_agent_id')


def downgrade():
    op.drop_table('networkdhcpagentbindings')
    op.drop_table('router_l3_agent_bindings')
