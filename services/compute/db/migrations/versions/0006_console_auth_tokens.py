"""Console authorization tokens of the VNC console proxy.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'console_auth_tokens',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('token_hash', sa.String(64), nullable=False, unique=True),
        sa.Column('console_type', sa.String(32), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('port', sa.Integer(), nullable=False),
        sa.Column('instance_uuid', sa.String(36), nullable=False, index=True),
        sa.Column('access_url_base', sa.String(255)),
        sa.Column('expires', sa.Integer(), nullable=False, index=True),
        sa.Column('created_at', sa.DateTime()))
