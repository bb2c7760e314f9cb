"""metering labels and rules

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meteringlabels',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=1024), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meteringlabels')))
    with op.batch_alter_table('meteringlabels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meteringlabels_project_id'), ['project_id'],
                              unique=False)
    op.create_table(
        'meteringlabelrules',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('metering_label_id', sa.String(length=36), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('excluded', sa.Boolean(), nullable=False),
        sa.Column('remote_ip_prefix', sa.String(length=64), nullable=True),
        sa.Column('source_ip_prefix', sa.String(length=64), nullable=True),
        sa.Column('destination_ip_prefix', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['metering_label_id'], ['meteringlabels.id'],
                                name=op.f('fk_meteringlabelrules_metering_label_id_'
                                          'meteringlabels'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meteringlabelrules')))
    with op.batch_alter_table('meteringlabelrules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meteringlabelrules_metering_label_id'),
                              ['metering_label_id'], unique=False)


def downgrade():
    op.drop_table('meteringlabelrules')
    op.drop_table('meteringlabels')
