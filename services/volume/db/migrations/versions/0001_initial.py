"""Initial volume schema, and the default volume type ``__DEFAULT__``.

Revision ID: 0001
Revises:

Written out table by table (the models evolve by new revisions, never by
changing this one).
"""
import datetime
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

DEFAULT_TYPE = '__DEFAULT__'


def _ts(name):
    return sa.Column(name, sa.DateTime)


def _metadata_table(name, owner_column, owner_table, constraint):
    op.create_table(
        name,
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column(owner_column, sa.String(36),
                  sa.ForeignKey('%s.id' % owner_table, ondelete='CASCADE'), nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255)),
        sa.UniqueConstraint(owner_column, 'key', name=constraint),
    )


def upgrade():
    op.create_table(
        'services',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('binary', sa.String(255), nullable=False),
        sa.Column('topic', sa.String(255)),
        sa.Column('availability_zone', sa.String(255)),
        sa.Column('disabled', sa.Boolean, nullable=False),
        sa.Column('disabled_reason', sa.String(255)),
        _ts('last_seen_at'),
        sa.Column('report_count', sa.Integer, nullable=False),
        sa.Column('capabilities', sa.JSON),
        _ts('capabilities_at'),
        sa.Column('version', sa.String(16)),
        _ts('created_at'),
        _ts('updated_at'),
        sa.UniqueConstraint('host', 'binary', name='uniq_services_host_binary'),
    )
    types = op.create_table(
        'volume_types',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False, unique=True),
        sa.Column('description', sa.String(255)),
        sa.Column('is_public', sa.Boolean, nullable=False),
        _ts('created_at'),
        _ts('updated_at'),
    )
    op.create_table(
        'volume_type_extra_specs',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('volume_type_id', sa.String(36),
                  sa.ForeignKey('volume_types.id', ondelete='CASCADE'), nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255)),
        sa.UniqueConstraint('volume_type_id', 'key', name='uniq_type_extra_specs_key'),
    )
    op.create_table(
        'volume_type_projects',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('volume_type_id', sa.String(36),
                  sa.ForeignKey('volume_types.id', ondelete='CASCADE'), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.UniqueConstraint('volume_type_id', 'project_id', name='uniq_type_projects'),
    )
    op.create_table(
        'volumes',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('name', sa.String(255)),
        sa.Column('description', sa.String(255)),
        sa.Column('size', sa.Integer, nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('attach_status', sa.String(32), nullable=False),
        sa.Column('availability_zone', sa.String(255)),
        sa.Column('host', sa.String(255)),
        sa.Column('volume_type_id', sa.String(36), sa.ForeignKey('volume_types.id')),
        sa.Column('snapshot_id', sa.String(36)),
        sa.Column('source_volid', sa.String(36)),
        sa.Column('image_id', sa.String(36)),
        sa.Column('image_metadata', sa.JSON),
        sa.Column('bootable', sa.Boolean, nullable=False),
        sa.Column('readonly', sa.Boolean, nullable=False),
        sa.Column('multiattach', sa.Boolean, nullable=False),
        sa.Column('error_reason', sa.String(255)),
        _ts('created_at'),
        _ts('updated_at'),
        _ts('launched_at'),
    )
    op.create_index('volumes_project_id_idx', 'volumes', ['project_id'])
    op.create_index('volumes_host_idx', 'volumes', ['host'])
    _metadata_table('volume_metadata', 'volume_id', 'volumes', 'uniq_volume_metadata_key')
    op.create_table(
        'snapshots',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('volume_id', sa.String(36), sa.ForeignKey('volumes.id'), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('description', sa.String(255)),
        sa.Column('size', sa.Integer, nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('progress', sa.String(16)),
        sa.Column('error_reason', sa.String(255)),
        _ts('created_at'),
        _ts('updated_at'),
    )
    op.create_index('snapshots_project_id_idx', 'snapshots', ['project_id'])
    _metadata_table('snapshot_metadata', 'snapshot_id', 'snapshots',
                    'uniq_snapshot_metadata_key')
    op.create_table(
        'volume_attachments',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('volume_id', sa.String(36), sa.ForeignKey('volumes.id'), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('instance_uuid', sa.String(36)),
        sa.Column('attached_host', sa.String(255)),
        sa.Column('mountpoint', sa.String(255)),
        sa.Column('attach_status', sa.String(32), nullable=False),
        sa.Column('attach_mode', sa.String(8), nullable=False),
        sa.Column('connector', sa.JSON),
        sa.Column('connection_info', sa.JSON),
        _ts('attached_at'),
        _ts('detached_at'),
        _ts('created_at'),
        _ts('updated_at'),
    )
    op.create_index('volume_attachments_volume_id_idx', 'volume_attachments', ['volume_id'])
    op.create_table(
        'quotas',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('resource', sa.String(255), nullable=False),
        sa.Column('hard_limit', sa.Integer, nullable=False),
        _ts('created_at'),
        _ts('updated_at'),
        sa.UniqueConstraint('project_id', 'resource', name='uniq_quotas_project_resource'),
    )
    now = datetime.datetime.utcnow().replace(microsecond=0)
    op.bulk_insert(types, [{'id': str(uuid.uuid4()), 'name': DEFAULT_TYPE,
                            'description': 'Default Volume Type', 'is_public': True,
                            'created_at': now, 'updated_at': now}])
