"""Limits, policies and endpoint filtering

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 16:30:00

registered_limit and limit (/v3/registered_limits, /v3/limits), policy
(/v3/policies), endpoint_group, project_endpoint and
project_endpoint_group (OS-EP-FILTER).
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Frozen copies of the model helpers: a migration must not change when
# models.py does.
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql', 'mariadb')
MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def _id(name, nullable=False):
    return sa.Column(name, sa.String(length=64), nullable=nullable)


def upgrade():
    op.create_table(
        'registered_limit',
        _id('id'), _id('service_id'), _id('region_id', True),
        sa.Column('resource_name', sa.String(length=255), nullable=False),
        sa.Column('default_limit', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_index('ix_registered_limit_service_id', 'registered_limit', ['service_id'])
    op.create_table(
        'limit',
        _id('id'), _id('project_id', True), _id('domain_id', True), _id('service_id'),
        _id('region_id', True),
        sa.Column('resource_name', sa.String(length=255), nullable=False),
        sa.Column('resource_limit', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_index('ix_limit_project_id', 'limit', ['project_id'])
    op.create_index('ix_limit_domain_id', 'limit', ['domain_id'])
    op.create_table(
        'policy',
        _id('id'),
        sa.Column('type', sa.String(length=255), nullable=False),
        sa.Column('blob', LONG_TEXT, nullable=False),
        sa.Column('extra', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_table(
        'endpoint_group',
        _id('id'),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('filters', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_table(
        'project_endpoint',
        _id('id'), _id('endpoint_id'), _id('project_id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('endpoint_id', 'project_id',
                            name='uq_project_endpoint_endpoint_id_project_id'),
        **MYSQL_ARGS)
    op.create_index('ix_project_endpoint_project_id', 'project_endpoint', ['project_id'])
    op.create_table(
        'project_endpoint_group',
        _id('id'), _id('endpoint_group_id'), _id('project_id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('endpoint_group_id', 'project_id',
                            name='uq_project_endpoint_group_group_id_project_id'),
        **MYSQL_ARGS)
    op.create_index('ix_project_endpoint_group_project_id', 'project_endpoint_group',
                    ['project_id'])


def downgrade():
    op.drop_index('ix_project_endpoint_group_project_id',
                  table_name='project_endpoint_group')
    op.drop_table('project_endpoint_group')
    op.drop_index('ix_project_endpoint_project_id', table_name='project_endpoint')
    op.drop_table('project_endpoint')
    op.drop_table('endpoint_group')
    op.drop_table('policy')
    op.drop_index('ix_limit_domain_id', table_name='limit')
    op.drop_index('ix_limit_project_id', table_name='limit')
    op.drop_table('limit')
    op.drop_index('ix_registered_limit_service_id', table_name='registered_limit')
    op.drop_table('registered_limit')
