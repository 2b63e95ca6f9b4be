"""Each rule of acceptance-flows.md that the domain holds, tested by its id (pure domain, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sandbox.domain import rules
from sandbox.domain.clock import TenantClock
from sandbox.domain.errors import (
    AccessDenied,
    AgreementRequired,
    DirectAcceptanceNotPossible,
    InvalidProperty,
    PartnerConfirmedAgreementAlreadyExists,
    RoleNotAllowed,
)
from sandbox.domain.model import (
    AgreementType,
    Attestation,
    Contact,
    DirectAcceptance,
    PartnerKind,
    Role,
    Subscription,
)
from sandbox.domain.offers import find_offer
from sandbox.domain.template_countries import MCA_COUNTRIES

MCA = AgreementType.MICROSOFT_CUSTOMER_AGREEMENT
CLOUD = AgreementType.MICROSOFT_CLOUD_AGREEMENT
AZURE_PLAN = find_offer("DZH318Z0BPS6:0001")
M365 = find_offer("CFQ7TTC0LH18:0001")
LEGACY_E3 = find_offer("796B6B5F-613C-4E24-A17C-EBA730D49C02")
OLD_CUSTOMER = date(2018, 5, 1)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


TANIA = Contact("Tania", "Carr", "someone@example.com", "1234567890")


def attestation(agreement_type=MCA, contact=TANIA) -> Attestation:
    meta = rules.metadata_for(agreement_type)
    return Attestation(
        id="a", workspace_id="w", customer_id="c", partner_id="p", user_id="u", template_id=meta.template_id,
        type=agreement_type, date_agreed=at(date(2019, 1, 1)), first_name=contact.first_name,
        last_name=contact.last_name, email=contact.email, phone_number=contact.phone_number,
        contact_key=contact.key(), created_at=at(date(2019, 1, 1)),
    )


def direct() -> DirectAcceptance:
    return DirectAcceptance("d", "w", "c", rules.MCA.template_id, at(date(2020, 3, 1)), "admin@x")


def subscription(offer) -> Subscription:
    return Subscription("s", "w", "c", "p", offer.id, offer.name, 5, at(date(2019, 1, 1)))


def purchase(day: date, offer, *, since=OLD_CUSTOMER, attestations=(), direct_acceptance=None) -> None:
    rules.ensure_purchase_allowed(day, offer, customer_since=since, attestations=attestations, direct=direct_acceptance)


# --- R-TL-* -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "open_"), [(date(2019, 7, 31), False), (date(2019, 8, 1), True), (date(2019, 8, 2), True)]
)
def test_R_TL_1_portal_attestation_opens_2019_08_01(day, open_):
    if open_:
        rules.ensure_attestation_available(rules.Channel.PORTAL, day)
    else:
        with pytest.raises(AccessDenied, match="2019-08-01"):
            rules.ensure_attestation_available(rules.Channel.PORTAL, day)


@pytest.mark.parametrize(
    ("day", "open_"), [(date(2019, 9, 2), False), (date(2019, 9, 3), True), (date(2019, 9, 4), True)]
)
def test_R_TL_2_api_attestation_opens_2019_09_03(day, open_):
    if open_:
        rules.ensure_attestation_available(rules.Channel.API, day)
    else:
        with pytest.raises(AccessDenied, match="2019-09-03"):
            rules.ensure_attestation_available(rules.Channel.API, day)


@pytest.mark.parametrize(
    ("day", "open_"), [(date(2019, 9, 19), False), (date(2019, 9, 20), True), (date(2019, 9, 21), True)]
)
def test_R_TL_3_dotnet_sdk_opens_2019_09_20(day, open_):
    if open_:
        rules.ensure_attestation_available(rules.Channel.DOTNET_SDK, day)
    else:
        with pytest.raises(AccessDenied, match="2019-09-20"):
            rules.ensure_attestation_available(rules.Channel.DOTNET_SDK, day)


@pytest.mark.parametrize("day", [date(2019, 10, 1), date(2019, 12, 15), date(2020, 1, 31)])
@pytest.mark.parametrize("agreement_type", [MCA, CLOUD])
def test_R_TL_4_either_agreement_lets_an_existing_customer_buy_until_2020_01_31(day, agreement_type):
    purchase(day, M365, attestations=[attestation(agreement_type)])


@pytest.mark.parametrize("day", [date(2019, 10, 1), date(2020, 1, 31)])
def test_R_TL_4_no_agreement_at_all_is_refused_with_13605(day):
    with pytest.raises(AgreementRequired) as caught:
        purchase(day, M365)
    assert caught.value.code == 13605 and caught.value.status == 403


@pytest.mark.parametrize("day", [date(2019, 9, 1), date(2019, 10, 1), date(2020, 1, 31)])
def test_R_TL_4_the_azure_plan_needs_the_mca_even_before_2020_02_01(day):
    with pytest.raises(AgreementRequired):
        purchase(day, AZURE_PLAN, attestations=[attestation(CLOUD)])
    purchase(day, AZURE_PLAN, attestations=[attestation(MCA)])


@pytest.mark.parametrize(
    ("day", "cloud_ok"), [(date(2020, 1, 31), True), (date(2020, 2, 1), False), (date(2021, 6, 1), False)]
)
def test_R_TL_5_the_cloud_agreement_stops_counting_from_2020_02_01(day, cloud_ok):
    if cloud_ok:
        purchase(day, LEGACY_E3, attestations=[attestation(CLOUD)])
    else:
        with pytest.raises(AgreementRequired):
            purchase(day, LEGACY_E3, attestations=[attestation(CLOUD)])
    purchase(day, LEGACY_E3, attestations=[attestation(MCA)])


@pytest.mark.parametrize(("day", "cloud_ok"), [(date(2020, 1, 31), True), (date(2020, 2, 1), False)])
def test_R_TL_5_the_cloud_agreement_can_no_longer_be_confirmed(day, cloud_ok):
    def confirm():
        rules.ensure_valid_confirmation(
            template_id=rules.CLOUD_AGREEMENT.template_id, agreement_type=CLOUD, date_agreed=at(day), now=at(day)
        )

    if cloud_ok:
        confirm()
    else:
        with pytest.raises(InvalidProperty, match="no longer accepted"):
            confirm()


@pytest.mark.parametrize(
    ("day", "open_"), [(date(2020, 2, 2), False), (date(2020, 2, 3), True), (date(2020, 2, 4), True)]
)
def test_R_TL_6_direct_acceptance_opens_2020_02_03(day, open_):
    if open_:
        rules.ensure_direct_acceptance_open(day)
    else:
        with pytest.raises(AccessDenied, match="2020-02-03"):
            rules.ensure_direct_acceptance_open(day)


def test_R_TL_6_a_direct_acceptance_counts_as_the_mca_for_purchases():
    purchase(date(2020, 3, 1), M365, direct_acceptance=direct())


# --- R-NEW-BUY --------------------------------------------------------------------------------


@pytest.mark.parametrize("since", [date(2019, 10, 1), date(2020, 5, 1)])
def test_R_NEW_BUY_a_new_customer_buys_nothing_until_the_mca_is_accepted(since):
    day = max(since, date(2020, 1, 15))
    with pytest.raises(AgreementRequired):
        purchase(day, M365, since=since)
    with pytest.raises(AgreementRequired):  # the Cloud Agreement is not enough for a new customer
        purchase(day, M365, since=since, attestations=[attestation(CLOUD)])
    purchase(day, M365, since=since, attestations=[attestation(MCA)])
    purchase(day, M365, since=since, direct_acceptance=direct())


def test_R_NEW_BUY_a_customer_from_before_the_mca_may_still_use_the_cloud_agreement_in_january_2020():
    purchase(date(2020, 1, 15), M365, since=date(2019, 9, 30), attestations=[attestation(CLOUD)])


# --- R-TPL-* ----------------------------------------------------------------------------------


def test_R_TPL_1_the_latest_mca_template_has_a_document():
    assert rules.template_document(rules.MCA.template_id, None, None) == ("US", "en-US")


def test_R_TPL_1_only_the_mca_template_has_a_document():
    with pytest.raises(InvalidProperty):
        rules.template_document(rules.CLOUD_AGREEMENT.template_id, "US", "en-US")
    with pytest.raises(InvalidProperty):  # the template id is case-sensitive, as documented
        rules.template_document(rules.MCA.template_id.upper(), "US", "en-US")


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("NL", "nl-NL", ("NL", "nl-NL")),
        ("NL", "de-DE", ("NL", "en-US")),  # a language the country lacks falls back to en-US
        ("DE", None, ("DE", "en-US")),
        ("CH", "fr-FR", ("CH", "fr-FR")),
        ("RS", "sr-Latn-RS", ("RS", "sr-Latn-RS")),
        (None, "fr-FR", ("US", "en-US")),  # defaults to US, which has only en-US
    ],
)
def test_R_TPL_2_the_document_depends_on_country_and_language(country, language, expected):
    assert rules.template_document(rules.MCA.template_id, country, language) == expected


@pytest.mark.parametrize("country", ["nl", "XX", "USA"])
def test_R_TPL_2_an_unknown_or_lower_case_country_is_refused(country):
    with pytest.raises(InvalidProperty) as caught:
        rules.template_document(rules.MCA.template_id, country, None)
    assert caught.value.field == "country"


# --- R-RES-1 and roles ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PartnerKind.DIRECT_BILL, PartnerKind.INDIRECT_PROVIDER])
@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.SALES_AGENT])
def test_admin_and_sales_agents_of_direct_bill_partners_and_providers_may_attest(kind, role):
    rules.ensure_may_attest(role, kind)
    assert rules.may_attest(role, kind)


@pytest.mark.parametrize("role", [Role.BILLING_ADMIN, Role.HELPDESK_AGENT, Role.GLOBAL_ADMIN, None])
def test_other_roles_may_not_attest(role):
    with pytest.raises(RoleNotAllowed) as caught:
        rules.ensure_may_attest(role, PartnerKind.DIRECT_BILL)
    assert caught.value.code == 900150


@pytest.mark.parametrize("role", list(Role))
def test_R_RES_1_an_indirect_reseller_never_attests(role):
    with pytest.raises(AccessDenied, match="indirect provider"):
        rules.ensure_may_attest(role, PartnerKind.INDIRECT_RESELLER)
    assert not rules.may_attest(role, PartnerKind.INDIRECT_RESELLER)


# --- Who adds customers and requests reseller relationships (R-RES-1 and roles) ---------------


@pytest.mark.parametrize("kind", [PartnerKind.DIRECT_BILL, PartnerKind.INDIRECT_PROVIDER])
@pytest.mark.parametrize("role", [Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, None])
def test_global_admins_admin_and_sales_agents_and_applications_alone_add_customers(kind, role):
    """"Add a new customer": Global admin | User management admin | Admin agent | Sales agent; an App-only token
    (no user, ``None``) creates customers too."""
    rules.ensure_may_add_customers(role, kind)
    assert rules.may_add_customers(role, kind)


@pytest.mark.parametrize("kind", [PartnerKind.DIRECT_BILL, PartnerKind.INDIRECT_PROVIDER])
@pytest.mark.parametrize("role", [Role.BILLING_ADMIN, Role.HELPDESK_AGENT])
def test_other_roles_may_not_add_customers(kind, role):
    assert not rules.may_add_customers(role, kind)
    with pytest.raises(RoleNotAllowed) as caught:
        rules.ensure_may_add_customers(role, kind)
    assert (caught.value.status, caught.value.code) == (403, 900150)
    assert caught.value.description == (
        "The supplied role does not have the rights to perform the requested operation. "
        "Only a Global admin, an Admin agent or a Sales agent can add customers."
    )


@pytest.mark.parametrize("role", [*Role, None])
def test_R_RES_1_an_indirect_reseller_never_adds_customers(role):
    """Whatever the role (or none): the partner kind is refused first, with 2032, as before the roles."""
    assert not rules.may_add_customers(role, PartnerKind.INDIRECT_RESELLER)
    with pytest.raises(AccessDenied, match="your indirect provider adds them"):
        rules.ensure_may_add_customers(role, PartnerKind.INDIRECT_RESELLER)


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.SALES_AGENT])
def test_admin_and_sales_agents_request_reseller_relationships(role):
    rules.ensure_may_request_relationship(role)
    assert rules.may_request_relationship(role)


@pytest.mark.parametrize("role", [Role.GLOBAL_ADMIN, Role.BILLING_ADMIN, Role.HELPDESK_AGENT, None])
def test_other_roles_and_applications_alone_may_not_request_reseller_relationships(role):
    """"Request a relationship with a customer": Admin agent | Sales agent; the request takes a user (App+User)."""
    assert not rules.may_request_relationship(role)
    with pytest.raises(RoleNotAllowed) as caught:
        rules.ensure_may_request_relationship(role)
    assert (caught.value.status, caught.value.code) == (403, 900150)
    assert caught.value.description.endswith("Only an Admin agent or a Sales agent can request a reseller relationship.")


# --- R-OPT1-NEW-4, R-OPT1-EX-4: no acceptance date in the future ------------------------------


def confirm_mca(date_agreed: datetime, now: datetime) -> None:
    rules.ensure_valid_confirmation(template_id=rules.MCA.template_id, agreement_type=MCA, date_agreed=date_agreed, now=now)


@pytest.mark.parametrize("rule", ["R-OPT1-NEW-4", "R-OPT1-EX-4"])
def test_R_OPT1_NEW_4_and_R_OPT1_EX_4_the_acceptance_date_cannot_be_in_the_future(rule):
    now = datetime(2020, 5, 5, 9, 30, tzinfo=UTC)
    confirm_mca(now.replace(hour=0, minute=0), now)  # today is fine
    confirm_mca(now - timedelta(days=400), now)
    confirm_mca(now.replace(hour=23, minute=59), now)  # later today is still today
    with pytest.raises(InvalidProperty, match="future") as caught:
        confirm_mca(now + timedelta(days=1), now)
    assert caught.value.field == "dateAgreed"


def test_the_future_is_judged_by_the_tenants_clock_not_the_machines():
    frozen = TenantClock.set_to(datetime(2019, 11, 1, tzinfo=UTC), frozen=True, real_now=datetime.now(UTC))
    tenant_now = frozen.now(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidProperty):
        confirm_mca(datetime(2019, 11, 2, tzinfo=UTC), tenant_now)


def test_the_template_must_be_the_current_one_of_its_type():
    now = at(date(2020, 5, 1))
    with pytest.raises(InvalidProperty) as caught:
        rules.ensure_valid_confirmation(
            template_id=rules.CLOUD_AGREEMENT.template_id, agreement_type=MCA, date_agreed=now, now=now
        )
    assert caught.value.field == "templateId"


# --- 600061 -----------------------------------------------------------------------------------


def test_600061_the_same_contact_cannot_confirm_the_same_agreement_twice():
    existing = [attestation(MCA)]
    with pytest.raises(PartnerConfirmedAgreementAlreadyExists) as caught:
        rules.ensure_not_duplicate(existing, MCA, Contact(" tania ", "CARR", "Someone@Example.com", "123-456-7890"))
    assert (caught.value.code, caught.value.name, caught.value.extended) == (600061, "PartnerConfirmedAgreementAlreadyExists", True)


@pytest.mark.parametrize(
    "contact",
    [
        Contact("Tanya", "Carr", "someone@example.com", "1234567890"),
        Contact("Tania", "Kerr", "someone@example.com", "1234567890"),
        Contact("Tania", "Carr", "other@example.com", "1234567890"),
        Contact("Tania", "Carr", "someone@example.com", None),
    ],
)
def test_600061_a_changed_name_email_or_phone_may_confirm_again(contact):
    rules.ensure_not_duplicate([attestation(MCA)], MCA, contact)


def test_600061_is_per_agreement_type():
    rules.ensure_not_duplicate([attestation(CLOUD)], MCA, attestation(CLOUD).primary_contact)


# --- R-OPT2-CANT and R-OPT2-STATUS ------------------------------------------------------------


@pytest.mark.parametrize(
    "offer_id", ["DZH318Z0BPS6:0001", "DZH318Z0BQ35:0001", "DG7GMGF0FKZV:0001", "CFQ7TTC0LFLZ:0001"]
)
def test_R_OPT2_CANT_a_customer_with_earlier_purchases_must_ask_its_partner(offer_id):
    subs = [subscription(find_offer(offer_id))]
    assert rules.cannot_accept_directly(subs, attestations=[], direct=None)
    with pytest.raises(DirectAcceptanceNotPossible) as caught:
        rules.ensure_can_accept_directly(subs, attestations=[], direct=None)
    assert caught.value.description == (
        "Please reach out to your Partner to confirm your acceptance of the Microsoft Customer Agreement."
    )


def test_R_OPT2_CANT_customers_without_such_purchases_accept_directly():
    assert not rules.cannot_accept_directly([], attestations=[], direct=None)
    assert not rules.cannot_accept_directly([subscription(LEGACY_E3)], attestations=[attestation(CLOUD)], direct=None)


def test_R_OPT2_CANT_once_the_partner_attested_there_is_nothing_to_block():
    subs = [subscription(AZURE_PLAN)]
    assert not rules.cannot_accept_directly(subs, attestations=[attestation(MCA)], direct=None)


def test_R_OPT2_STATUS_is_signed_reflects_only_the_customers_own_acceptance():
    assert rules.is_signed_directly(direct()) is True
    assert rules.is_signed_directly(None) is False


# --- R-API-1 (metadata) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "types"),
    [
        (None, [CLOUD]),
        ("MicrosoftCustomerAgreement", [MCA]),
        ("microsoftcustomeragreement", [MCA]),
        ("MicrosoftCloudAgreement", [CLOUD]),
        ("*", [MCA, CLOUD]),
    ],
)
def test_R_API_1_agreement_metadata_by_type(asked, types):
    assert [m.agreement_type for m in rules.agreement_metadata(asked)] == types


def test_R_API_1_the_documented_template_ids():
    assert rules.MCA.template_id == "117a77b0-9360-443b-8795-c6dedc750cf9"
    assert rules.CLOUD_AGREEMENT.template_id == "998b88de-aa99-4388-a42c-1b3517d49490"


def test_R_TPL_2_the_country_table_is_the_documented_one_row_for_row():
    """Every row of the documentation's table (kept verbatim in tests/api/data): name, code and languages
    (a language the source repeats is listed once), and no country besides."""
    source = Path(__file__).parent / "api" / "data" / "template-countries.md"
    documented = {}
    for line in source.read_text(encoding="utf-8").splitlines()[6:]:  # after the header and the table's head
        name, code, languages = (cell.strip() for cell in line.strip("|").split("|"))
        documented[code] = (name, tuple(dict.fromkeys(lang.strip() for lang in languages.split(","))))
    assert len(documented) == 246
    assert documented == MCA_COUNTRIES


def test_a_subscription_s_year_ends_on_the_same_day_a_year_on_or_the_day_before_for_new_commerce():
    from datetime import UTC, datetime

    from sandbox.domain.offers import find_offer, terms

    leap = datetime(2020, 2, 29, 23, 30, tzinfo=UTC)
    legacy = terms(find_offer("031C9E47-4802-4248-838E-778FB1D2CC05"), leap)
    new_commerce = terms(find_offer("CFQ7TTC0LH18:0001"), leap)
    software = terms(find_offer("DG7GMGF0FKZV:0001"), leap)

    assert legacy.effective_start == datetime(2020, 2, 29, tzinfo=UTC)
    assert legacy.commitment_end == datetime(2021, 2, 28, tzinfo=UTC)  # no 29 February in 2021
    assert new_commerce.commitment_end == datetime(2021, 2, 27, tzinfo=UTC)  # inclusive: the day before
    assert (software.billing_cycle, software.auto_renew, software.commitment_end.year) == ("oneTime", False, 9999)


def test_a_renewing_subscription_s_term_is_the_one_running_on_the_clock_s_day():
    """A subscription bought in 2018 read in 2020 showed a term that had ended in 2019, still active and renewing."""
    from datetime import UTC, datetime

    from sandbox.domain.offers import find_offer, terms

    bought = datetime(2018, 4, 28, 9, tzinfo=UTC)
    legacy, new_commerce = find_offer("796B6B5F-613C-4E24-A17C-EBA730D49C02"), find_offer("CFQ7TTC0LH18:0001")

    assert terms(legacy, bought, datetime(2020, 5, 5, tzinfo=UTC)).commitment_end == datetime(2021, 4, 28, tzinfo=UTC)
    assert terms(legacy, bought, datetime(2020, 4, 28, tzinfo=UTC)).commitment_end == datetime(2021, 4, 28, tzinfo=UTC)
    assert terms(legacy, bought, datetime(2020, 4, 27, 23, tzinfo=UTC)).commitment_end == datetime(2020, 4, 28, tzinfo=UTC)
    assert terms(new_commerce, bought, datetime(2020, 4, 27, tzinfo=UTC)).commitment_end == datetime(2020, 4, 27, tzinfo=UTC)
    assert terms(new_commerce, bought, datetime(2020, 4, 28, tzinfo=UTC)).commitment_end == datetime(2021, 4, 27, tzinfo=UTC)
    assert terms(legacy, bought, datetime(2017, 1, 1, tzinfo=UTC)).commitment_end == datetime(2019, 4, 28, tzinfo=UTC)  # clock set back
    assert terms(legacy, bought, datetime(2020, 5, 5, tzinfo=UTC)).effective_start == datetime(2018, 4, 28, tzinfo=UTC)
