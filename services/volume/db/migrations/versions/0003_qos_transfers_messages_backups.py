"""QoS specs (and a type's association), volume transfers, user messages, backups.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'qos_specs',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('consumer', sa.String(32), nullable=False),
        sa.Column('specs', sa.JSON, nullable=False),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.UniqueConstraint('name', name='uniq_qos_specs_name'),
    )
    op.add_column('volume_types', sa.Column('qos_specs_id', sa.String(36)))
    op.create_table(
        'transfers',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('volume_id', sa.String(36), sa.ForeignKey('volumes.id'), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('salt', sa.String(255), nullable=False),
        sa.Column('crypt_hash', sa.String(255), nullable=False),
        sa.Column('source_project_id', sa.String(255), nullable=False),
        sa.Column('no_snapshots', sa.Boolean, nullable=False),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
    )
    op.create_index('transfers_volume_id_idx', 'transfers', ['volume_id'])
    op.create_table(
        'messages',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('request_id', sa.String(255)),
        sa.Column('resource_type', sa.String(36)),
        sa.Column('resource_uuid', sa.String(36)),
        sa.Column('event_id', sa.String(255), nullable=False),
        sa.Column('message_level', sa.String(255), nullable=False),
        sa.Column('detail', sa.String(255)),
        sa.Column('created_at', sa.DateTime),
        sa.Column('expires_at', sa.DateTime),
    )
    op.create_index('messages_project_id_idx', 'messages', ['project_id'])
    op.create_table(
        'backups',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('volume_id', sa.String(36), nullable=False),
        sa.Column('snapshot_id', sa.String(36)),
        sa.Column('name', sa.String(255)),
        sa.Column('description', sa.String(255)),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('size', sa.Integer, nullable=False),
        sa.Column('object_count', sa.Integer, nullable=False),
        sa.Column('container', sa.String(255)),
        sa.Column('host', sa.String(255)),
        sa.Column('availability_zone', sa.String(255)),
        sa.Column('fail_reason', sa.String(255)),
        sa.Column('restore_volume_id', sa.String(36)),
        sa.Column('data_timestamp', sa.DateTime),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
    )
    op.create_index('backups_project_id_idx', 'backups', ['project_id'])
