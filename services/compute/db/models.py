"""Compute database schema (conductor only)."""

import sqlalchemy as sa
from sqlalchemy import orm


class Base(orm.DeclarativeBase):
    pass


def _ts():
    return sa.Column(sa.DateTime)


class Service(Base):
    __tablename__ = 'services'
    __table_args__ = (sa.UniqueConstraint('host', 'binary', name='uniq_services_host_binary'),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255))
    disabled = sa.Column(sa.Boolean, default=False, nullable=False)
    disabled_reason = sa.Column(sa.String(255))
    forced_down = sa.Column(sa.Boolean, default=False, nullable=False)
    last_seen_at = _ts()
    report_count = sa.Column(sa.Integer, default=0, nullable=False)
    version = sa.Column(sa.String(16))
    created_at = _ts()
    updated_at = _ts()


class ComputeNode(Base):
    __tablename__ = 'compute_nodes'
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    host = sa.Column(sa.String(255), nullable=False, unique=True)
    hypervisor_hostname = sa.Column(sa.String(255), nullable=False)
    hypervisor_type = sa.Column(sa.String(64), nullable=False)
    hypervisor_version = sa.Column(sa.Integer, default=0)
    host_ip = sa.Column(sa.String(64))
    cpu_info = sa.Column(sa.JSON)
    vcpus = sa.Column(sa.Integer, default=0, nullable=False)
    memory_mb = sa.Column(sa.Integer, default=0, nullable=False)
    local_gb = sa.Column(sa.Integer, default=0, nullable=False)
    vcpus_used = sa.Column(sa.Integer, default=0, nullable=False)
    memory_mb_used = sa.Column(sa.Integer, default=0, nullable=False)
    local_gb_used = sa.Column(sa.Integer, default=0, nullable=False)
    running_vms = sa.Column(sa.Integer, default=0, nullable=False)
    cpu_allocation_ratio = sa.Column(sa.Float, default=16.0, nullable=False)
    ram_allocation_ratio = sa.Column(sa.Float, default=1.5, nullable=False)
    disk_allocation_ratio = sa.Column(sa.Float, default=1.0, nullable=False)
    # Placement view of the node (revision 0002): capacity an operator holds
    # back, the provider generation, and inventory settings set through the
    # placement API (min/max unit, step size, allocation ratios it pinned).
    vcpus_reserved = sa.Column(sa.Integer, default=0, nullable=False, server_default='0')
    memory_mb_reserved = sa.Column(sa.Integer, default=0, nullable=False, server_default='0')
    local_gb_reserved = sa.Column(sa.Integer, default=0, nullable=False, server_default='0')
    generation = sa.Column(sa.Integer, default=0, nullable=False, server_default='0')
    inventory_settings = sa.Column(sa.JSON)
    created_at = _ts()
    updated_at = _ts()


class Flavor(Base):
    __tablename__ = 'flavors'
    id = sa.Column(sa.Integer, primary_key=True)
    flavorid = sa.Column(sa.String(255), nullable=False, unique=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    vcpus = sa.Column(sa.Integer, nullable=False)
    root_gb = sa.Column(sa.Integer, nullable=False, default=0)
    ephemeral_gb = sa.Column(sa.Integer, nullable=False, default=0)
    swap = sa.Column(sa.Integer, nullable=False, default=0)
    rxtx_factor = sa.Column(sa.Float, nullable=False, default=1.0)
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    description = sa.Column(sa.Text)
    extra_specs = sa.Column(sa.JSON, nullable=False, default=dict)
    created_at = _ts()
    updated_at = _ts()


class FlavorProject(Base):
    __tablename__ = 'flavor_projects'
    __table_args__ = (sa.UniqueConstraint('flavor_id', 'project_id'),)
    id = sa.Column(sa.Integer, primary_key=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id', ondelete='CASCADE'),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class KeyPair(Base):
    __tablename__ = 'key_pairs'
    __table_args__ = (sa.UniqueConstraint('user_id', 'name'),)
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    fingerprint = sa.Column(sa.String(255))
    public_key = sa.Column(sa.Text, nullable=False)
    type = sa.Column(sa.String(16), nullable=False, default='ssh')
    created_at = _ts()


class Instance(Base):
    __tablename__ = 'instances'
    __table_args__ = (sa.Index('ix_instances_project_deleted', 'project_id', 'deleted'),
                      sa.Index('ix_instances_host_deleted', 'host', 'deleted'))
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.Text)
    hostname = sa.Column(sa.String(255))
    host = sa.Column(sa.String(255))
    node = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    requested_availability_zone = sa.Column(sa.String(255))
    vm_state = sa.Column(sa.String(32), nullable=False)
    task_state = sa.Column(sa.String(32))
    power_state = sa.Column(sa.Integer, nullable=False, default=0)
    image_ref = sa.Column(sa.String(255))
    flavor = sa.Column(sa.JSON, nullable=False)
    old_flavor = sa.Column(sa.JSON)
    new_flavor = sa.Column(sa.JSON)
    vcpus = sa.Column(sa.Integer, nullable=False, default=0)
    memory_mb = sa.Column(sa.Integer, nullable=False, default=0)
    root_gb = sa.Column(sa.Integer, nullable=False, default=0)
    key_name = sa.Column(sa.String(255))
    key_data = sa.Column(sa.Text)
    user_data = sa.Column(sa.Text)
    metadata_ = sa.Column('metadata', sa.JSON, nullable=False, default=dict)
    system_metadata = sa.Column(sa.JSON, nullable=False, default=dict)
    tags = sa.Column(sa.JSON, nullable=False, default=list)
    network_info = sa.Column(sa.JSON, nullable=False, default=list)
    requested_networks = sa.Column(sa.JSON)
    security_groups = sa.Column(sa.JSON, nullable=False, default=list)
    access_ip_v4 = sa.Column(sa.String(64))
    access_ip_v6 = sa.Column(sa.String(64))
    locked = sa.Column(sa.Boolean, nullable=False, default=False)
    locked_by = sa.Column(sa.String(16))
    config_drive = sa.Column(sa.String(16), default='')
    auto_disk_config = sa.Column(sa.Boolean)
    progress = sa.Column(sa.Integer, default=0)
    reservation_id = sa.Column(sa.String(255))
    launch_index = sa.Column(sa.Integer, default=0)
    server_group_uuid = sa.Column(sa.String(36))
    scheduler_hints = sa.Column(sa.JSON)
    launched_at = _ts()
    terminated_at = _ts()
    created_at = _ts()
    updated_at = _ts()
    deleted_at = _ts()
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class InstanceFault(Base):
    __tablename__ = 'instance_faults'
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False, index=True)
    code = sa.Column(sa.Integer, nullable=False)
    message = sa.Column(sa.String(255))
    details = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    created_at = _ts()


class InstanceAction(Base):
    __tablename__ = 'instance_actions'
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False, index=True)
    action = sa.Column(sa.String(255), nullable=False)
    request_id = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    message = sa.Column(sa.String(255))
    start_time = _ts()
    finish_time = _ts()
    updated_at = _ts()


class InstanceActionEvent(Base):
    __tablename__ = 'instance_actions_events'
    id = sa.Column(sa.Integer, primary_key=True)
    action_id = sa.Column(sa.Integer, sa.ForeignKey('instance_actions.id', ondelete='CASCADE'),
                          nullable=False, index=True)
    event = sa.Column(sa.String(255), nullable=False)
    result = sa.Column(sa.String(255))
    traceback = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    start_time = _ts()
    finish_time = _ts()


class ServerGroup(Base):
    __tablename__ = 'server_groups'
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    name = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    policy = sa.Column(sa.String(64), nullable=False)
    rules = sa.Column(sa.JSON, nullable=False, default=dict)
    created_at = _ts()


class Aggregate(Base):
    __tablename__ = 'aggregates'
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    metadata_ = sa.Column('metadata', sa.JSON, nullable=False, default=dict)
    hosts = sa.Column(sa.JSON, nullable=False, default=list)
    created_at = _ts()
    updated_at = _ts()


class QuotaClass(Base):
    """Limits of a quota class; the ``default`` class replaces the
    configured defaults (nova's quota_classes)."""
    __tablename__ = 'quota_classes'
    __table_args__ = (sa.UniqueConstraint('class_name', 'resource'),)
    id = sa.Column(sa.Integer, primary_key=True)
    class_name = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class Quota(Base):
    __tablename__ = 'quotas'
    __table_args__ = (sa.UniqueConstraint('project_id', 'resource'),)
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class PlacementResourceClass(Base):
    """A custom resource class (CUSTOM_*) created through the placement API."""
    __tablename__ = 'placement_resource_classes'
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    created_at = _ts()


class PlacementTrait(Base):
    """A custom trait (CUSTOM_*) created through the placement API."""
    __tablename__ = 'placement_traits'
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    created_at = _ts()


class PlacementProviderTrait(Base):
    """A trait set on a compute node's resource provider."""
    __tablename__ = 'placement_provider_traits'
    __table_args__ = (sa.UniqueConstraint('node_uuid', 'trait',
                                          name='uniq_placement_provider_traits'),)
    id = sa.Column(sa.Integer, primary_key=True)
    node_uuid = sa.Column(sa.String(36), nullable=False, index=True)
    trait = sa.Column(sa.String(255), nullable=False)


class BlockDeviceMapping(Base):
    """A volume a server boots from or has attached (revision 0003).

    ``attachment_id`` is the volume service's attachment; the unique keys
    make a second reservation of one device name or one volume for the same
    server fail in the database, whatever two API workers raced."""
    __tablename__ = 'block_device_mappings'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid', 'device_name', name='uniq_bdm_instance_device'),
        sa.UniqueConstraint('instance_uuid', 'volume_id', name='uniq_bdm_instance_volume'),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False, index=True)
    source_type = sa.Column(sa.String(32), nullable=False)
    destination_type = sa.Column(sa.String(32), nullable=False)
    volume_id = sa.Column(sa.String(36), index=True)
    image_id = sa.Column(sa.String(36))
    volume_size = sa.Column(sa.Integer)
    boot_index = sa.Column(sa.Integer)
    device_name = sa.Column(sa.String(255))
    disk_bus = sa.Column(sa.String(32))
    device_type = sa.Column(sa.String(32))
    delete_on_termination = sa.Column(sa.Boolean, nullable=False, default=False)
    tag = sa.Column(sa.String(255))
    attachment_id = sa.Column(sa.String(36))
    connection_info = sa.Column(sa.JSON)
    created_at = _ts()
    updated_at = _ts()


class ConsoleAuthToken(Base):
    """A console URL's token (revision 0006): only its SHA-256 is kept, with
    the one server and VNC endpoint it opens and when it expires (epoch
    seconds)."""
    __tablename__ = 'console_auth_tokens'
    id = sa.Column(sa.Integer, primary_key=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    console_type = sa.Column(sa.String(32), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    port = sa.Column(sa.Integer, nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False, index=True)
    access_url_base = sa.Column(sa.String(255))
    expires = sa.Column(sa.Integer, nullable=False, index=True)
    created_at = _ts()


class Migration(Base):
    """A server's move between hosts: resize, cold migration, evacuation
    (nova's ``migrations``), written by the conductor and the computes."""
    __tablename__ = 'migrations'
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False, index=True)
    migration_type = sa.Column(sa.String(32), nullable=False)
    status = sa.Column(sa.String(32), nullable=False)
    source_compute = sa.Column(sa.String(255))
    source_node = sa.Column(sa.String(255))
    dest_compute = sa.Column(sa.String(255))
    dest_node = sa.Column(sa.String(255))
    dest_host = sa.Column(sa.String(255))
    old_instance_type_id = sa.Column(sa.Integer)
    new_instance_type_id = sa.Column(sa.Integer)
    project_id = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    hidden = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = _ts()
    updated_at = _ts()


class TaskLog(Base):
    """One run of a periodic task on one host for one period (revision
    0007, nova's ``task_log``): the instance usage audit writes one per
    compute host and audit period."""
    __tablename__ = 'task_log'
    __table_args__ = (sa.UniqueConstraint('task_name', 'host', 'period_beginning',
                                          'period_ending', name='uniq_task_log_run'),)
    id = sa.Column(sa.Integer, primary_key=True)
    task_name = sa.Column(sa.String(255), nullable=False)
    state = sa.Column(sa.String(255), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    period_beginning = sa.Column(sa.DateTime, nullable=False, index=True)
    period_ending = sa.Column(sa.DateTime, nullable=False, index=True)
    message = sa.Column(sa.String(255), nullable=False)
    task_items = sa.Column(sa.Integer, default=0)
    errors = sa.Column(sa.Integer, default=0)
    created_at = _ts()
    updated_at = _ts()
