"""Security compliance: lockout, password age and history, user options

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 18:45:00

Columns on ``user`` for the [security_compliance] rules (failed
authentications, last activity, when and by whom the current password was
set, the user's options as JSON) and ``password_history``: every password
a user had, newest last, for unique_last_password_count.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')
MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def upgrade():
    op.add_column('user', sa.Column('failed_auth_count', sa.Integer(), nullable=True))
    op.add_column('user', sa.Column('failed_auth_at', DATETIME, nullable=True))
    op.add_column('user', sa.Column('last_active_at', DATETIME, nullable=True))
    op.add_column('user', sa.Column('password_created_at', DATETIME, nullable=True))
    op.add_column('user', sa.Column('password_self_service', sa.Boolean(), nullable=True))
    op.add_column('user', sa.Column('options', sa.Text(), nullable=True))
    op.create_table(
        'password_history',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', DATETIME, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_index('ix_password_history_user_id', 'password_history', ['user_id'])


def downgrade():
    op.drop_index('ix_password_history_user_id', table_name='password_history')
    op.drop_table('password_history')
    with op.batch_alter_table('user') as batch:
        for column in ('options', 'password_self_service', 'password_created_at',
                       'last_active_at', 'failed_auth_at', 'failed_auth_count'):
            batch.drop_column(column)
