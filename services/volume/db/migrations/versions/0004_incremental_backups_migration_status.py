"""Incremental backups (a backup's parent and how many backups build on it)
and a volume's migration status.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('backups') as batch:
        batch.add_column(sa.Column('parent_id', sa.String(36)))
        batch.add_column(sa.Column('num_dependent_backups', sa.Integer, nullable=False,
                                   server_default='0'))
        batch.create_index('backups_parent_id_idx', ['parent_id'])
    with op.batch_alter_table('volumes') as batch:
        batch.add_column(sa.Column('migration_status', sa.String(255)))
