"""device_authorizations: the device code flow's pending sign-ins

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

POST /{tenant}/oauth2/v2.0/devicecode (and v1's /oauth2/devicecode) adds a row: its user code (unique), the
SHA-256 of its device code (unique; the code itself is not kept), the app, version, scope or resource and
authority it was asked with, and its times on the tenant's clock. The /devicelogin page finds the row by its user
code and records who signed in (user id and credential stamp); the token endpoint finds it by its device code
and redeems it once, a conditional update deciding between two redemptions at once, whichever process.
A tenant's rows go with it (ON DELETE CASCADE, and the tenant's delete removes them first).
"""

from alembic import op
import sqlalchemy as sa
import sandbox.store.orm


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_authorizations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('user_code', sa.String(length=9), nullable=False),
    sa.Column('device_code_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.String(length=3), nullable=False),
    sa.Column('scope', sa.String(length=2048), nullable=True),
    sa.Column('resource', sa.String(length=2048), nullable=True),
    sa.Column('authority', sa.String(length=64), nullable=False),
    sa.Column('created_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('credential_stamp', sa.String(length=16), nullable=True),
    sa.Column('approved_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('redeemed_at', sandbox.store.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_device_authorizations_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_authorizations')),
    sa.UniqueConstraint('device_code_id', name=op.f('uq_device_authorizations_device_code_id')),
    sa.UniqueConstraint('user_code', name=op.f('uq_device_authorizations_user_code'))
    )
    with op.batch_alter_table('device_authorizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_authorizations_workspace_id'), ['workspace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('device_authorizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_authorizations_workspace_id'))

    op.drop_table('device_authorizations')
