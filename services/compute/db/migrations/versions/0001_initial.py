"""Initial compute schema.

Revision ID: 0001
Revises:

Written out table by table (the models evolve by new revisions, never by
changing this one).  Unique constraints are unnamed where the models leave
them unnamed, so the database names them as it always has.
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'services',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('binary', sa.String(255), nullable=False),
        sa.Column('topic', sa.String(255)),
        sa.Column('disabled', sa.Boolean, nullable=False),
        sa.Column('disabled_reason', sa.String(255)),
        sa.Column('forced_down', sa.Boolean, nullable=False),
        sa.Column('last_seen_at', sa.DateTime),
        sa.Column('report_count', sa.Integer, nullable=False),
        sa.Column('version', sa.String(16)),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.UniqueConstraint('host', 'binary', name='uniq_services_host_binary'),
    )
    op.create_table(
        'compute_nodes',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('host', sa.String(255), nullable=False, unique=True),
        sa.Column('hypervisor_hostname', sa.String(255), nullable=False),
        sa.Column('hypervisor_type', sa.String(64), nullable=False),
        sa.Column('hypervisor_version', sa.Integer),
        sa.Column('host_ip', sa.String(64)),
        sa.Column('cpu_info', sa.JSON),
        sa.Column('vcpus', sa.Integer, nullable=False),
        sa.Column('memory_mb', sa.Integer, nullable=False),
        sa.Column('local_gb', sa.Integer, nullable=False),
        sa.Column('vcpus_used', sa.Integer, nullable=False),
        sa.Column('memory_mb_used', sa.Integer, nullable=False),
        sa.Column('local_gb_used', sa.Integer, nullable=False),
        sa.Column('running_vms', sa.Integer, nullable=False),
        sa.Column('cpu_allocation_ratio', sa.Float, nullable=False),
        sa.Column('ram_allocation_ratio', sa.Float, nullable=False),
        sa.Column('disk_allocation_ratio', sa.Float, nullable=False),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
    )
    op.create_table(
        'flavors',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('flavorid', sa.String(255), nullable=False, unique=True),
        sa.Column('name', sa.String(255), nullable=False, unique=True),
        sa.Column('memory_mb', sa.Integer, nullable=False),
        sa.Column('vcpus', sa.Integer, nullable=False),
        sa.Column('root_gb', sa.Integer, nullable=False),
        sa.Column('ephemeral_gb', sa.Integer, nullable=False),
        sa.Column('swap', sa.Integer, nullable=False),
        sa.Column('rxtx_factor', sa.Float, nullable=False),
        sa.Column('is_public', sa.Boolean, nullable=False),
        sa.Column('disabled', sa.Boolean, nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('extra_specs', sa.JSON, nullable=False),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
    )
    op.create_table(
        'flavor_projects',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('flavor_id', sa.Integer, sa.ForeignKey('flavors.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.UniqueConstraint('flavor_id', 'project_id'),
    )
    op.create_table(
        'key_pairs',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('fingerprint', sa.String(255)),
        sa.Column('public_key', sa.Text, nullable=False),
        sa.Column('type', sa.String(16), nullable=False),
        sa.Column('created_at', sa.DateTime),
        sa.UniqueConstraint('user_id', 'name'),
    )
    op.create_table(
        'instances',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('display_name', sa.String(255)),
        sa.Column('display_description', sa.Text),
        sa.Column('hostname', sa.String(255)),
        sa.Column('host', sa.String(255)),
        sa.Column('node', sa.String(255)),
        sa.Column('availability_zone', sa.String(255)),
        sa.Column('requested_availability_zone', sa.String(255)),
        sa.Column('vm_state', sa.String(32), nullable=False),
        sa.Column('task_state', sa.String(32)),
        sa.Column('power_state', sa.Integer, nullable=False),
        sa.Column('image_ref', sa.String(255)),
        sa.Column('flavor', sa.JSON, nullable=False),
        sa.Column('old_flavor', sa.JSON),
        sa.Column('new_flavor', sa.JSON),
        sa.Column('vcpus', sa.Integer, nullable=False),
        sa.Column('memory_mb', sa.Integer, nullable=False),
        sa.Column('root_gb', sa.Integer, nullable=False),
        sa.Column('key_name', sa.String(255)),
        sa.Column('key_data', sa.Text),
        sa.Column('user_data', sa.Text),
        sa.Column('metadata', sa.JSON, nullable=False),
        sa.Column('system_metadata', sa.JSON, nullable=False),
        sa.Column('tags', sa.JSON, nullable=False),
        sa.Column('network_info', sa.JSON, nullable=False),
        sa.Column('requested_networks', sa.JSON),
        sa.Column('security_groups', sa.JSON, nullable=False),
        sa.Column('access_ip_v4', sa.String(64)),
        sa.Column('access_ip_v6', sa.String(64)),
        sa.Column('locked', sa.Boolean, nullable=False),
        sa.Column('locked_by', sa.String(16)),
        sa.Column('config_drive', sa.String(16)),
        sa.Column('progress', sa.Integer),
        sa.Column('reservation_id', sa.String(255)),
        sa.Column('launch_index', sa.Integer),
        sa.Column('server_group_uuid', sa.String(36)),
        sa.Column('scheduler_hints', sa.JSON),
        sa.Column('launched_at', sa.DateTime),
        sa.Column('terminated_at', sa.DateTime),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.Column('deleted_at', sa.DateTime),
        sa.Column('deleted', sa.Boolean, nullable=False),
    )
    op.create_index('ix_instances_project_deleted', 'instances', ['project_id', 'deleted'])
    op.create_index('ix_instances_host_deleted', 'instances', ['host', 'deleted'])
    op.create_table(
        'instance_faults',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('code', sa.Integer, nullable=False),
        sa.Column('message', sa.String(255)),
        sa.Column('details', sa.Text),
        sa.Column('host', sa.String(255)),
        sa.Column('created_at', sa.DateTime),
    )
    op.create_index('ix_instance_faults_instance_uuid', 'instance_faults', ['instance_uuid'])
    op.create_table(
        'instance_actions',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('action', sa.String(255), nullable=False),
        sa.Column('request_id', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(255)),
        sa.Column('user_id', sa.String(255)),
        sa.Column('message', sa.String(255)),
        sa.Column('start_time', sa.DateTime),
        sa.Column('finish_time', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
    )
    op.create_index('ix_instance_actions_instance_uuid', 'instance_actions', ['instance_uuid'])
    op.create_table(
        'instance_actions_events',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('action_id', sa.Integer,
                  sa.ForeignKey('instance_actions.id', ondelete='CASCADE'), nullable=False),
        sa.Column('event', sa.String(255), nullable=False),
        sa.Column('result', sa.String(255)),
        sa.Column('traceback', sa.Text),
        sa.Column('host', sa.String(255)),
        sa.Column('start_time', sa.DateTime),
        sa.Column('finish_time', sa.DateTime),
    )
    op.create_index('ix_instance_actions_events_action_id', 'instance_actions_events',
                    ['action_id'])
    op.create_table(
        'server_groups',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('policy', sa.String(64), nullable=False),
        sa.Column('rules', sa.JSON, nullable=False),
        sa.Column('created_at', sa.DateTime),
    )
    op.create_table(
        'aggregates',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False, unique=True),
        sa.Column('name', sa.String(255), nullable=False, unique=True),
        sa.Column('metadata', sa.JSON, nullable=False),
        sa.Column('hosts', sa.JSON, nullable=False),
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
    )
    op.create_table(
        'quotas',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('resource', sa.String(255), nullable=False),
        sa.Column('hard_limit', sa.Integer, nullable=False),
        sa.UniqueConstraint('project_id', 'resource'),
    )
