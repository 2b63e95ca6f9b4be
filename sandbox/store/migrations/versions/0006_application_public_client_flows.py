"""applications.allow_public_client_flows: Entra's "Allow public client flows" for an app registration

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

PATCH /_sandbox/tenants/{tenant}/applications/{client_id} sets it. On (the default, and what every app did until
now), the password, refresh token and device code grants and an authorization code sent to a loopback redirect URI
may leave the app's secret out, as a public client does; off, the token endpoint asks every grant for the app's
secret or a client assertion (401 invalid_client 7000218), as Entra does for a confidential client. Existing apps
get true. The column is added nullable, filled, then made NOT NULL: on SQLite the last step rebuilds the table
(batch mode); on PostgreSQL it is an ALTER COLUMN ... SET NOT NULL.
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_public_client_flows', sa.Boolean(), nullable=True))

    applications = sa.table('applications', sa.column('allow_public_client_flows', sa.Boolean()))
    op.execute(applications.update().where(applications.c.allow_public_client_flows.is_(None))
               .values(allow_public_client_flows=True))

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('allow_public_client_flows', existing_type=sa.Boolean(), nullable=False)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('allow_public_client_flows')
