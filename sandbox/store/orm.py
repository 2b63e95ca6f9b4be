"""Tables and the imperative mapping of the domain's dataclasses onto them (the domain knows nothing)."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import registry

from sandbox.domain import model
from sandbox.domain.model import AgreementType, InvitationKind, PartnerKind, Role


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Seconds(TypeDecorator):
    """A timedelta kept as float seconds (portable across SQLite and PostgreSQL)."""

    impl = Float
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.total_seconds()

    def process_result_value(self, value, dialect):
        return None if value is None else timedelta(seconds=value)


def _enum(enum_cls, name):
    return Enum(enum_cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=40)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
GUID = String(36)


def _workspace_fk():
    return Column("workspace_id", GUID, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True)


workspaces = Table(
    "workspaces",
    metadata,
    Column("id", GUID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", _enum(PartnerKind, "partner_kind"), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("customer_count", Integer, nullable=False),
    Column("demo", Boolean, nullable=False),
    Column("clock_offset", Seconds, nullable=False, default=timedelta(0)),
    Column("clock_frozen_at", UTCDateTime, nullable=True),
)

partners = Table(
    "partners",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("name", String(200), nullable=False),
    Column("kind", _enum(PartnerKind, "partner_kind"), nullable=False),
    Column("domain", String(255), nullable=False),
    Column("mpn_id", String(20), nullable=False),
    Column("provider_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=True),
)

partner_users = Table(
    "partner_users",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_name", String(255), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", _enum(Role, "partner_role"), nullable=False),
    Column("password_hash", String(255), nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("client_id", GUID, primary_key=True),
    _workspace_fk(),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(255), nullable=False),
    # Entra's "Allow public client flows" (migration 0006: on for the apps made before)
    Column("allow_public_client_flows", Boolean, nullable=False, default=True),
)

customers = Table(
    "customers",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("commerce_id", GUID, nullable=False),
    Column("billing_profile_id", GUID, nullable=False),
    Column("domain", String(255), nullable=False, unique=True),
    Column("company_name", String(255), nullable=False),
    Column("search_name", String(255), nullable=False),
    Column("email", String(255), nullable=False),
    Column("culture", String(20), nullable=False),
    Column("language", String(20), nullable=False),
    Column("country", String(2), nullable=False),
    Column("state", String(100), nullable=True),
    Column("address_line1", String(200), nullable=False),
    Column("address_line2", String(200), nullable=True),
    Column("city", String(100), nullable=False),
    Column("postal_code", String(20), nullable=False),
    Column("first_name", String(50), nullable=False),
    Column("last_name", String(50), nullable=False),
    Column("phone_number", String(40), nullable=True),
    Column("organization_registration_number", String(40), nullable=True),
    Column("admin_user_name", String(255), nullable=False, unique=True),
    Column("admin_password_hash", String(255), nullable=False),
    Column("admin_must_change_password", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_customers_workspace_search", "workspace_id", "search_name"),
)

relationships = Table(
    "relationships",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("customer_id", GUID, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("delegated_admin", Boolean, nullable=False),
    Column("since", UTCDateTime, nullable=False),
    Column("associated_partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("associated_delegated_admin", Boolean, nullable=False, default=False),
    Column("associated_since", UTCDateTime, nullable=True),
    UniqueConstraint("customer_id", "partner_id"),
)

attestations = Table(
    "attestations",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("customer_id", GUID, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", GUID, nullable=False),
    Column("template_id", GUID, nullable=False),
    Column("type", _enum(AgreementType, "agreement_type"), nullable=False),
    Column("date_agreed", UTCDateTime, nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(255), nullable=False),
    Column("phone_number", String(40), nullable=True),
    Column("contact_key", String(600), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # 600061 also under concurrency: the same contact can't confirm the same agreement twice.
    UniqueConstraint("customer_id", "type", "contact_key"),
)

direct_acceptances = Table(
    "direct_acceptances",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("customer_id", GUID, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("template_id", GUID, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=False),
    Column("accepted_by", String(255), nullable=False),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="SET NULL"), nullable=True),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("customer_id", GUID, ForeignKey("customers.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("kind", _enum(InvitationKind, "invitation_kind"), nullable=False),
    Column("delegated_admin", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=True),
)

orders = Table(
    "orders",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("customer_id", GUID, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("line_items", JSON, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("customer_id", GUID, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("partner_id", GUID, ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("offer_id", String(64), nullable=False),
    Column("offer_name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("order_id", GUID, ForeignKey("orders.id", ondelete="SET NULL"), nullable=True),
    Column("friendly_name", String(200), nullable=False),  # the nickname (migration 0002: the offer's name before)
)

document_links = Table(
    "document_links",
    metadata,
    Column("token", String(64), primary_key=True),
    _workspace_fk(),
    Column("template_id", GUID, nullable=False),
    Column("country", String(2), nullable=False),
    Column("language", String(20), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# Replayed answers for retried requests (MS-RequestId idempotency) and the per-tenant journal
# belong to the web layer; they live in the same database so that every process sees them.
idempotency = Table(
    "idempotency",
    metadata,
    Column("workspace_id", GUID, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("request_id", String(100), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Authorization codes redeemed at the token endpoint (grant_type=authorization_code): a code is used once,
# whichever process redeems it; the primary key decides between two redemptions at once.
redeemed_codes = Table(
    "redeemed_codes",
    metadata,
    Column("code_id", GUID, primary_key=True),
    _workspace_fk(),
    Column("redeemed_at", UTCDateTime, nullable=False),
)

# Pending device authorizations (the device code flow): a row per POST .../devicecode, found by its user code
# (the /devicelogin page) or by its device code's id (the SHA-256 of the device code: the code itself is never
# kept); approved once by a user's sign-in, redeemed once at the token endpoint (a conditional update decides a
# race). Times are on the tenant's clock.
device_authorizations = Table(
    "device_authorizations",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("user_code", String(9), nullable=False, unique=True),
    Column("device_code_id", String(64), nullable=False, unique=True),
    Column("client_id", GUID, nullable=False),
    Column("version", String(3), nullable=False),
    Column("scope", String(2048), nullable=True),
    Column("resource", String(2048), nullable=True),
    Column("authority", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("user_id", GUID, nullable=True),
    Column("credential_stamp", String(16), nullable=True),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("redeemed_at", UTCDateTime, nullable=True),
)

# Certificates registered for an app registration (the control API's, as Azure's portal uploads them): the token
# endpoint checks a client assertion (private_key_jwt) against them, found by the app's client id and the SHA-1 or
# SHA-256 thumbprint the assertion's header names. A tenant's reset keeps them (its apps keep their client ids);
# its delete removes them (ON DELETE CASCADE, and the delete removes them first).
application_certificates = Table(
    "application_certificates",
    metadata,
    Column("client_id", GUID, primary_key=True),
    Column("thumbprint", String(40), primary_key=True),  # SHA-1, hex, upper case (as Azure's portal shows it)
    _workspace_fk(),
    Column("thumbprint_sha256", String(64), nullable=False, index=True),  # hex, upper case
    Column("certificate", Text, nullable=False),  # PEM
    Column("not_after", UTCDateTime, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)

# A tenant's fault and latency rules (the control API's /_sandbox/tenants/{id}/faults): every process on the
# database applies the same rules, and a rule's ``count`` holds across them (a conditional update of ``fired``
# decides each firing). Listed and tried in the order they were added (``created_at``, real time). A tenant's
# reset and delete remove them (ON DELETE CASCADE too).
fault_rules = Table(
    "fault_rules",
    metadata,
    Column("id", GUID, primary_key=True),
    _workspace_fk(),
    Column("operation", String(100), nullable=False),
    Column("status", Integer, nullable=True),  # None: a latency rule only
    Column("probability", Float, nullable=False),
    Column("delay_ms", Integer, nullable=False),
    Column("count", Integer, nullable=True),  # None: fires without end
    Column("retry_after", Integer, nullable=True),
    Column("fired", Integer, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    # "before": the request is answered with the fault and the operation doesn't run; "after": the operation
    # runs (or its kept answer is replayed), then its answer is lost: the client gets the fault instead
    Column("phase", String(6), nullable=False, server_default="before"),
)

# A tenant's journal (the control API's /_sandbox/tenants/{id}/journal) when it is kept in the database, for a
# sandbox served by several processes (``JOURNAL_STORE``): each process writes the exchanges it served, a few at
# a time, and every process reads them all. ``entry`` is the entry's JSON as the control API shows it, secrets
# already redacted; ``id`` orders them (its ``sequence``). Bounded per tenant by ``JOURNAL_SIZE``.
journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace_id", GUID, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("entry", Text, nullable=False),
    Index("ix_journal_entries_workspace_id_id", "workspace_id", "id"),
)
# When a tenant's journal was last emptied (its clear, or its reset): entries another process recorded
# earlier, still waiting to be written, are dropped then.
journal_marks = Table(
    "journal_marks",
    metadata,
    Column("workspace_id", GUID, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("cleared_at", UTCDateTime, nullable=False),
)

# Instance-wide settings shared by every process on one database (the signing key, for one).
settings = Table(
    "sandbox_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

mapper_registry = registry(metadata=metadata)
_MAPPED = [
    (model.Workspace, workspaces),
    (model.Partner, partners),
    (model.PartnerUser, partner_users),
    (model.Application, applications),
    (model.Customer, customers),
    (model.Relationship, relationships),
    (model.Attestation, attestations),
    (model.DirectAcceptance, direct_acceptances),
    (model.Invitation, invitations),
    (model.Order, orders),
    (model.Subscription, subscriptions),
    (model.DocumentLink, document_links),
]


def start_mappers() -> None:
    """Map the domain classes onto the tables, once per process."""
    if getattr(start_mappers, "done", False):
        return
    for cls, table in _MAPPED:
        mapper_registry.map_imperatively(cls, table)
    start_mappers.done = True


