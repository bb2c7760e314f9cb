"""QoS policies and rules

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'qos_policies',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False),
        sa.Column('description', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('revision_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_qos_policies')))
    with op.batch_alter_table('qos_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qos_policies_project_id'), ['project_id'],
                              unique=False)
    op.create_table(
        'qos_rules',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('qos_policy_id', sa.String(length=36), nullable=False),
        sa.Column('rule_type', sa.String(length=32), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=True),
        sa.Column('max_kbps', sa.Integer(), nullable=True),
        sa.Column('max_burst_kbps', sa.Integer(), nullable=True),
        sa.Column('dscp_mark', sa.Integer(), nullable=True),
        sa.Column('min_kbps', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['qos_policy_id'], ['qos_policies.id'],
                                name=op.f('fk_qos_rules_qos_policy_id_qos_policies'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_qos_rules')))
    with op.batch_alter_table('qos_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qos_rules_qos_policy_id'), ['qos_policy_id'],
                              unique=False)


def downgrade():
    op.drop_table('qos_rules')
    op.drop_table('qos_policies')
