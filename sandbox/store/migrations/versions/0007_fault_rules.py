"""fault_rules: a tenant's fault and latency rules, shared by every process on the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

POST /_sandbox/tenants/{tenant}/faults adds a row; every process on the database reads the tenant's rules
before each API and token request, so a rule added through one process fires on all of them. A rule's count
holds across processes: each firing is a conditional update of ``fired`` (``fired < count``). Until now the rules
lived in each process's memory: a database of an older version has none to carry over. A tenant's rows go with
it (ON DELETE CASCADE, and the tenant's delete and reset remove them first).
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fault_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('operation', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('delay_ms', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('retry_after', sa.Integer(), nullable=True),
    sa.Column('fired', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_fault_rules_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fault_rules'))
    )
    with op.batch_alter_table('fault_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_rules_workspace_id'), ['workspace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fault_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_rules_workspace_id'))

    op.drop_table('fault_rules')
