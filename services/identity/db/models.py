"""SQLAlchemy models of the identity service.

Names are unique per domain (users, groups, projects, roles) and the
database enforces it.  Global roles have no domain, but NULL never clashes
in a unique constraint, so ``role.domain_id`` stores :data:`GLOBAL_DOMAIN`
instead of NULL and the drivers translate at the edge.

On MySQL/MariaDB every table uses the ``utf8mb4_bin`` collation so names
compare exactly as they do on SQLite and PostgreSQL (the default MySQL
collation would make "Alice" clash with "alice").
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

#: ``role.domain_id`` of global roles (never a real domain id: not hex).
GLOBAL_DOMAIN = '<<global>>'

ID = sa.String(64)
NAME = sa.String(255)
# Fractional seconds: revocation compares token issue times to the microsecond.
DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')
# MySQL's TEXT stops at 64 KiB; an encrypted blob is about 4/3 of its plaintext.
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql', 'mariadb')

MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


class Base(orm.DeclarativeBase):
    pass


class Domain(Base):
    __tablename__ = 'domain'
    __table_args__ = (sa.UniqueConstraint('name', name='uq_domain_name'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    description = sa.Column(sa.Text)
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    tags = orm.relationship('DomainTag', lazy='selectin', cascade='all, delete-orphan',
                            passive_deletes=True)


class DomainTag(Base):
    __tablename__ = 'domain_tag'
    __table_args__ = (MYSQL_ARGS,)
    domain_id = sa.Column(ID, sa.ForeignKey('domain.id', ondelete='CASCADE'),
                          primary_key=True)
    name = sa.Column(NAME, primary_key=True)


class Project(Base):
    __tablename__ = 'project'
    __table_args__ = (
        sa.UniqueConstraint('domain_id', 'name', name='uq_project_domain_id_name'),
        sa.Index('ix_project_parent_id', 'parent_id'),
        MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    domain_id = sa.Column(ID, nullable=False)
    parent_id = sa.Column(ID)
    description = sa.Column(sa.Text)
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    extra = sa.Column(sa.Text)          # JSON object: properties keystone keeps as given
    tags = orm.relationship('ProjectTag', lazy='selectin', cascade='all, delete-orphan',
                            passive_deletes=True)


class ProjectTag(Base):
    __tablename__ = 'project_tag'
    __table_args__ = (sa.Index('ix_project_tag_name', 'name'), MYSQL_ARGS)
    project_id = sa.Column(ID, sa.ForeignKey('project.id', ondelete='CASCADE'),
                           primary_key=True)
    name = sa.Column(NAME, primary_key=True)


class User(Base):
    __tablename__ = 'user'
    __table_args__ = (
        sa.UniqueConstraint('domain_id', 'name', name='uq_user_domain_id_name'),
        MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    domain_id = sa.Column(ID, nullable=False)
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    default_project_id = sa.Column(ID)
    description = sa.Column(sa.Text)
    email = sa.Column(NAME)
    password_hash = sa.Column(NAME)
    password_expires_at = sa.Column(DATETIME)
    extra = sa.Column(sa.Text)          # JSON object
    created_at = sa.Column(DATETIME, nullable=False)
    # [security_compliance]: lockout, inactivity, password age; options as JSON
    failed_auth_count = sa.Column(sa.Integer)
    failed_auth_at = sa.Column(DATETIME)
    last_active_at = sa.Column(DATETIME)
    password_created_at = sa.Column(DATETIME)
    password_self_service = sa.Column(sa.Boolean)
    options = sa.Column(sa.Text)


class PasswordHistory(Base):
    """Every password a user had (its hash), for unique_last_password_count."""
    __tablename__ = 'password_history'
    __table_args__ = (sa.Index('ix_password_history_user_id', 'user_id'), MYSQL_ARGS)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    user_id = sa.Column(ID, sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False)
    password_hash = sa.Column(NAME, nullable=False)
    created_at = sa.Column(DATETIME, nullable=False)


class Group(Base):
    __tablename__ = 'group'
    __table_args__ = (
        sa.UniqueConstraint('domain_id', 'name', name='uq_group_domain_id_name'),
        MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    domain_id = sa.Column(ID, nullable=False)
    description = sa.Column(sa.Text)


class UserGroupMembership(Base):
    __tablename__ = 'user_group_membership'
    __table_args__ = (sa.Index('ix_user_group_membership_group_id', 'group_id'),
                      MYSQL_ARGS)
    user_id = sa.Column(ID, sa.ForeignKey('user.id', ondelete='CASCADE'),
                        primary_key=True)
    group_id = sa.Column(ID, sa.ForeignKey('group.id', ondelete='CASCADE'),
                         primary_key=True)


class Role(Base):
    __tablename__ = 'role'
    __table_args__ = (
        sa.UniqueConstraint('name', 'domain_id', name='uq_role_name_domain_id'),
        MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    domain_id = sa.Column(ID, nullable=False, default=GLOBAL_DOMAIN)
    description = sa.Column(sa.Text)


class ImpliedRole(Base):
    __tablename__ = 'implied_role'
    __table_args__ = (sa.Index('ix_implied_role_implied_role_id', 'implied_role_id'),
                      MYSQL_ARGS)
    prior_role_id = sa.Column(ID, sa.ForeignKey('role.id', ondelete='CASCADE'),
                              primary_key=True)
    implied_role_id = sa.Column(ID, sa.ForeignKey('role.id', ondelete='CASCADE'),
                                primary_key=True)


class Assignment(Base):
    __tablename__ = 'assignment'
    __table_args__ = (
        sa.Index('ix_assignment_actor_id', 'actor_id'),
        sa.Index('ix_assignment_target_id', 'target_id'),
        sa.Index('ix_assignment_role_id', 'role_id'),
        MYSQL_ARGS)
    type = sa.Column(sa.String(16), primary_key=True)
    actor_id = sa.Column(ID, primary_key=True)
    target_id = sa.Column(ID, primary_key=True)
    role_id = sa.Column(ID, sa.ForeignKey('role.id', ondelete='CASCADE'),
                        primary_key=True)
    inherited = sa.Column(sa.Boolean, primary_key=True, default=False)


class Region(Base):
    __tablename__ = 'region'
    __table_args__ = (sa.Index('ix_region_parent_region_id', 'parent_region_id'),
                      MYSQL_ARGS)
    id = sa.Column(NAME, primary_key=True)
    description = sa.Column(sa.Text)
    parent_region_id = sa.Column(NAME, sa.ForeignKey('region.id'))


class Service(Base):
    __tablename__ = 'service'
    __table_args__ = (MYSQL_ARGS,)
    id = sa.Column(ID, primary_key=True)
    type = sa.Column(NAME, nullable=False)
    name = sa.Column(NAME)
    description = sa.Column(sa.Text)
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    endpoints = orm.relationship('Endpoint', lazy='raise', passive_deletes=True)


class Endpoint(Base):
    __tablename__ = 'endpoint'
    __table_args__ = (sa.Index('ix_endpoint_service_id', 'service_id'),
                      sa.Index('ix_endpoint_region_id', 'region_id'),
                      MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    service_id = sa.Column(ID, sa.ForeignKey('service.id', ondelete='CASCADE'),
                           nullable=False)
    interface = sa.Column(sa.String(16), nullable=False)
    url = sa.Column(sa.Text, nullable=False)
    region_id = sa.Column(NAME, sa.ForeignKey('region.id'))
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)


class ApplicationCredential(Base):
    __tablename__ = 'application_credential'
    __table_args__ = (
        sa.UniqueConstraint('user_id', 'name', name='uq_application_credential_user_id_name'),
        sa.Index('ix_application_credential_project_id', 'project_id'),
        MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    user_id = sa.Column(ID, nullable=False)
    project_id = sa.Column(ID)
    description = sa.Column(sa.Text)
    secret_hash = sa.Column(NAME)
    expires_at = sa.Column(DATETIME)
    unrestricted = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(DATETIME, nullable=False)
    roles = orm.relationship('ApplicationCredentialRole', lazy='selectin',
                             cascade='all, delete-orphan', passive_deletes=True)


class ApplicationCredentialRole(Base):
    __tablename__ = 'application_credential_role'
    __table_args__ = (MYSQL_ARGS,)
    application_credential_id = sa.Column(
        ID, sa.ForeignKey('application_credential.id', ondelete='CASCADE'),
        primary_key=True)
    role_id = sa.Column(ID, primary_key=True)


class RevocationEvent(Base):
    __tablename__ = 'revocation_event'
    __table_args__ = (sa.Index('ix_revocation_event_revoked_at', 'revoked_at'),
                      sa.Index('ix_revocation_event_issued_before', 'issued_before'),
                      MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    user_id = sa.Column(ID)
    project_id = sa.Column(ID)
    domain_id = sa.Column(ID)
    role_id = sa.Column(ID)
    audit_id = sa.Column(ID)
    audit_chain_id = sa.Column(ID)
    app_cred_id = sa.Column(ID)
    issued_before = sa.Column(DATETIME)
    revoked_at = sa.Column(DATETIME, nullable=False)


class Credential(Base):
    """A credential; the blob is stored fernet-encrypted with the key whose
    SHA-256 is ``key_hash`` (so a lost or replaced key is recognised)."""
    __tablename__ = 'credential'
    __table_args__ = (sa.Index('ix_credential_user_id', 'user_id'),
                      sa.Index('ix_credential_project_id', 'project_id'),
                      MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    user_id = sa.Column(ID, nullable=False)
    project_id = sa.Column(ID)
    type = sa.Column(NAME, nullable=False)
    encrypted_blob = sa.Column(LONG_TEXT, nullable=False)
    key_hash = sa.Column(ID, nullable=False)
    extra = sa.Column(sa.Text)          # JSON object


class Trust(Base):
    __tablename__ = 'trust'
    __table_args__ = (
        sa.Index('ix_trust_trustor_user_id', 'trustor_user_id'),
        sa.Index('ix_trust_trustee_user_id', 'trustee_user_id'),
        MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    trustor_user_id = sa.Column(ID, nullable=False)
    trustee_user_id = sa.Column(ID, nullable=False)
    project_id = sa.Column(ID)
    impersonation = sa.Column(sa.Boolean, nullable=False, default=False)
    expires_at = sa.Column(DATETIME)
    remaining_uses = sa.Column(sa.Integer)
    allow_redelegation = sa.Column(sa.Boolean, nullable=False, default=False)
    redelegation_count = sa.Column(sa.Integer)
    extra = sa.Column(sa.Text)          # JSON object
    created_at = sa.Column(DATETIME, nullable=False)
    roles = orm.relationship('TrustRole', lazy='selectin', cascade='all, delete-orphan',
                             passive_deletes=True)


class TrustRole(Base):
    __tablename__ = 'trust_role'
    __table_args__ = (MYSQL_ARGS,)
    trust_id = sa.Column(ID, sa.ForeignKey('trust.id', ondelete='CASCADE'),
                         primary_key=True)
    role_id = sa.Column(ID, primary_key=True)


class RegisteredLimit(Base):
    __tablename__ = 'registered_limit'
    __table_args__ = (sa.Index('ix_registered_limit_service_id', 'service_id'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    service_id = sa.Column(ID, nullable=False)
    region_id = sa.Column(ID)
    resource_name = sa.Column(NAME, nullable=False)
    default_limit = sa.Column(sa.Integer, nullable=False)
    description = sa.Column(sa.Text)


class Limit(Base):
    __tablename__ = 'limit'
    __table_args__ = (sa.Index('ix_limit_project_id', 'project_id'),
                      sa.Index('ix_limit_domain_id', 'domain_id'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    project_id = sa.Column(ID)
    domain_id = sa.Column(ID)
    service_id = sa.Column(ID, nullable=False)
    region_id = sa.Column(ID)
    resource_name = sa.Column(NAME, nullable=False)
    resource_limit = sa.Column(sa.Integer, nullable=False)
    description = sa.Column(sa.Text)


class Policy(Base):
    __tablename__ = 'policy'
    __table_args__ = (MYSQL_ARGS,)
    id = sa.Column(ID, primary_key=True)
    type = sa.Column(NAME, nullable=False)
    blob = sa.Column(LONG_TEXT, nullable=False)
    extra = sa.Column(sa.Text)          # JSON object


class EndpointGroup(Base):
    __tablename__ = 'endpoint_group'
    __table_args__ = (MYSQL_ARGS,)
    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    description = sa.Column(sa.Text)
    filters = sa.Column(sa.Text, nullable=False)     # JSON object


class ProjectEndpoint(Base):
    __tablename__ = 'project_endpoint'
    __table_args__ = (
        sa.UniqueConstraint('endpoint_id', 'project_id',
                            name='uq_project_endpoint_endpoint_id_project_id'),
        sa.Index('ix_project_endpoint_project_id', 'project_id'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    endpoint_id = sa.Column(ID, nullable=False)
    project_id = sa.Column(ID, nullable=False)


class ProjectEndpointGroup(Base):
    __tablename__ = 'project_endpoint_group'
    __table_args__ = (
        sa.UniqueConstraint('endpoint_group_id', 'project_id',
                            name='uq_project_endpoint_group_group_id_project_id'),
        sa.Index('ix_project_endpoint_group_project_id', 'project_id'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    endpoint_group_id = sa.Column(ID, nullable=False)
    project_id = sa.Column(ID, nullable=False)


class AccessRule(Base):
    __tablename__ = 'access_rule'
    __table_args__ = (sa.Index('ix_access_rule_user_id', 'user_id'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    user_id = sa.Column(ID, nullable=False)
    service = sa.Column(NAME, nullable=False)
    path = sa.Column(NAME, nullable=False)
    method = sa.Column(sa.String(16), nullable=False)


class ApplicationCredentialAccessRule(Base):
    __tablename__ = 'application_credential_access_rule'
    __table_args__ = (
        sa.Index('ix_app_cred_access_rule_app_cred_id', 'application_credential_id'),
        sa.Index('ix_app_cred_access_rule_access_rule_id', 'access_rule_id'), MYSQL_ARGS)
    id = sa.Column(ID, primary_key=True)
    application_credential_id = sa.Column(ID, nullable=False)
    access_rule_id = sa.Column(ID, nullable=False)


class Consumer(Base):
    __tablename__ = 'consumer'
    __table_args__ = (MYSQL_ARGS,)
    id = sa.Column(ID, primary_key=True)
    description = sa.Column(sa.Text)
    secret = sa.Column(NAME, nullable=False)
    extra = sa.Column(sa.Text)          # JSON object


class DomainConfig(Base):
    __tablename__ = 'domain_config'
    __table_args__ = (MYSQL_ARGS,)
    id = sa.Column(ID, primary_key=True)         # the domain's id
    config = sa.Column(sa.Text, nullable=False)  # JSON: {group: {option: value}}
