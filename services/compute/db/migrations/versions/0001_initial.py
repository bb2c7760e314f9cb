"""Initial compute schema.

Revision ID: 0001
Revises:
"""
from services.compute.db import models

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # The first revision creates the schema the models describe; later
    # revisions alter it step by step with op.* calls.
    from alembic import op
    models.Base.metadata.create_all(op.get_bind())
