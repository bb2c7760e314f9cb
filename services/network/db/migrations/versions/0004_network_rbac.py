"""network RBAC policies

Revision ID: 0004
Revises: 0003
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'networkrbacs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('object_id', sa.String(length=36), nullable=False),
        sa.Column('target_project', sa.String(length=255), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['object_id'], ['networks.id'],
                                name=op.f('fk_networkrbacs_object_id_networks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_networkrbacs')),
        sa.UniqueConstraint('object_id', 'target_project', 'action',
                            name='uq_networkrbacs_object_target_action'))
    with op.batch_alter_table('networkrbacs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networkrbacs_object_id'), ['object_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_networkrbacs_project_id'), ['project_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_networkrbacs_target_project'),
                              ['target_project'], unique=False)
    # Networks shared or external before policies existed get their '*' rows.
    bind = op.get_bind()
    networks = sa.table('networks', sa.column('id'), sa.column('project_id'),
                        sa.column('shared'), sa.column('external'))
    rbacs = sa.table('networkrbacs', sa.column('id'), sa.column('project_id'),
                     sa.column('object_id'), sa.column('target_project'), sa.column('action'))
    rows = []
    for net in bind.execute(sa.select(networks).where(
            sa.or_(networks.c.shared.is_(True), networks.c.external.is_(True)))):
        for flag, action in ((net.shared, 'access_as_shared'),
                             (net.external, 'access_as_external')):
            if flag:
                rows.append({'id': str(uuid.uuid4()), 'project_id': net.project_id,
                             'object_id': net.id, 'target_project': '*', 'action': action})
    if rows:
        op.bulk_insert(rbacs, rows)


def downgrade():
    op.drop_table('networkrbacs')
