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
