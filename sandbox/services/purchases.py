"""Purchases, enough to show the agreement gate: orders and seat changes (R-NEW-BUY, R-TL-4, R-TL-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from sandbox.domain import rules
from sandbox.domain.errors import InvalidProperty, NotFound
from sandbox.domain.model import AgreementType, Contact, Customer, Order, Subscription, Workspace
from sandbox.domain.offers import find_offer

from .agreements import record_confirmation
from .context import Actor, ServiceContext, UnitOfWork, require_workspace


@dataclass
class LineItem:
    offer_id: str
    quantity: int
    friendly_name: str | None = None  # the subscription's nickname; None (or blank): the offer's name
    number: int | None = None  # the client's lineItemNumber; None: its place in the order


def _customer_or_404(uow: UnitOfWork, actor: Actor, customer_id: str) -> Customer:
    customer = uow.repo.customer_for_partner(actor.workspace_id, actor.partner_id, customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id} was not found.")
    return customer


def _buying_customer(uow: UnitOfWork, actor: Actor, customer_id: str) -> Customer:
    """The customer, for a purchase or a subscription's change: the caller's partner must have the customer (else
    404, as confirming acceptance does), then buy for itself (an indirect reseller's provider buys for it: 403 / 2032)."""
    customer = _customer_or_404(uow, actor, customer_id)
    partner = uow.repo.partner(actor.workspace_id, actor.partner_id)
    if partner is None:
        raise NotFound("Partner not found.")
    rules.ensure_may_buy(partner.kind)
    return customer


def _partners(uow: UnitOfWork, actor: Actor, customer: Customer) -> tuple[str, ...]:
    """The partners whose purchases for the customer the caller sees and changes: its own (and its indirect
    provider's, for an indirect reseller). Another partner of the same customer's are not found, as for any id."""
    return uow.repo.purchasing_partners(customer.id, actor.partner_id)


def _subscription_or_404(uow: UnitOfWork, actor: Actor, customer: Customer, subscription_id: str) -> Subscription:
    subscription = uow.repo.subscription(customer.id, subscription_id, partners=_partners(uow, actor, customer))
    if subscription is None:
        raise NotFound(f"Subscription {subscription_id} was not found.")
    return subscription


def _gate(ctx: ServiceContext, uow: UnitOfWork, customer: Customer, offer, today) -> None:
    rules.ensure_purchase_allowed(  # R-NEW-BUY, R-TL-4, R-TL-5: 13605 until the agreement is in place
        today,
        offer,
        customer_since=customer.created_at.date(),
        attestations=uow.repo.attestations(customer.id),
        direct=uow.repo.direct_acceptance(customer.id),
    )


def create_order(ctx: ServiceContext, actor: Actor, customer_id: str, line_items: list[LineItem]) -> tuple[Order, list[Subscription]]:
    """Place an order: every line item's offer must exist and the agreement must be in place. A line's
    friendly name becomes its subscription's nickname (the offer's name when it has none)."""
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, actor.workspace_id)
        customer = _buying_customer(uow, actor, customer_id)
        return _place_order(ctx, uow, workspace, actor, customer, line_items)


def _place_order(ctx: ServiceContext, uow: UnitOfWork, workspace: Workspace, actor: Actor, customer: Customer,
                 line_items: list[LineItem]) -> tuple[Order, list[Subscription]]:
    now = ctx.now_in(workspace)
    offers, names = _checked_lines(line_items)
    numbers = rules.line_item_numbers([item.number for item in line_items])
    for offer in offers:
        _gate(ctx, uow, customer, offer, now.date())
    order_id = ctx.new_ordered_id()
    subscription_ids = [ctx.new_ordered_id() for _ in offers]
    order = Order(
        id=order_id,
        workspace_id=workspace.id,
        customer_id=customer.id,
        partner_id=actor.partner_id,
        created_at=now,
        line_items=[  # each line names its subscription, for reading the order back, and keeps a name given
            {"lineItemNumber": n, "offerId": o.id, "quantity": i.quantity, "subscriptionId": s}
            | ({"friendlyName": name} if name else {})
            for n, o, i, s, name in zip(numbers, offers, line_items, subscription_ids, names, strict=True)
        ],
    )
    uow.repo.add(order)
    uow.repo.flush()
    subscriptions = [
        Subscription(
            id=subscription_id, workspace_id=workspace.id, customer_id=customer.id, partner_id=actor.partner_id,
            offer_id=offer.id, offer_name=offer.name, quantity=item.quantity, created_at=now, order_id=order.id,
            friendly_name=name or offer.name,
        )
        for offer, item, subscription_id, name in zip(offers, line_items, subscription_ids, names, strict=True)
    ]
    uow.repo.add(*subscriptions)
    return order, subscriptions


def update_subscription(
    ctx: ServiceContext, actor: Actor, customer_id: str, subscription_id: str, *,
    quantity: int | None = None, friendly_name: str | None = None, as_it_is: dict | None = None,
) -> Subscription:
    """Change a subscription's seat count, its nickname, or both; None (a blank name too) leaves either as it is.

    A seat change passes the same agreement gate as a new purchase (R-TL-4, R-TL-5); a new nickname alone is
    no purchase and is not gated. ``as_it_is``: the properties the client sent back that can't change here
    (id, offerId, status), each None or as stored. Everything is checked before anything changes: a refused
    change (13605, a bad value) changes nothing, the nickname included."""
    with ctx.unit_of_work() as uow:
        workspace = require_workspace(uow, actor.workspace_id)
        customer = _buying_customer(uow, actor, customer_id)
        subscription = _subscription_or_404(uow, actor, customer, subscription_id)
        rules.ensure_unchanged(as_it_is or {}, {"id": subscription.id, "offerId": subscription.offer_id,
                                                "status": rules.SUBSCRIPTION_STATUS})
        offer = find_offer(subscription.offer_id)
        changes_seats = quantity is not None and quantity != subscription.quantity
        if quantity is not None:  # a usage-based one's quantity is 1; sent back as stored, any is fine (older seeds)
            rules.ensure_quantity(quantity, offer=offer if changes_seats else None)
        name = rules.nickname(friendly_name)
        if changes_seats:
            _gate(ctx, uow, customer, offer, ctx.now_in(workspace).date())
            subscription.quantity = quantity
        if name is not None and name != subscription.friendly_name:
            subscription.friendly_name = name
        return subscription


def _checked_lines(line_items: list[LineItem]) -> tuple[list, list[str | None]]:
    """Each line's offer and nickname; an order without lines, an unknown offer or a bad quantity or name refused."""
    if not line_items:
        raise InvalidProperty("An order needs at least one line item.", field="lineItems")
    offers, names = [], []
    for index, item in enumerate(line_items):
        offer = find_offer(item.offer_id)
        if offer is None:
            raise InvalidProperty(f"The offer '{item.offer_id}' was not found.", field=f"lineItems[{index}].offerId")
        rules.ensure_quantity(item.quantity, field=f"lineItems[{index}].quantity", offer=offer)
        offers.append(offer)
        names.append(rules.nickname(item.friendly_name, field=f"lineItems[{index}].friendlyName"))
    return offers, names


def confirm_and_order(ctx: ServiceContext, actor: Actor, customer_id: str, line_items: list[LineItem], *,
                      contact: Contact, date_agreed: datetime) -> tuple[Order, list[Subscription]] | None:
    """The portal's prompt when an order needs the agreement (R-NEW-BUY), "Save and continue": the partner
    confirms the customer's acceptance of the MCA (R-OPT1-EX-4) and the order is placed, in one transaction: a
    refused order saves no confirmation, and a refused confirmation places no order.

    None when the MCA was in place already: a second Save and continue (a resubmitted form, a twin sent at
    once) places no second order and adds no confirmation."""
    try:
        with ctx.unit_of_work() as uow:
            workspace = require_workspace(uow, actor.workspace_id)
            customer = _buying_customer(uow, actor, customer_id)
            _checked_lines(line_items)  # an order that can't be placed confirms nothing
            in_place = rules.agreements_in_place(uow.repo.attestations(customer.id), uow.repo.direct_acceptance(customer.id))
            if AgreementType.MICROSOFT_CUSTOMER_AGREEMENT in in_place:
                return None
            record_confirmation(ctx, uow, workspace, actor, customer, template_id=rules.MCA.template_id,
                                agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT, date_agreed=date_agreed,
                                contact=contact)
            return _place_order(ctx, uow, workspace, actor, customer, line_items)
    except IntegrityError:  # its twin saved the same confirmation first, with the order: nothing more to do
        return None


def list_subscriptions(ctx: ServiceContext, actor: Actor, customer_id: str, *, order_id: str | None = None,
                       partner_mpn_id: str | None = None) -> list[Subscription]:
    """The customer's subscriptions the caller sees; those of one order (``order_id``), or those one partner
    provided, by its MPN id (``partner_mpn_id``: the partner of record, an indirect provider's reseller for the
    customers they share), as the SDK's ``ByOrder`` and ``ByPartner`` ask. Either names nothing: none."""
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        found = uow.repo.subscriptions(customer.id, partners=_partners(uow, actor, customer))
        if order_id is not None:
            found = [s for s in found if s.order_id == order_id]
        if partner_mpn_id is not None:
            found = [s for s in found if _partner_of_record_mpn_id(uow, s) == partner_mpn_id]
        return found


def _partner_of_record_mpn_id(uow: UnitOfWork, subscription: Subscription) -> str | None:
    """The MPN id of who provided the subscription: the partner that bought it or, when an indirect provider
    bought it for a customer it shares with an indirect reseller, that reseller."""
    relationship = uow.repo.relationship(subscription.customer_id, subscription.partner_id)
    provider = (relationship.associated_partner_id if relationship is not None else None) or subscription.partner_id
    partner = uow.repo.partner(subscription.workspace_id, provider)
    return partner.mpn_id if partner is not None else None


def get_subscription(ctx: ServiceContext, actor: Actor, customer_id: str, subscription_id: str) -> Subscription:
    with ctx.unit_of_work() as uow:
        return _subscription_or_404(uow, actor, _customer_or_404(uow, actor, customer_id), subscription_id)


def get_order(ctx: ServiceContext, actor: Actor, customer_id: str, order_id: str) -> tuple[Order, list[Subscription]]:
    """An order of the customer's (another customer's, even the same partner's, is not found) and its subscriptions."""
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        partners = _partners(uow, actor, customer)
        order = uow.repo.order(customer.id, order_id, partners=partners)
        if order is None:
            raise NotFound(f"Order {order_id} was not found.")
        return order, [s for s in uow.repo.subscriptions(customer.id, partners=partners) if s.order_id == order.id]


def list_orders(ctx: ServiceContext, actor: Actor, customer_id: str) -> tuple[list[Order], list[Subscription]]:
    """The customer's orders, oldest first, and the subscriptions they made."""
    with ctx.unit_of_work() as uow:
        customer = _customer_or_404(uow, actor, customer_id)
        partners = _partners(uow, actor, customer)
        return (uow.repo.orders(customer.id, partners=partners),
                [s for s in uow.repo.subscriptions(customer.id, partners=partners) if s.order_id])
