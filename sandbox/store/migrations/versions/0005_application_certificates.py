"""application_certificates: certificates registered for an app (client assertions, private_key_jwt)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

POST /_sandbox/tenants/{tenant}/applications/{client_id}/certificates adds a row: the app's client id and the
certificate's SHA-1 thumbprint (the key), its SHA-256 thumbprint, the certificate (PEM), its notAfter and when it
was added. The token endpoint finds the certificate a client assertion's header names (x5t or x5t#S256) and checks
the assertion's signature with its public key. A tenant's reset keeps them; its delete removes them (ON DELETE
CASCADE, and the tenant's delete removes them first).
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_certificates',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('thumbprint', sa.String(length=40), nullable=False),
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('thumbprint_sha256', sa.String(length=64), nullable=False),
    sa.Column('certificate', sa.Text(), nullable=False),
    sa.Column('not_after', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_application_certificates_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', 'thumbprint', name=op.f('pk_application_certificates'))
    )
    with op.batch_alter_table('application_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_certificates_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_certificates_thumbprint_sha256'), ['thumbprint_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('application_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_certificates_thumbprint_sha256'))
        batch_op.drop_index(batch_op.f('ix_application_certificates_workspace_id'))

    op.drop_table('application_certificates')
