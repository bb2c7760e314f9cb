"""Volumes keep cinder's visible admin metadata (``readonly`` once set by
os-update_readonly_flag), shown among a volume's metadata.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('volumes', sa.Column('admin_metadata', sa.JSON))
