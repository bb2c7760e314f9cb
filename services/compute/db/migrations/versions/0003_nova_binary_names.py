"""Services carry nova's binary names (nova-compute, nova-conductor,
nova-scheduler), which the services API shows and clients filter on.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

RENAMES = [('alto-compute', 'nova-compute'),
           ('alto-compute-conductor', 'nova-conductor'),
           ('alto-compute-scheduler', 'nova-scheduler')]

services = sa.table('services', sa.column('binary', sa.String))


def _rename(pairs):
    for old, new in pairs:
        op.execute(services.update().where(services.c.binary == old).values(binary=new))


def upgrade():
    _rename(RENAMES)


def downgrade():
    _rename([(new, old) for old, new in RENAMES])
