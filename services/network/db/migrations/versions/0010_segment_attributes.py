"""Network segments as a resource: name, description, timestamps, revision

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('network_segments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=255), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('description', sa.String(length=255), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=False,
                                      server_default=sa.func.current_timestamp()))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=False,
                                      server_default=sa.func.current_timestamp()))
        batch_op.add_column(sa.Column('revision_number', sa.BigInteger(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('network_segments', schema=None) as batch_op:
        for column in ('revision_number', 'updated_at', 'created_at', 'description', 'name'):
            batch_op.drop_column(column)
