"""network RBAC policies

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'networkrbacs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('object_id', sa.String(length=36), nullable=False),
        sa.Column('target_project', sa.String(length=255), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['object_id'], ['networks.id'],
                                name=op.f('fk_networkrbacs_object_id_networks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_networkrbacs')),
        sa.UniqueConstraint('object_id', 'target_project', 'action',
                            name='uq_networkrbacs_object_target_action'))
    with op.batch_alter_table('networkrbacs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networkrbacs_object_id'), ['object_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_networkrbacs_project_id'), ['project_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_networkrbacs_target_project'),
                              ['target_project'], unique=False)


def downgrade():
    op.drop_table('networkrbacs')
