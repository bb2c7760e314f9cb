"""Domain-specific configuration

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 16:50:00

One row per domain holding its configuration as JSON
({group: {option: value}}), behind /v3/domains/{id}/config.
"""

from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def upgrade():
    op.create_table(
        'domain_config',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('config', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)


def downgrade():
    op.drop_table('domain_config')
