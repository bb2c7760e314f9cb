"""Migrations (the record of each resize, cold migration and evacuation),
quota classes and the servers' disk config (OS-DCF:diskConfig AUTO).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'migrations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False, index=True),
        sa.Column('migration_type', sa.String(32), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('source_compute', sa.String(255)),
        sa.Column('source_node', sa.String(255)),
        sa.Column('dest_compute', sa.String(255)),
        sa.Column('dest_node', sa.String(255)),
        sa.Column('dest_host', sa.String(255)),
        sa.Column('old_instance_type_id', sa.Integer()),
        sa.Column('new_instance_type_id', sa.Integer()),
        sa.Column('project_id', sa.String(255)),
        sa.Column('user_id', sa.String(255)),
        sa.Column('hidden', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('created_at', sa.DateTime()),
        sa.Column('updated_at', sa.DateTime()))
    op.create_table(
        'quota_classes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('class_name', sa.String(255), nullable=False),
        sa.Column('resource', sa.String(255), nullable=False),
        sa.Column('hard_limit', sa.Integer(), nullable=False),
        sa.UniqueConstraint('class_name', 'resource', name='uniq_quota_class_resource'))


    op.add_column('instances', sa.Column('auto_disk_config', sa.Boolean()))


def downgrade():
    op.drop_column('instances', 'auto_disk_config')
    op.drop_table('quota_classes')
    op.drop_table('migrations')
