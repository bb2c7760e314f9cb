"""Projects keep extra properties

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:00:00

``openstack project create/set --property k=v`` sends keys the API does not
name; keystone keeps them and shows them back, so projects get a JSON
``extra`` column like users and credentials have.
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project') as batch:
        batch.add_column(sa.Column('extra', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('project') as batch:
        batch.drop_column('extra')
