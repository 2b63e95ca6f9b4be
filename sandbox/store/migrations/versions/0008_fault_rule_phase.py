"""fault_rules.phase: whether a fault answers before the operation runs, or after it (a lost answer)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

A rule of phase "after" lets the operation run (an order is placed, an acceptance is stored), then answers the
client with the fault instead of the operation's answer: the answer is lost on its way, as behind a gateway that
times out. The operation's own answer is still kept under the request's MS-RequestId, so a retry with the same
id gets it. Every rule until now answered before the operation: existing rows get "before" (the column's
server default).
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fault_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase', sa.String(length=6), server_default='before', nullable=False))


def downgrade():
    with op.batch_alter_table('fault_rules', schema=None) as batch_op:
        batch_op.drop_column('phase')
