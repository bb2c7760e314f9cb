"""Application credential access rules and OAuth1 consumers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 16:40:00

access_rule (a user's rules: service, path, method), the
application_credential_access_rule links, and consumer (OS-OAUTH1).
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

MYSQL_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def _id(name):
    return sa.Column(name, sa.String(length=64), nullable=False)


def upgrade():
    op.create_table(
        'access_rule',
        _id('id'), _id('user_id'),
        sa.Column('service', sa.String(length=255), nullable=False),
        sa.Column('path', sa.String(length=255), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_index('ix_access_rule_user_id', 'access_rule', ['user_id'])
    op.create_table(
        'application_credential_access_rule',
        _id('id'), _id('application_credential_id'), _id('access_rule_id'),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)
    op.create_index('ix_app_cred_access_rule_app_cred_id',
                    'application_credential_access_rule', ['application_credential_id'])
    op.create_index('ix_app_cred_access_rule_access_rule_id',
                    'application_credential_access_rule', ['access_rule_id'])
    op.create_table(
        'consumer',
        _id('id'),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('secret', sa.String(length=255), nullable=False),
        sa.Column('extra', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'), **MYSQL_ARGS)


def downgrade():
    op.drop_table('consumer')
    op.drop_index('ix_app_cred_access_rule_access_rule_id',
                  table_name='application_credential_access_rule')
    op.drop_index('ix_app_cred_access_rule_app_cred_id',
                  table_name='application_credential_access_rule')
    op.drop_table('application_credential_access_rule')
    op.drop_index('ix_access_rule_user_id', table_name='access_rule')
    op.drop_table('access_rule')
