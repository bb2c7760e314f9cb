"""Revocation events name an application credential

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:00:00

Deleting an application credential records a revocation event with its id,
so the APIs that cache validated tokens drop the tokens it issued.
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revocation_event') as batch:
        batch.add_column(sa.Column('app_cred_id', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('revocation_event') as batch:
        batch.drop_column('app_cred_id')
