"""Block device mappings: the volumes a server boots from or has attached.

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
    op.create_table(
        'block_device_mappings',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False, index=True),
        sa.Column('source_type', sa.String(32), nullable=False),
        sa.Column('destination_type', sa.String(32), nullable=False),
        sa.Column('volume_id', sa.String(36), index=True),
        sa.Column('image_id', sa.String(36)),
        sa.Column('volume_size', sa.Integer()),
        sa.Column('boot_index', sa.Integer()),
        sa.Column('device_name', sa.String(255)),
        sa.Column('disk_bus', sa.String(32)),
        sa.Column('device_type', sa.String(32)),
        sa.Column('delete_on_termination', sa.Boolean(), nullable=False,
                  server_default=sa.false()),
        sa.Column('tag', sa.String(255)),
        sa.Column('attachment_id', sa.String(36)),
        sa.Column('connection_info', sa.JSON()),
        sa.Column('created_at', sa.DateTime()),
        sa.Column('updated_at', sa.DateTime()),
        sa.UniqueConstraint('instance_uuid', 'device_name', name='uniq_bdm_instance_device'),
        sa.UniqueConstraint('instance_uuid', 'volume_id', name='uniq_bdm_instance_volume'))
