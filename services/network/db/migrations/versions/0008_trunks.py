"""Trunks and their subports

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trunks',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('admin_state_up', sa.Boolean(), nullable=False),
        sa.Column('port_id', sa.String(length=36), nullable=False),
        sa.Column('description', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('revision_number', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['port_id'], ['ports.id'],
                                name=op.f('fk_trunks_port_id_ports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trunks')),
        sa.UniqueConstraint('port_id', name=op.f('uq_trunks_port_id')))
    with op.batch_alter_table('trunks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trunks_project_id'), ['project_id'],
                              unique=False)
    op.create_table(
        'trunk_subports',
        sa.Column('port_id', sa.String(length=36), nullable=False),
        sa.Column('trunk_id', sa.String(length=36), nullable=False),
        sa.Column('segmentation_type', sa.String(length=32), nullable=False),
        sa.Column('segmentation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['port_id'], ['ports.id'],
                                name=op.f('fk_trunk_subports_port_id_ports')),
        sa.ForeignKeyConstraint(['trunk_id'], ['trunks.id'],
                                name=op.f('fk_trunk_subports_trunk_id_trunks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('port_id', name=op.f('pk_trunk_subports')),
        sa.UniqueConstraint('trunk_id', 'segmentation_type', 'segmentation_id',
                            name='uq_trunk_subports_trunk_segmentation'))
    with op.batch_alter_table('trunk_subports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trunk_subports_trunk_id'), ['trunk_id'],
                              unique=False)


def downgrade():
    op.drop_table('trunk_subports')
    op.drop_table('trunks')
