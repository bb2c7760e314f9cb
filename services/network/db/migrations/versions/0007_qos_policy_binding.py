"""QoS policy of ports and networks

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('networks', 'ports'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('qos_policy_id', sa.String(length=36),
                                          nullable=True))


def downgrade():
    for table in ('ports', 'networks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('qos_policy_id')
