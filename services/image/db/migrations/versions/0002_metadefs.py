"""Metadata definitions: namespaces, resource types and their associations,
and the objects, properties and tags of each namespace.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _stamps():
    return [sa.Column('created_at', sa.DateTime, nullable=False),
            sa.Column('updated_at', sa.DateTime, nullable=False)]


def upgrade():
    op.create_table(
        'metadef_namespaces',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('namespace', sa.String(80), nullable=False, unique=True),
        sa.Column('display_name', sa.String(80)),
        sa.Column('description', sa.Text),
        sa.Column('visibility', sa.String(32), nullable=False),
        sa.Column('protected', sa.Boolean, nullable=False),
        sa.Column('owner', sa.String(255)),
        *_stamps(),
    )
    op.create_index('ix_metadef_namespaces_owner', 'metadef_namespaces', ['owner'])
    op.create_table(
        'metadef_resource_types',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('name', sa.String(80), nullable=False, unique=True),
        sa.Column('protected', sa.Boolean, nullable=False),
        *_stamps(),
    )
    op.create_table(
        'metadef_namespace_resource_types',
        sa.Column('namespace_id', sa.Integer,
                  sa.ForeignKey('metadef_namespaces.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('resource_type_id', sa.Integer,
                  sa.ForeignKey('metadef_resource_types.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('prefix', sa.String(80)),
        sa.Column('properties_target', sa.String(80)),
        *_stamps(),
    )
    op.create_table(
        'metadef_definitions',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('namespace_id', sa.Integer,
                  sa.ForeignKey('metadef_namespaces.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('body', sa.Text, nullable=False),
        *_stamps(),
        sa.UniqueConstraint('namespace_id', 'kind', 'name', name='uq_metadef_definition'),
    )
