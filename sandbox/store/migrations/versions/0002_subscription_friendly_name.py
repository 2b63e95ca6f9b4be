"""subscriptions.friendly_name: a subscription's nickname

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Existing subscriptions get the offer's name, the name Partner Center gives a subscription whose order line
named none (and what the sandbox showed as their friendlyName until now). The column is added nullable,
filled, then made NOT NULL: on SQLite the last step rebuilds the table (batch mode); on PostgreSQL it is an
ALTER COLUMN ... SET NOT NULL.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('friendly_name', sa.String(length=200), nullable=True))

    op.execute("UPDATE subscriptions SET friendly_name = offer_name WHERE friendly_name IS NULL")

    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.alter_column('friendly_name', existing_type=sa.String(length=200), nullable=False)


def downgrade():
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('friendly_name')
