"""redeemed_codes: the authorization codes already redeemed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

The token endpoint's grant_type=authorization_code takes a code once: each redemption adds a row keyed by the
code's id, so a second redemption (by any process, or at the same moment) breaks the primary key and is refused.
A tenant's rows go with it (ON DELETE CASCADE, and the tenant's delete removes them first).
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('redeemed_codes',
    sa.Column('code_id', sa.String(length=36), nullable=False),
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('redeemed_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_redeemed_codes_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code_id', name=op.f('pk_redeemed_codes'))
    )
    with op.batch_alter_table('redeemed_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redeemed_codes_workspace_id'), ['workspace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('redeemed_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redeemed_codes_workspace_id'))

    op.drop_table('redeemed_codes')
