"""Initial identity schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 23:54:37.175132

The full schema described in services/identity/db/models.py: domains and
projects with their tags, users, groups and memberships, roles (global
roles carry the '<<global>>' domain so their names stay unique on every
database), implied roles, role assignments, the catalog, application
credentials and revocation events.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the model helpers: a migration must not change when
# models.py does.
DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')
MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def upgrade():
    op.create_table(
        'application_credential',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('project_id', sa.String(length=64), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('secret_hash', sa.String(length=255), nullable=True),
        sa.Column('expires_at', DATETIME, nullable=True),
        sa.Column('unrestricted', sa.Boolean(), nullable=False),
        sa.Column('created_at', DATETIME, nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'name', name='uq_application_credential_user_id_name'),
        **MYSQL_ARGS)
    op.create_index('ix_application_credential_project_id', 'application_credential',
                    ['project_id'])

    op.create_table(
        'domain',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', name='uq_domain_name'),
        **MYSQL_ARGS)
    op.create_table(
        'group',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('domain_id', 'name', name='uq_group_domain_id_name'),
        **MYSQL_ARGS)
    op.create_table(
        'project',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('parent_id', sa.String(length=64), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('domain_id', 'name', name='uq_project_domain_id_name'),
        **MYSQL_ARGS)
    op.create_index('ix_project_parent_id', 'project', ['parent_id'])

    op.create_table(
        'region',
        sa.Column('id', sa.String(length=255), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('parent_region_id', sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(['parent_region_id'], ['region.id'], ),
        sa.PrimaryKeyConstraint('id'),
        **MYSQL_ARGS)
    op.create_index('ix_region_parent_region_id', 'region', ['parent_region_id'])

    op.create_table(
        'revocation_event',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=True),
        sa.Column('project_id', sa.String(length=64), nullable=True),
        sa.Column('domain_id', sa.String(length=64), nullable=True),
        sa.Column('role_id', sa.String(length=64), nullable=True),
        sa.Column('audit_id', sa.String(length=64), nullable=True),
        sa.Column('audit_chain_id', sa.String(length=64), nullable=True),
        sa.Column('issued_before', DATETIME, nullable=True),
        sa.Column('revoked_at', DATETIME, nullable=False),
        sa.PrimaryKeyConstraint('id'),
        **MYSQL_ARGS)
    op.create_index('ix_revocation_event_issued_before', 'revocation_event', ['issued_before'])
    op.create_index('ix_revocation_event_revoked_at', 'revocation_event', ['revoked_at'])

    op.create_table(
        'role',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'domain_id', name='uq_role_name_domain_id'),
        **MYSQL_ARGS)
    op.create_table(
        'service',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('type', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        **MYSQL_ARGS)
    op.create_table(
        'user',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('default_project_id', sa.String(length=64), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('email', sa.String(length=255), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('password_expires_at', DATETIME, nullable=True),
        sa.Column('extra', sa.Text(), nullable=True),
        sa.Column('created_at', DATETIME, nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('domain_id', 'name', name='uq_user_domain_id_name'),
        **MYSQL_ARGS)
    op.create_table(
        'application_credential_role',
        sa.Column('application_credential_id', sa.String(length=64), nullable=False),
        sa.Column('role_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['application_credential_id'], ['application_credential.id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('application_credential_id', 'role_id'),
        **MYSQL_ARGS)
    op.create_table(
        'assignment',
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.String(length=64), nullable=False),
        sa.Column('target_id', sa.String(length=64), nullable=False),
        sa.Column('role_id', sa.String(length=64), nullable=False),
        sa.Column('inherited', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['role_id'], ['role.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('type', 'actor_id', 'target_id', 'role_id', 'inherited'),
        **MYSQL_ARGS)
    op.create_index('ix_assignment_actor_id', 'assignment', ['actor_id'])
    op.create_index('ix_assignment_role_id', 'assignment', ['role_id'])
    op.create_index('ix_assignment_target_id', 'assignment', ['target_id'])

    op.create_table(
        'domain_tag',
        sa.Column('domain_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['domain_id'], ['domain.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('domain_id', 'name'),
        **MYSQL_ARGS)
    op.create_table(
        'endpoint',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('interface', sa.String(length=16), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('region_id', sa.String(length=255), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        **MYSQL_ARGS)
    op.create_index('ix_endpoint_region_id', 'endpoint', ['region_id'])
    op.create_index('ix_endpoint_service_id', 'endpoint', ['service_id'])

    op.create_table(
        'implied_role',
        sa.Column('prior_role_id', sa.String(length=64), nullable=False),
        sa.Column('implied_role_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['implied_role_id'], ['role.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['prior_role_id'], ['role.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('prior_role_id', 'implied_role_id'),
        **MYSQL_ARGS)
    op.create_index('ix_implied_role_implied_role_id', 'implied_role', ['implied_role_id'])

    op.create_table(
        'project_tag',
        sa.Column('project_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', 'name'),
        **MYSQL_ARGS)
    op.create_index('ix_project_tag_name', 'project_tag', ['name'])

    op.create_table(
        'user_group_membership',
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('group_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'group_id'),
        **MYSQL_ARGS)
    op.create_index('ix_user_group_membership_group_id', 'user_group_membership', ['group_id'])

