"""Queries, always scoped to one workspace so that no partner ever reads another's records."""

from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import Engine, and_, bindparam, delete, false, func, insert, or_, select, update
from sqlalchemy.orm import Session

from sandbox.domain import model
from sandbox.domain.rules import CustomerSearchField

from . import journal, orm
from .db import PreparedRead, PreparedWrite, run_writes, thread_reader

_INSERT_ORDER = (
    model.Workspace,
    model.Partner,
    model.PartnerUser,
    model.Application,
    model.Customer,
    model.Relationship,
    model.Attestation,
    model.DirectAcceptance,
    model.Invitation,
    model.Order,
    model.Subscription,
    model.DocumentLink,
)


def _like_prefix(text: str) -> str:
    """A LIKE pattern for what starts with ``text`` (its wildcards and the escape character taken literally)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _starts_with(search: str, field: CustomerSearchField | None = None):
    """Customers whose company name or domain (or only the ``field`` named) starts with ``search``, in any case
    and script, with or without accents (names are kept as ``model.search_key`` reads them); for an indirect
    reseller, those it is the associated reseller of."""
    c = orm.customers.c
    text = _like_prefix(search.strip().casefold())
    key = model.search_key(search.strip())
    # a search of marks alone (a lone accent) reads as nothing: it matches no name, rather than every one
    name = c.search_name.like(_like_prefix(key), escape="\\") if key else false()
    domain = func.lower(c.domain).like(text, escape="\\")
    if field is CustomerSearchField.COMPANY_NAME:
        return name
    if field is CustomerSearchField.DOMAIN:
        return domain
    if field is CustomerSearchField.INDIRECT_RESELLER:
        rel = orm.relationships.c
        return (select(rel.customer_id)
                .where(rel.customer_id == c.id, func.lower(rel.associated_partner_id).like(text, escape="\\"))
                .exists())
    return or_(name, domain)


def _related_to_partner():
    rel = orm.relationships.c
    return select(rel.id).where(
        rel.customer_id == bindparam("customer_id"),
        rel.workspace_id == bindparam("workspace_id"),
        or_(rel.partner_id == bindparam("partner_id"), rel.associated_partner_id == bindparam("partner_id")),
    ).exists()


@functools.cache
def _statement(name: str):
    """The statements of the API's hot paths, each built once (building one costs about as much as running
    it), on first use: the domain classes are mapped by then."""
    c = orm.customers.c
    if name == "customer_for_partner":
        return select(model.Customer).where(
            c.id == bindparam("customer_id"), c.workspace_id == bindparam("workspace_id"), _related_to_partner()
        )
    if name == "attestations_with_contact":
        a = orm.attestations.c
        return select(model.Attestation).where(
            a.customer_id == bindparam("customer_id"), a.type == bindparam("type"), a.contact_key == bindparam("contact_key")
        )
    raise KeyError(name)


class Repository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, *records) -> None:
        """Add records, parents before children (the mapping has no relationships to order them)."""
        if len(records) <= 1:
            self.session.add_all(records)
            return
        rank = {cls: n for n, cls in enumerate(_INSERT_ORDER)}
        ordered = sorted(records, key=lambda r: (rank.get(type(r), len(rank)), getattr(r, "provider_id", None) is not None))
        previous = None
        for record in ordered:
            current = (type(record), getattr(record, "provider_id", None) is not None)
            if previous is not None and current != previous:
                self.session.flush()
            self.session.add(record)
            previous = current

    def flush(self) -> None:
        self.session.flush()

    # --- workspaces ------------------------------------------------------------------------

    def workspace(self, workspace_id: str) -> model.Workspace | None:
        return self.session.get(model.Workspace, workspace_id)

    def workspace_by_seed(self, seed: int) -> model.Workspace | None:
        return self.session.scalars(select(model.Workspace).where(orm.workspaces.c.seed == seed).limit(1)).first()

    def workspaces(self) -> list[model.Workspace]:
        return list(self.session.scalars(select(model.Workspace).order_by(orm.workspaces.c.created_at)))

    def delete_workspace_contents(self, workspace_id: str, *, staying: bool = True) -> None:
        """Remove everything a workspace holds, children first (no reliance on ON DELETE CASCADE); its fault
        rules and journal too (a reset tenant has none, as its seed made it). A workspace ``staying`` (a reset)
        marks its journal cleared, so that what other processes still hold of it is not written later."""
        journal.hold(self.session, workspace_id)  # first: a late journal write waits for the mark, or is deleted
        for table in (
            orm.fault_rules,
            orm.journal_entries,
            orm.journal_marks,
            orm.idempotency,
            orm.redeemed_codes,
            orm.document_links,
            orm.subscriptions,
            orm.orders,
            orm.invitations,
            orm.direct_acceptances,
            orm.attestations,
            orm.relationships,
            orm.customers,
            orm.applications,
            orm.partner_users,
        ):
            self.session.execute(delete(table).where(table.c.workspace_id == workspace_id))
        # resellers point at their provider: remove them first
        self.session.execute(
            delete(orm.partners).where(orm.partners.c.workspace_id == workspace_id, orm.partners.c.provider_id.is_not(None))
        )
        self.session.execute(delete(orm.partners).where(orm.partners.c.workspace_id == workspace_id))
        if staying:
            journal.mark_cleared(self.session, workspace_id)
        self.session.expunge_all()

    def delete_workspace(self, workspace_id: str) -> None:
        # a reset keeps the device code flows under way (same ids after it; a new password revokes an approved one)
        # and the apps' certificates (the apps keep their client ids)
        for table in (orm.device_authorizations, orm.application_certificates):
            self.session.execute(delete(table).where(table.c.workspace_id == workspace_id))
        self.delete_workspace_contents(workspace_id, staying=False)  # entries of a tenant gone aren't written
        self.session.execute(delete(orm.workspaces).where(orm.workspaces.c.id == workspace_id))

    # --- authorization codes ---------------------------------------------------------------

    def redeem_code(self, workspace_id: str, code_id: str, redeemed_at) -> None:
        """Mark an authorization code as used: IntegrityError when it was already (the primary key), now or by
        a concurrent redemption that committed first."""
        self.session.execute(insert(orm.redeemed_codes).values(code_id=code_id, workspace_id=workspace_id,
                                                               redeemed_at=redeemed_at))

    # --- device authorizations (the device code flow) ----------------------------------------

    def add_device_authorization(self, **values) -> None:
        """A pending device authorization: IntegrityError when its user code (or device code) is taken."""
        self.session.execute(insert(orm.device_authorizations).values(**values))

    def device_authorization(self, *, user_code: str | None = None, device_code_id: str | None = None) -> dict | None:
        """A device authorization's row (a dict), by its user code or its device code's id."""
        d = orm.device_authorizations.c
        where = d.user_code == user_code if user_code is not None else d.device_code_id == device_code_id
        row = self.session.execute(select(orm.device_authorizations).where(where)).mappings().first()
        return dict(row) if row is not None else None

    def approve_device_authorization(self, authorization_id: str, *, user_id: str, credential_stamp: str,
                                     approved_at) -> bool:
        """Record the user who signed in, unless someone did already (or it was redeemed): whether it did."""
        d = orm.device_authorizations.c
        stmt = (update(orm.device_authorizations)
                .where(d.id == authorization_id, d.user_id.is_(None), d.redeemed_at.is_(None))
                .values(user_id=user_id, credential_stamp=credential_stamp, approved_at=approved_at))
        return self.session.execute(stmt).rowcount == 1

    def redeem_device_authorization(self, authorization_id: str, redeemed_at) -> bool:
        """Mark a device authorization as redeemed, unless it was already (now, or by a concurrent redemption
        that committed first: the row's lock and the re-checked condition decide): whether it was this call."""
        d = orm.device_authorizations.c
        stmt = (update(orm.device_authorizations)
                .where(d.id == authorization_id, d.redeemed_at.is_(None))
                .values(redeemed_at=redeemed_at))
        return self.session.execute(stmt).rowcount == 1

    # --- app certificates (client assertions) ------------------------------------------------

    def add_certificate(self, **values) -> None:
        """Register a certificate for an app: IntegrityError when the app has it already (its SHA-1 thumbprint)."""
        self.session.execute(insert(orm.application_certificates).values(**values))

    def certificates(self, client_id: str) -> list[dict]:
        """An app's certificates (rows as dicts), in the order they were added."""
        c = orm.application_certificates.c
        rows = self.session.execute(select(orm.application_certificates).where(c.client_id == client_id)
                                    .order_by(c.added_at, c.thumbprint)).mappings()
        return [dict(row) for row in rows]

    def certificate(self, client_id: str, *, sha1: str | None = None, sha256: str | None = None) -> dict | None:
        """The app's certificate with that SHA-1 (else SHA-256) thumbprint, hex in upper case."""
        c = orm.application_certificates.c
        where = c.thumbprint == sha1 if sha1 is not None else c.thumbprint_sha256 == sha256
        row = self.session.execute(select(orm.application_certificates).where(c.client_id == client_id, where)).mappings().first()
        return dict(row) if row is not None else None

    def delete_certificate(self, client_id: str, thumbprint: str) -> bool:
        c = orm.application_certificates.c
        stmt = delete(orm.application_certificates).where(c.client_id == client_id, c.thumbprint == thumbprint)
        return self.session.execute(stmt).rowcount == 1

    # --- partners, users, apps -------------------------------------------------------------

    def partner(self, workspace_id: str, partner_id: str) -> model.Partner | None:
        partner = self.session.get(model.Partner, partner_id)
        return partner if partner is not None and partner.workspace_id == workspace_id else None

    def workspace_of_partner(self, partner_id: str) -> str | None:
        """The workspace (sandbox tenant) holding the partner with this tenant id, whichever it is."""
        return self.session.execute(select(orm.partners.c.workspace_id).where(orm.partners.c.id == partner_id)).scalar()

    def partners(self, workspace_id: str) -> list[model.Partner]:
        stmt = select(model.Partner).where(orm.partners.c.workspace_id == workspace_id).order_by(orm.partners.c.name)
        return list(self.session.scalars(stmt))

    def users(self, workspace_id: str, partner_id: str | None = None) -> list[model.PartnerUser]:
        stmt = select(model.PartnerUser).where(orm.partner_users.c.workspace_id == workspace_id)
        if partner_id is not None:
            stmt = stmt.where(orm.partner_users.c.partner_id == partner_id)
        return list(self.session.scalars(stmt))

    def user(self, user_id: str) -> model.PartnerUser | None:
        return self.session.get(model.PartnerUser, user_id)

    def user_by_name(self, user_name: str) -> model.PartnerUser | None:
        stmt = select(model.PartnerUser).where(func.lower(orm.partner_users.c.user_name) == user_name.strip().lower())
        return self.session.scalars(stmt).first()

    def application(self, client_id: str) -> model.Application | None:
        return self.session.get(model.Application, client_id)

    def applications(self, workspace_id: str) -> list[model.Application]:
        stmt = select(model.Application).where(orm.applications.c.workspace_id == workspace_id)
        return list(self.session.scalars(stmt))

    # --- customers -------------------------------------------------------------------------

    def customer(self, workspace_id: str, customer_id: str) -> model.Customer | None:
        customer = self.session.get(model.Customer, customer_id)
        return customer if customer is not None and customer.workspace_id == workspace_id else None

    def customer_by_admin(self, user_name: str) -> model.Customer | None:
        stmt = select(model.Customer).where(func.lower(orm.customers.c.admin_user_name) == user_name.strip().lower())
        return self.session.scalars(stmt).first()

    def partner_tenant_id(self, name: str) -> str | None:
        """The id of the partner tenant with this id or domain (any case), if any."""
        p, name = orm.partners.c, name.lower()  # ids are kept in lower case
        return self.session.execute(select(p.id).where(or_(p.id == name, func.lower(p.domain) == name)).limit(1)).scalar()

    def domain_taken(self, domain: str) -> bool:
        """Whether a tenant has the domain already: a customer, or a partner (a domain is one tenant's, in any
        sandbox tenant, as in Entra ID)."""
        domain = domain.lower()
        for table in (orm.customers, orm.partners):
            if self.session.scalar(select(func.count()).select_from(table).where(func.lower(table.c.domain) == domain)):
                return True
        return False

    def _visible(self, partner_id: str):
        """The customer row is the partner's: a relationship, direct or as its indirect reseller."""
        rel = orm.relationships.c
        return (select(rel.customer_id)
                .where(rel.customer_id == orm.customers.c.id,
                       or_(rel.partner_id == partner_id, rel.associated_partner_id == partner_id))
                .exists())

    def _visible_customer_ids(self, partner_id: str):
        rel = orm.relationships.c
        return select(rel.customer_id).where(or_(rel.partner_id == partner_id, rel.associated_partner_id == partner_id))

    def customer_for_partner(self, workspace_id: str, partner_id: str, customer_id: str) -> model.Customer | None:
        """The customer, if the partner has a relationship with it (directly or as indirect reseller)."""
        params = {"workspace_id": workspace_id, "partner_id": partner_id, "customer_id": customer_id}
        return self.session.scalars(_statement("customer_for_partner"), params).first()  # one statement, built once

    def _through_reseller(self, partner_id: str, reseller_id: str):
        """The customer row is the provider's through that indirect reseller ("Filter by indirect reseller")."""
        rel = orm.relationships.c
        return (select(rel.customer_id)
                .where(rel.customer_id == orm.customers.c.id, rel.partner_id == partner_id,
                       rel.associated_partner_id == reseller_id)
                .exists())

    def customers_for_partner(
        self, workspace_id: str, partner_id: str, *, search: str | None = None, field: CustomerSearchField | None = None,
        after: str | None = None, limit: int | None = None, reseller_id: str | None = None,
    ) -> list[model.Customer]:
        """A partner's customers in alphabetical order (their ``search_name``), then by id; ``after`` is a keyset
        cursor: the last company name shown and its id. ``reseller_id``: an indirect provider's customers through
        that reseller only."""
        c = orm.customers.c
        # EXISTS per row, walked in ix_customers_workspace_search's order: a page costs its own rows, not
        # the partner's whole customer list (an IN over every visible id read them all first)
        stmt = select(model.Customer).where(c.workspace_id == workspace_id, self._visible(partner_id))
        if reseller_id:
            stmt = stmt.where(self._through_reseller(partner_id, reseller_id))
        if search:
            stmt = stmt.where(_starts_with(search, field))
        if after:
            name, _, last_id = after.partition("\x1f")
            key = model.search_key(name)
            # a range on the index (>=), then the tie-break by id
            stmt = stmt.where(c.search_name >= key, or_(c.search_name > key, c.id > last_id))
        stmt = stmt.order_by(c.search_name, c.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self.session.scalars(stmt))

    def count_customers_for_partner(
        self, workspace_id: str, partner_id: str, *, search: str | None = None, field: CustomerSearchField | None = None,
        reseller_id: str | None = None,
    ) -> int:
        c = orm.customers.c
        stmt = select(func.count()).select_from(orm.customers).where(
            c.workspace_id == workspace_id, c.id.in_(self._visible_customer_ids(partner_id))
        )
        if reseller_id:
            stmt = stmt.where(self._through_reseller(partner_id, reseller_id))
        if search:
            stmt = stmt.where(_starts_with(search, field))
        return int(self.session.scalar(stmt) or 0)

    def customers(self, workspace_id: str) -> list[model.Customer]:
        c = orm.customers.c
        stmt = select(model.Customer).where(c.workspace_id == workspace_id).order_by(c.search_name, c.id)
        return list(self.session.scalars(stmt))

    # --- relationships ---------------------------------------------------------------------

    def relationships_of_customer(self, customer_id: str) -> list[model.Relationship]:
        rel = orm.relationships.c
        return list(self.session.scalars(select(model.Relationship).where(rel.customer_id == customer_id)
                                         .order_by(rel.since, rel.id)))

    def relationships_with_partner(self, customer_ids: list[str], partner_id: str) -> dict[str, model.Relationship]:
        """customer id -> the partner's relationship with it (direct, or as its indirect reseller), in one read."""
        if not customer_ids:
            return {}
        rel = orm.relationships.c
        stmt = (select(model.Relationship)
                .where(rel.customer_id.in_(customer_ids),
                       or_(rel.partner_id == partner_id, rel.associated_partner_id == partner_id))
                .order_by(rel.since, rel.id))
        found: dict[str, model.Relationship] = {}
        for relationship in self.session.scalars(stmt):
            found.setdefault(relationship.customer_id, relationship)
        return found

    def relationship(self, customer_id: str, partner_id: str) -> model.Relationship | None:
        rel = orm.relationships.c
        stmt = select(model.Relationship).where(rel.customer_id == customer_id, rel.partner_id == partner_id)
        return self.session.scalars(stmt).first()

    # --- agreements ------------------------------------------------------------------------

    def attestations(self, customer_id: str) -> list[model.Attestation]:
        a = orm.attestations.c
        stmt = select(model.Attestation).where(a.customer_id == customer_id).order_by(a.created_at, a.id)
        return list(self.session.scalars(stmt))

    def attestations_with_contact(self, customer_id: str, agreement_type, contact_key: str) -> list[model.Attestation]:
        """The customer's confirmations of one agreement by one contact (0 or 1: the 600061 check), by index."""
        params = {"customer_id": customer_id, "type": agreement_type, "contact_key": contact_key}
        return list(self.session.scalars(_statement("attestations_with_contact"), params))

    def direct_acceptance(self, customer_id: str) -> model.DirectAcceptance | None:
        d = orm.direct_acceptances.c
        return self.session.scalars(select(model.DirectAcceptance).where(d.customer_id == customer_id)).first()

    def invitations_of_customer(self, customer_id: str) -> list[model.Invitation]:
        i = orm.invitations.c
        return list(self.session.scalars(select(model.Invitation).where(i.customer_id == customer_id)
                                         .order_by(i.created_at, i.id)))

    def document_link(self, token: str) -> model.DocumentLink | None:
        return self.session.get(model.DocumentLink, token)

    # --- purchases -------------------------------------------------------------------------

    def purchasing_partners(self, customer_id: str, partner_id: str) -> tuple[str, ...]:
        """Whose purchases for the customer the partner sees: its own and, as an indirect reseller, those of the
        indirect provider the customer has through it. A customer may have other partners: not theirs."""
        rel = orm.relationships.c
        providers = self.session.scalars(select(rel.partner_id).where(rel.customer_id == customer_id,
                                                                      rel.associated_partner_id == partner_id))
        return (partner_id, *providers)

    def subscriptions(self, customer_id: str, *, partners: tuple[str, ...] | None = None) -> list[model.Subscription]:
        """The customer's subscriptions, oldest first: every partner's, or those ``partners`` placed."""
        s = orm.subscriptions.c
        stmt = select(model.Subscription).where(s.customer_id == customer_id)
        if partners is not None:
            stmt = stmt.where(s.partner_id.in_(partners))
        return list(self.session.scalars(stmt.order_by(s.created_at, s.id)))

    def subscription(self, customer_id: str, subscription_id: str, *, partners: tuple[str, ...]) -> model.Subscription | None:
        sub = self.session.get(model.Subscription, subscription_id)
        return sub if sub is not None and sub.customer_id == customer_id and sub.partner_id in partners else None

    def orders(self, customer_id: str, *, partners: tuple[str, ...]) -> list[model.Order]:
        o = orm.orders.c
        stmt = select(model.Order).where(o.customer_id == customer_id, o.partner_id.in_(partners))
        return list(self.session.scalars(stmt.order_by(o.created_at, o.id)))

    def order(self, customer_id: str, order_id: str, *, partners: tuple[str, ...]) -> model.Order | None:
        order = self.session.get(model.Order, order_id)
        return order if order is not None and order.customer_id == customer_id and order.partner_id in partners else None


# --- who is calling, in one read (the API authenticates every request) ----------------------


_U, _A, _P, _W = orm.partner_users, orm.applications, orm.partners, orm.workspaces


def _principal_read(owner) -> PreparedRead:
    """The owner (a user or an app) by id, with the app named in the token, the partner named in the
    token if it is in the owner's workspace, and that workspace: one statement."""
    tables = (_U, _A, _P, _W) if owner is _U else (_A, _P, _W)
    stmt = select(*[column for table in tables for column in table.columns]).select_from(owner)
    if owner is _U:
        stmt = stmt.outerjoin(_A, _A.c.client_id == bindparam("client_id"))
    stmt = (
        stmt.outerjoin(_P, and_(_P.c.id == bindparam("partner_id"), _P.c.workspace_id == owner.c.workspace_id))
        .outerjoin(_W, _W.c.id == owner.c.workspace_id)
        .where((owner.c.id if owner is _U else owner.c.client_id) == bindparam("owner_id"))
    )
    return PreparedRead(stmt)


_BY_USER = _principal_read(_U)
_BY_APPLICATION = _principal_read(_A)
_CLASSES = {_U: model.PartnerUser, _A: model.Application, _P: model.Partner, _W: model.Workspace}


def _slices(tables) -> list:
    out, start = [], 0
    for table in tables:
        width = len(table.columns)
        out.append((table, start, start + width))
        start += width
    return out


_USER_ROW = _slices((_U, _A, _P, _W))
_APPLICATION_ROW = _slices((_A, _P, _W))


def principal_records(engine: Engine, *, user_id: str | None, client_id: str | None, partner_id: str):
    """``(user, application, partner, workspace)`` as ``principal_for`` needs them, each None when absent:
    the user by id (else the application by client id, as an App-only caller), the application by client
    id, the partner only if it is in the owner's workspace. Read-only records, outside any session.

    On a SQLite file, each thread reads through its own connection and remembers what it read; the
    memory is used only while ``PRAGMA data_version`` says that no connection (of any process) has
    committed anything since, so it is never stale."""
    reader = thread_reader(engine)
    if reader is None:
        return _principal_records(engine, None, user_id, client_id, partner_id)
    key = (user_id, client_id, partner_id)
    version = reader.data_version()
    remembered = reader.memory.get(key)
    if remembered is not None and remembered[0] == version:
        return remembered[1]
    found = _principal_records(engine, reader.connection, user_id, client_id, partner_id)
    reader.remember(key, (version, found))
    return found


def _principal_records(engine: Engine, connection, user_id, client_id, partner_id):
    row, layout = None, None
    if user_id:
        params = {"owner_id": user_id, "client_id": client_id, "partner_id": partner_id}
        row, layout = _BY_USER.first(engine, params, connection), _USER_ROW
    if row is None and client_id:
        params = {"owner_id": client_id, "partner_id": partner_id}
        row, layout = _BY_APPLICATION.first(engine, params, connection), _APPLICATION_ROW
    if row is None:
        return None, None, None, None
    found = {table: None if row[start] is None else _record(_CLASSES[table], row[start:end]) for table, start, end in layout}
    return found.get(_U), found.get(_A), found.get(_P), found.get(_W)


@functools.lru_cache(maxsize=2048)
def _record(cls, values: tuple):
    """A read-only record for exactly these column values, built once: an integration calls with the same
    token again and again, and building a mapped instance costs more than the query. A changed row (a
    moved clock, say) has other values, so it gets a record of its own. Callers must not change it."""
    return _build(cls, values)


def _build(cls, values: tuple):
    table = _TABLES[cls]
    row = {column.name: value for column, value in zip(table.columns, values, strict=True)}
    init = {f.name for f in dataclasses.fields(cls) if f.init}
    record = cls(**{name: value for name, value in row.items() if name in init})
    for name, value in row.items():
        if name not in init:
            setattr(record, name, value)
    return record


# --- confirming acceptance without a session (the API's busiest write) ------------------------

_C, _T = orm.customers, orm.attestations
_TABLES = {**{cls: table for table, cls in _CLASSES.items()}, model.Customer: _C, model.Attestation: _T}


_CUSTOMER_IN_CONTEXT = PreparedRead(
    select(*_C.columns, *_W.columns, *_P.columns)
    .select_from(_C)
    .join(_W, _W.c.id == _C.c.workspace_id)
    .join(_P, and_(_P.c.id == bindparam("partner_id"), _P.c.workspace_id == _C.c.workspace_id))
    .where(_C.c.id == bindparam("customer_id"), _C.c.workspace_id == bindparam("workspace_id"), _related_to_partner())
)
_CONTEXT_ROW = _slices((_C, _W, _P))
_SAME_CONTACT = PreparedRead(select(*_T.columns).where(
    _T.c.customer_id == bindparam("customer_id"), _T.c.type == bindparam("type"), _T.c.contact_key == bindparam("contact_key")
))
_INSERT_ATTESTATION = PreparedWrite(insert(_T))


def _reader_connection(engine: Engine):
    reader = thread_reader(engine)
    return reader.connection if reader is not None else None


def customer_in_context(engine: Engine, workspace_id: str, partner_id: str, customer_id: str):
    """``(customer, workspace, partner)`` as read-only records, or None when any is missing or the partner
    has no relationship with the customer (directly or as indirect reseller)."""
    params = {"workspace_id": workspace_id, "partner_id": partner_id, "customer_id": customer_id}
    row = _CUSTOMER_IN_CONTEXT.first(engine, params, _reader_connection(engine))
    if row is None:
        return None
    return tuple(_record(_CLASSES.get(table, model.Customer), row[start:end]) for table, start, end in _CONTEXT_ROW)


def attestations_with_contact(engine: Engine, customer_id: str, agreement_type, contact_key: str) -> list:
    """The customer's confirmations of one agreement by one contact (0 or 1), as read-only records."""
    params = {"customer_id": customer_id, "type": agreement_type, "contact_key": contact_key}
    row = _SAME_CONTACT.first(engine, params, _reader_connection(engine))
    return [] if row is None else [_build(model.Attestation, row)]


def insert_attestation(engine: Engine, attestation: model.Attestation) -> None:
    """Add one confirmation in a transaction of its own (IntegrityError for a twin: the unique index)."""
    values = {column.name: getattr(attestation, column.name) for column in _T.columns}
    run_writes(engine, (_INSERT_ATTESTATION, values))
