"""Credentials

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

The credential table behind /v3/credentials.  Blobs are stored
fernet-encrypted (encrypted_blob) together with the SHA-256 of the key
that encrypted them (key_hash); MySQL/MariaDB get MEDIUMTEXT because TEXT
stops at 64 KiB.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Frozen copies of the model helpers: a migration must not change when
# models.py does.
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql', 'mariadb')
MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def upgrade():
    op.create_table(
        'credential',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('project_id', sa.String(length=64), nullable=True),
        sa.Column('type', sa.String(length=255), nullable=False),
        sa.Column('encrypted_blob', LONG_TEXT, nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('extra', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        **MYSQL_ARGS)
    op.create_index('ix_credential_user_id', 'credential', ['user_id'])
    op.create_index('ix_credential_project_id', 'credential', ['project_id'])


def downgrade():
    op.drop_index('ix_credential_project_id', table_name='credential')
    op.drop_index('ix_credential_user_id', table_name='credential')
    op.drop_table('credential')
