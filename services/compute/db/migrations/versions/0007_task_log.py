"""Task log: the runs of the instance usage audit, per host and period.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_log',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_name', sa.String(255), nullable=False),
        sa.Column('state', sa.String(255), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('period_beginning', sa.DateTime(), nullable=False, index=True),
        sa.Column('period_ending', sa.DateTime(), nullable=False, index=True),
        sa.Column('message', sa.String(255), nullable=False),
        sa.Column('task_items', sa.Integer(), default=0),
        sa.Column('errors', sa.Integer(), default=0),
        sa.Column('created_at', sa.DateTime()),
        sa.Column('updated_at', sa.DateTime()),
        sa.UniqueConstraint('task_name', 'host', 'period_beginning', 'period_ending',
                            name='uniq_task_log_run'))
