"""journal_marks: when each tenant's journal was last emptied

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

A process writes the exchanges it served a moment later (JOURNAL_STORE=database). A clear or a reset
through another process in between used to be undone by that late write; an entry recorded before the
tenant's mark is now dropped instead. No tenant has a mark yet: nothing to carry over.
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('journal_marks',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('cleared_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_journal_marks_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id', name=op.f('pk_journal_marks'))
    )


def downgrade():
    op.drop_table('journal_marks')
