"""Tables of the image service."""

import sqlalchemy as sa
from sqlalchemy import orm


class Base(orm.DeclarativeBase):
    pass


class Image(Base):
    __tablename__ = 'images'
    __table_args__ = (
        sa.Index('ix_images_owner', 'owner'),
        sa.Index('ix_images_visibility', 'visibility'),
        sa.Index('ix_images_created_at', 'created_at'),
        sa.Index('ix_images_name', 'name'),
    )

    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255))
    status = sa.Column(sa.String(30), nullable=False)
    visibility = sa.Column(sa.String(20), nullable=False)
    owner = sa.Column(sa.String(255))
    size = sa.Column(sa.BigInteger)
    virtual_size = sa.Column(sa.BigInteger)
    checksum = sa.Column(sa.String(32))
    os_hash_algo = sa.Column(sa.String(64))
    os_hash_value = sa.Column(sa.String(128))
    disk_format = sa.Column(sa.String(20))
    container_format = sa.Column(sa.String(20))
    min_disk = sa.Column(sa.Integer, nullable=False, default=0)
    min_ram = sa.Column(sa.Integer, nullable=False, default=0)
    protected = sa.Column(sa.Boolean, nullable=False, default=False)
    os_hidden = sa.Column(sa.Boolean, nullable=False, default=False)
    #: Store URL of the image data once it is active (never shown to users).
    location = sa.Column(sa.Text)
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)

    properties = orm.relationship('ImageProperty', cascade='all, delete-orphan',
                                  lazy='selectin')
    tags = orm.relationship('ImageTag', cascade='all, delete-orphan', lazy='selectin')


class ImageProperty(Base):
    __tablename__ = 'image_properties'
    __table_args__ = (sa.UniqueConstraint('image_id', 'name', name='uq_image_property'),
                      sa.Index('ix_image_properties_name', 'name'))

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    image_id = sa.Column(sa.String(36), sa.ForeignKey('images.id', ondelete='CASCADE'),
                         nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.Text)


class ImageTag(Base):
    __tablename__ = 'image_tags'
    __table_args__ = (sa.UniqueConstraint('image_id', 'value', name='uq_image_tag'),
                      sa.Index('ix_image_tags_value', 'value'))

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    image_id = sa.Column(sa.String(36), sa.ForeignKey('images.id', ondelete='CASCADE'),
                         nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


class ImageMember(Base):
    __tablename__ = 'image_members'
    __table_args__ = (sa.UniqueConstraint('image_id', 'member', name='uq_image_member'),
                      sa.Index('ix_image_members_member', 'member'))

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    image_id = sa.Column(sa.String(36), sa.ForeignKey('images.id', ondelete='CASCADE'),
                         nullable=False)
    member = sa.Column(sa.String(255), nullable=False)
    status = sa.Column(sa.String(20), nullable=False, default='pending')
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)


# -- metadata definitions (metadefs) --------------------------------------------------

class MetadefNamespace(Base):
    __tablename__ = 'metadef_namespaces'
    __table_args__ = (sa.Index('ix_metadef_namespaces_owner', 'owner'),)

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    namespace = sa.Column(sa.String(80), nullable=False, unique=True)
    display_name = sa.Column(sa.String(80))
    description = sa.Column(sa.Text)
    visibility = sa.Column(sa.String(32), nullable=False)
    protected = sa.Column(sa.Boolean, nullable=False, default=False)
    owner = sa.Column(sa.String(255))
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)


class MetadefResourceType(Base):
    __tablename__ = 'metadef_resource_types'

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    name = sa.Column(sa.String(80), nullable=False, unique=True)
    protected = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)


class MetadefAssociation(Base):
    """A namespace associated with a resource type (``resource_type_associations``)."""
    __tablename__ = 'metadef_namespace_resource_types'

    namespace_id = sa.Column(sa.Integer, sa.ForeignKey('metadef_namespaces.id',
                                                       ondelete='CASCADE'),
                             primary_key=True)
    resource_type_id = sa.Column(sa.Integer, sa.ForeignKey('metadef_resource_types.id',
                                                           ondelete='CASCADE'),
                                 primary_key=True)
    prefix = sa.Column(sa.String(80))
    properties_target = sa.Column(sa.String(80))
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)


class MetadefChild(Base):
    """An object, property or tag of a namespace: ``kind`` says which.

    ``body`` is the JSON document of the definition without its name (an
    object's description, required list and properties; a property's JSON
    schema; nothing for a tag).
    """
    __tablename__ = 'metadef_definitions'
    __table_args__ = (sa.UniqueConstraint('namespace_id', 'kind', 'name',
                                          name='uq_metadef_definition'),)

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    namespace_id = sa.Column(sa.Integer, sa.ForeignKey('metadef_namespaces.id',
                                                       ondelete='CASCADE'),
                             nullable=False)
    kind = sa.Column(sa.String(16), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    body = sa.Column(sa.Text, nullable=False, default='{}')
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)


class Task(Base):
    """An asynchronous task (``/v2/tasks``): ``input`` and ``result`` are JSON."""
    __tablename__ = 'tasks'
    __table_args__ = (sa.Index('ix_tasks_owner', 'owner'),)

    id = sa.Column(sa.String(36), primary_key=True)
    type = sa.Column(sa.String(30), nullable=False)
    status = sa.Column(sa.String(30), nullable=False)
    owner = sa.Column(sa.String(255))
    input = sa.Column(sa.Text, nullable=False)
    result = sa.Column(sa.Text)
    message = sa.Column(sa.Text, nullable=False, default='')
    expires_at = sa.Column(sa.DateTime)
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)
