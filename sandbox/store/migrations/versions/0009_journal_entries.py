"""journal_entries: a tenant's journal kept in the database, for a sandbox served by several processes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

With JOURNAL_STORE=database (the default on PostgreSQL, and for `serve --workers 2` or more), each process
writes the exchanges it served here, a few at a time, and GET /_sandbox/tenants/{tenant}/journal reads every
process's. Until now each process kept its own journal in memory: there is nothing to carry over. A tenant's
rows go with it (ON DELETE CASCADE, and its reset and delete remove them first).
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('entry', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_journal_entries_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries'))
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_workspace_id_id', ['workspace_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entries_workspace_id_id')

    op.drop_table('journal_entries')
