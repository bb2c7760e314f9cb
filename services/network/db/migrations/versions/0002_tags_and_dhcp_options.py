"""resource tags and per-port extra DHCP options

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tags',
        sa.Column('resource_id', sa.String(length=36), nullable=False),
        sa.Column('tag', sa.String(length=255), nullable=False),
        sa.Column('resource_type', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('resource_id', 'tag', name=op.f('pk_tags')))
    with op.batch_alter_table('ports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_dhcp_opts', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade():
    with op.batch_alter_table('ports', schema=None) as batch_op:
        batch_op.drop_column('extra_dhcp_opts')
    op.drop_table('tags')
