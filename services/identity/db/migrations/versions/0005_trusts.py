"""OS-TRUST trusts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 16:10:00

A trust delegates some of a trustor's roles on a project to a trustee
(trust), one row per delegated role (trust_role).
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Frozen copies of the model helpers: a migration must not change when
# models.py does.
DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')
MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def upgrade():
    op.create_table(
        'trust',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('trustor_user_id', sa.String(length=64), nullable=False),
        sa.Column('trustee_user_id', sa.String(length=64), nullable=False),
        sa.Column('project_id', sa.String(length=64), nullable=True),
        sa.Column('impersonation', sa.Boolean(), nullable=False),
        sa.Column('expires_at', DATETIME, nullable=True),
        sa.Column('remaining_uses', sa.Integer(), nullable=True),
        sa.Column('allow_redelegation', sa.Boolean(), nullable=False),
        sa.Column('redelegation_count', sa.Integer(), nullable=True),
        sa.Column('extra', sa.Text(), nullable=True),
        sa.Column('created_at', DATETIME, nullable=False),
        sa.PrimaryKeyConstraint('id'),
        **MYSQL_ARGS)
    op.create_index('ix_trust_trustor_user_id', 'trust', ['trustor_user_id'])
    op.create_index('ix_trust_trustee_user_id', 'trust', ['trustee_user_id'])
    op.create_table(
        'trust_role',
        sa.Column('trust_id', sa.String(length=64), nullable=False),
        sa.Column('role_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['trust_id'], ['trust.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('trust_id', 'role_id'),
        **MYSQL_ARGS)


def downgrade():
    op.drop_table('trust_role')
    op.drop_index('ix_trust_trustee_user_id', table_name='trust')
    op.drop_index('ix_trust_trustor_user_id', table_name='trust')
    op.drop_table('trust')
