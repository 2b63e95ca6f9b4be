"""Queries, always scoped to one workspace so that no partner ever reads another's records."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from sandbox.domain import model

from . import orm

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


def _starts_with(search: str):
    """Company name or domain starting with ``search``, in any case and script (names are kept casefolded)."""
    c = orm.customers.c
    text = search.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(c.search_name.like(text + "%", escape="\\"), func.lower(c.domain).like(text + "%", escape="\\"))


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

    def delete_workspace_contents(self, workspace_id: str) -> None:
        """Remove everything a workspace holds, children first (no reliance on ON DELETE CASCADE)."""
        for table in (
            orm.idempotency,
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
        self.session.expunge_all()

    def delete_workspace(self, workspace_id: str) -> None:
        self.delete_workspace_contents(workspace_id)
        self.session.execute(delete(orm.workspaces).where(orm.workspaces.c.id == workspace_id))

    # --- partners, users, apps -------------------------------------------------------------

    def partner(self, workspace_id: str, partner_id: str) -> model.Partner | None:
        partner = self.session.get(model.Partner, partner_id)
        return partner if partner is not None and partner.workspace_id == workspace_id else None

    def partners(self, workspace_id: str) -> list[model.Partner]:
        stmt = select(model.Partner).where(orm.partners.c.workspace_id == workspace_id).order_by(orm.partners.c.name)
        return list(self.session.scalars(stmt))

    def any_partner(self, partner_id: str) -> model.Partner | None:
        return self.session.get(model.Partner, partner_id)

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

    def domain_taken(self, domain: str) -> bool:
        stmt = select(func.count()).select_from(orm.customers).where(func.lower(orm.customers.c.domain) == domain.lower())
        return bool(self.session.scalar(stmt))

    def _visible_customer_ids(self, partner_id: str):
        rel = orm.relationships.c
        return select(rel.customer_id).where(or_(rel.partner_id == partner_id, rel.associated_partner_id == partner_id))

    def customer_for_partner(self, workspace_id: str, partner_id: str, customer_id: str) -> model.Customer | None:
        """The customer, if the partner has a relationship with it (directly or as indirect reseller)."""
        rel = orm.relationships.c
        stmt = select(func.count()).where(
            rel.customer_id == customer_id,
            rel.workspace_id == workspace_id,
            or_(rel.partner_id == partner_id, rel.associated_partner_id == partner_id),
        )
        if not self.session.scalar(stmt):
            return None
        return self.customer(workspace_id, customer_id)

    def customers_for_partner(
        self, workspace_id: str, partner_id: str, *, search: str | None = None, after: str | None = None, limit: int | None = None
    ) -> list[model.Customer]:
        """A partner's customers ordered by company name then id; ``after`` is a keyset cursor."""
        c = orm.customers.c
        stmt = select(model.Customer).where(c.workspace_id == workspace_id, c.id.in_(self._visible_customer_ids(partner_id)))
        if search:
            stmt = stmt.where(_starts_with(search))
        if after:
            name, _, last_id = after.partition("\x1f")
            stmt = stmt.where(or_(c.company_name > name, (c.company_name == name) & (c.id > last_id)))
        stmt = stmt.order_by(c.company_name, c.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self.session.scalars(stmt))

    def count_customers_for_partner(self, workspace_id: str, partner_id: str, *, search: str | None = None) -> int:
        c = orm.customers.c
        stmt = select(func.count()).select_from(orm.customers).where(
            c.workspace_id == workspace_id, c.id.in_(self._visible_customer_ids(partner_id))
        )
        if search:
            stmt = stmt.where(_starts_with(search))
        return int(self.session.scalar(stmt) or 0)

    def customers(self, workspace_id: str) -> list[model.Customer]:
        c = orm.customers.c
        stmt = select(model.Customer).where(c.workspace_id == workspace_id).order_by(c.company_name)
        return list(self.session.scalars(stmt))

    # --- relationships ---------------------------------------------------------------------

    def relationships_of_customer(self, customer_id: str) -> list[model.Relationship]:
        rel = orm.relationships.c
        return list(self.session.scalars(select(model.Relationship).where(rel.customer_id == customer_id).order_by(rel.since)))

    def relationship(self, customer_id: str, partner_id: str) -> model.Relationship | None:
        rel = orm.relationships.c
        stmt = select(model.Relationship).where(rel.customer_id == customer_id, rel.partner_id == partner_id)
        return self.session.scalars(stmt).first()

    # --- agreements ------------------------------------------------------------------------

    def attestations(self, customer_id: str) -> list[model.Attestation]:
        a = orm.attestations.c
        stmt = select(model.Attestation).where(a.customer_id == customer_id).order_by(a.created_at, a.id)
        return list(self.session.scalars(stmt))

    def direct_acceptance(self, customer_id: str) -> model.DirectAcceptance | None:
        d = orm.direct_acceptances.c
        return self.session.scalars(select(model.DirectAcceptance).where(d.customer_id == customer_id)).first()

    def invitations_of_customer(self, customer_id: str) -> list[model.Invitation]:
        i = orm.invitations.c
        return list(self.session.scalars(select(model.Invitation).where(i.customer_id == customer_id).order_by(i.created_at)))

    def document_link(self, token: str) -> model.DocumentLink | None:
        return self.session.get(model.DocumentLink, token)

    # --- purchases -------------------------------------------------------------------------

    def subscriptions(self, customer_id: str) -> list[model.Subscription]:
        s = orm.subscriptions.c
        return list(self.session.scalars(select(model.Subscription).where(s.customer_id == customer_id).order_by(s.created_at)))

    def subscription(self, customer_id: str, subscription_id: str) -> model.Subscription | None:
        sub = self.session.get(model.Subscription, subscription_id)
        return sub if sub is not None and sub.customer_id == customer_id else None

    def orders(self, customer_id: str) -> list[model.Order]:
        o = orm.orders.c
        return list(self.session.scalars(select(model.Order).where(o.customer_id == customer_id).order_by(o.created_at)))
