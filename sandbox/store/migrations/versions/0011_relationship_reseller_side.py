"""relationships: the indirect reseller's own admin roles and date

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

A relationship row holds an indirect provider's relationship with a customer and, in
associated_partner_id, the indirect reseller behind it. The reseller had no delegation or date of its own:
an indirect reseller's link with DAP=true gave the admin roles to the provider, and the reseller's "Since"
was the provider's. Existing rows keep what they showed: the reseller without admin roles, since the
provider's date.
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('associated_delegated_admin', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('associated_since', sandbox.store.orm.UTCDateTime(timezone=True), nullable=True))

    op.execute("UPDATE relationships SET associated_since = since WHERE associated_partner_id IS NOT NULL")

    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.alter_column('associated_delegated_admin', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.drop_column('associated_since')
        batch_op.drop_column('associated_delegated_admin')
