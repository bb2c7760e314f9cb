"""Volume database schema (conductor only)."""

import sqlalchemy as sa
from sqlalchemy import orm


class Base(orm.DeclarativeBase):
    pass


def _ts():
    return sa.Column(sa.DateTime)


class Service(Base):
    """A heartbeating daemon; a backend's capacity report rides in
    ``capabilities``."""
    __tablename__ = 'services'
    __table_args__ = (sa.UniqueConstraint('host', 'binary', name='uniq_services_host_binary'),)
    id = sa.Column(sa.Integer, primary_key=True)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    disabled = sa.Column(sa.Boolean, default=False, nullable=False)
    disabled_reason = sa.Column(sa.String(255))
    last_seen_at = _ts()
    report_count = sa.Column(sa.Integer, default=0, nullable=False)
    capabilities = sa.Column(sa.JSON)
    capabilities_at = _ts()
    version = sa.Column(sa.String(16))
    created_at = _ts()
    updated_at = _ts()


class VolumeType(Base):
    __tablename__ = 'volume_types'
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    description = sa.Column(sa.String(255))
    is_public = sa.Column(sa.Boolean, default=True, nullable=False)
    qos_specs_id = sa.Column(sa.String(36))
    created_at = _ts()
    updated_at = _ts()


class VolumeTypeExtraSpec(Base):
    __tablename__ = 'volume_type_extra_specs'
    __table_args__ = (sa.UniqueConstraint('volume_type_id', 'key',
                                          name='uniq_type_extra_specs_key'),)
    id = sa.Column(sa.Integer, primary_key=True)
    volume_type_id = sa.Column(sa.String(36), sa.ForeignKey('volume_types.id',
                                                            ondelete='CASCADE'),
                               nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class VolumeTypeProject(Base):
    __tablename__ = 'volume_type_projects'
    __table_args__ = (sa.UniqueConstraint('volume_type_id', 'project_id',
                                          name='uniq_type_projects'),)
    id = sa.Column(sa.Integer, primary_key=True)
    volume_type_id = sa.Column(sa.String(36), sa.ForeignKey('volume_types.id',
                                                            ondelete='CASCADE'),
                               nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class Volume(Base):
    __tablename__ = 'volumes'
    __table_args__ = (sa.Index('volumes_project_id_idx', 'project_id'),
                      sa.Index('volumes_host_idx', 'host'))
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    name = sa.Column(sa.String(255))
    description = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(32), nullable=False)
    attach_status = sa.Column(sa.String(32), nullable=False)
    migration_status = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    host = sa.Column(sa.String(255))
    volume_type_id = sa.Column(sa.String(36), sa.ForeignKey('volume_types.id'))
    snapshot_id = sa.Column(sa.String(36))
    source_volid = sa.Column(sa.String(36))
    image_id = sa.Column(sa.String(36))
    image_metadata = sa.Column(sa.JSON)
    bootable = sa.Column(sa.Boolean, default=False, nullable=False)
    readonly = sa.Column(sa.Boolean, default=False, nullable=False)
    multiattach = sa.Column(sa.Boolean, default=False, nullable=False)
    #: cinder's admin metadata that volume bodies show (``readonly``)
    admin_metadata = sa.Column(sa.JSON)
    error_reason = sa.Column(sa.String(255))
    created_at = _ts()
    updated_at = _ts()
    launched_at = _ts()


class VolumeMetadata(Base):
    __tablename__ = 'volume_metadata'
    __table_args__ = (sa.UniqueConstraint('volume_id', 'key', name='uniq_volume_metadata_key'),)
    id = sa.Column(sa.Integer, primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey('volumes.id', ondelete='CASCADE'),
                          nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class Snapshot(Base):
    __tablename__ = 'snapshots'
    __table_args__ = (sa.Index('snapshots_project_id_idx', 'project_id'),)
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    volume_id = sa.Column(sa.String(36), sa.ForeignKey('volumes.id'), nullable=False)
    name = sa.Column(sa.String(255))
    description = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(32), nullable=False)
    progress = sa.Column(sa.String(16))
    error_reason = sa.Column(sa.String(255))
    created_at = _ts()
    updated_at = _ts()


class SnapshotMetadata(Base):
    __tablename__ = 'snapshot_metadata'
    __table_args__ = (sa.UniqueConstraint('snapshot_id', 'key',
                                          name='uniq_snapshot_metadata_key'),)
    id = sa.Column(sa.Integer, primary_key=True)
    snapshot_id = sa.Column(sa.String(36), sa.ForeignKey('snapshots.id', ondelete='CASCADE'),
                            nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class Attachment(Base):
    __tablename__ = 'volume_attachments'
    __table_args__ = (sa.Index('volume_attachments_volume_id_idx', 'volume_id'),)
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey('volumes.id'), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    instance_uuid = sa.Column(sa.String(36))
    attached_host = sa.Column(sa.String(255))
    mountpoint = sa.Column(sa.String(255))
    attach_status = sa.Column(sa.String(32), nullable=False)
    attach_mode = sa.Column(sa.String(8), nullable=False)
    connector = sa.Column(sa.JSON)
    connection_info = sa.Column(sa.JSON)
    attached_at = _ts()
    detached_at = _ts()
    created_at = _ts()
    updated_at = _ts()


class Quota(Base):
    __tablename__ = 'quotas'
    __table_args__ = (sa.UniqueConstraint('project_id', 'resource',
                                          name='uniq_quotas_project_resource'),)
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)
    created_at = _ts()
    updated_at = _ts()


class QosSpecs(Base):
    """A QoS specification: ``specs`` (key: value) for a ``consumer``
    (``front-end``, ``back-end`` or ``both``); types point at it."""
    __tablename__ = 'qos_specs'
    __table_args__ = (sa.UniqueConstraint('name', name='uniq_qos_specs_name'),)
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    consumer = sa.Column(sa.String(32), nullable=False)
    specs = sa.Column(sa.JSON, nullable=False)
    created_at = _ts()
    updated_at = _ts()


class Transfer(Base):
    """A volume offered to whoever presents its auth key (kept salted and
    hashed); removed when accepted or deleted."""
    __tablename__ = 'transfers'
    __table_args__ = (sa.Index('transfers_volume_id_idx', 'volume_id'),)
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey('volumes.id'), nullable=False)
    name = sa.Column(sa.String(255))
    salt = sa.Column(sa.String(255), nullable=False)
    crypt_hash = sa.Column(sa.String(255), nullable=False)
    source_project_id = sa.Column(sa.String(255), nullable=False)
    no_snapshots = sa.Column(sa.Boolean, nullable=False)
    created_at = _ts()
    updated_at = _ts()


class Message(Base):
    """A user message: what failed in an asynchronous operation, for the
    project to read (``GET /messages``) until it expires."""
    __tablename__ = 'messages'
    __table_args__ = (sa.Index('messages_project_id_idx', 'project_id'),)
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    request_id = sa.Column(sa.String(255))
    resource_type = sa.Column(sa.String(36))
    resource_uuid = sa.Column(sa.String(36))
    event_id = sa.Column(sa.String(255), nullable=False)
    message_level = sa.Column(sa.String(255), nullable=False)
    detail = sa.Column(sa.String(255))
    created_at = _ts()
    expires_at = _ts()


class Backup(Base):
    """A copy of a volume's data kept by a backup host (``host``) outside the
    volume backends; ``volume_id`` stays after the volume is gone."""
    __tablename__ = 'backups'
    __table_args__ = (sa.Index('backups_project_id_idx', 'project_id'),
                      sa.Index('backups_parent_id_idx', 'parent_id'))
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    volume_id = sa.Column(sa.String(36), nullable=False)
    snapshot_id = sa.Column(sa.String(36))
    name = sa.Column(sa.String(255))
    description = sa.Column(sa.String(255))
    status = sa.Column(sa.String(32), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    object_count = sa.Column(sa.Integer, nullable=False)
    container = sa.Column(sa.String(255))
    host = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    fail_reason = sa.Column(sa.String(255))
    restore_volume_id = sa.Column(sa.String(36))
    parent_id = sa.Column(sa.String(36))
    num_dependent_backups = sa.Column(sa.Integer, nullable=False, default=0)
    data_timestamp = _ts()
    created_at = _ts()
    updated_at = _ts()
