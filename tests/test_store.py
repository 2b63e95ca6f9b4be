"""The store on file and memory SQLite: migrations, persistence, isolation, nothing half-written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pg_slice
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sandbox import seed
from sandbox.app import create_app
from sandbox.domain.errors import InvalidProperty
from sandbox.services import tenants
from sandbox.store.db import head_revision, make_engine, prepare_schema
from sandbox.store.orm import metadata
from sandbox.store.repository import Repository


@pytest.fixture(params=["file", "memory"] + (["postgresql"] if pg_slice.ENABLED else []))
def database_url(request, tmp_path):
    if request.param == "postgresql":  # this worker's database, emptied (tests/pg_slice.py)
        return request.getfixturevalue("postgres_database").empty()
    return f"sqlite:///{tmp_path / 'sandbox.db'}" if request.param == "file" else "sqlite://"


def test_migrations_build_exactly_the_schema_the_code_maps(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    prepare_schema(engine, migrate=True)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert diff == []
    assert version == head_revision() == "0012"


@pytest.mark.skipif(not pg_slice.ENABLED, reason="the PostgreSQL slice is off")
def test_migrations_build_exactly_the_schema_the_code_maps_on_postgresql(postgres_database):
    engine = make_engine(pg_slice.fresh_database(f"mca_test_{pg_slice.worker()}_migrations"))
    try:
        prepare_schema(engine, migrate=True)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
        assert diff == []
    finally:
        engine.dispose()
        pg_slice.drop_database(f"mca_test_{pg_slice.worker()}_migrations")


@pytest.fixture(params=["file"] + (["postgresql"] if pg_slice.ENABLED else []))
def blank_database_url(request, tmp_path):
    """A database with no tables at all, for building an old schema by hand."""
    if request.param == "file":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"mca_test_{pg_slice.worker()}_upgrade"
    yield pg_slice.fresh_database(name)
    pg_slice.drop_database(name)


def _copy_rows(source, target) -> None:
    """Every row of ``source`` (a database at head) into ``target`` (an older schema), in the columns the older
    schema has: a database as a sandbox of that version kept it."""
    from sqlalchemy import Column, MetaData, Table, select

    old = MetaData()
    old.reflect(target)
    with source.connect() as reading, target.begin() as writing:
        for table in metadata.sorted_tables:
            if table.name not in old.tables:
                continue
            kept = [table.c[column.name] for column in old.tables[table.name].columns]
            rows = [dict(row) for row in reading.execute(select(*kept)).mappings()]
            # the head's types, but no column of the head's alone, nor their defaults, in the insert
            older = Table(table.name, MetaData(), *[Column(column.name, column.type) for column in kept])
            if rows:
                writing.execute(older.insert(), rows)


def _older_database(url: str, revision: str, source, *, without: tuple[str, str | None]) -> None:
    """The database at ``url`` as a sandbox at migration ``revision`` kept it: that schema (whose table has no
    column ``without`` yet; with a column of None, no such table yet), holding ``source``'s rows."""
    from alembic import command
    from sqlalchemy import inspect

    from sandbox.store.db import alembic_config

    old = make_engine(url)
    try:
        command.upgrade(alembic_config(old), revision)
        table, column = without
        if column is None:
            assert table not in inspect(old).get_table_names()
        else:
            assert column not in {c["name"] for c in inspect(old).get_columns(table)}
        _copy_rows(source, old)
    finally:
        old.dispose()


def _started_on(url: str):
    """The app's next start on ``url``, which migrates it: the database is then at head, in the models' schema."""
    app = create_app({"DATABASE_URL": url, "PUBLIC_URL": "http://sandbox.test"})
    with app.extensions["engine"].connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    return app


def test_migration_0002_gives_the_subscriptions_of_an_0001_database_their_offers_name(blank_database_url):
    """An 0001 database (no friendly_name) with tenants, customers, orders and subscriptions, upgraded at the
    next start: everything is still there and every subscription is named after its offer."""
    from sqlalchemy import select

    from sandbox.domain.model import Role
    from sandbox.services import Actor, purchases
    from sandbox.store.orm import subscriptions

    source_app = create_app({"DATABASE_URL": "sqlite://"})
    ctx = source_app.extensions["services"]
    tenant = seed.create_tenant(ctx, customers=0)
    actor = Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="u", role=Role.ADMIN_AGENT)
    bought = seed.add_customer(ctx, tenant["id"], state="MCAAttested")["id"]
    seed.add_customer(ctx, tenant["id"], state="PurchaseBlocked")
    purchases.create_order(ctx, actor, bought, [purchases.LineItem("CFQ7TTC0LH18:0001", 3),
                                                 purchases.LineItem("DZH318Z0BPS6:0001", 1)])
    with source_app.extensions["engine"].connect() as connection:
        before = {row.id: row for row in connection.execute(select(subscriptions))}
    assert len(before) >= 4 and any(row.order_id for row in before.values())

    _older_database(blank_database_url, "0001", source_app.extensions["engine"], without=("subscriptions", "friendly_name"))

    upgraded = _started_on(blank_database_url)
    engine = upgraded.extensions["engine"]
    try:
        with engine.connect() as connection:
            after = {row.id: row for row in connection.execute(select(subscriptions))}
        assert after.keys() == before.keys()
        for key, row in after.items():
            assert row.friendly_name == row.offer_name
            assert row._asdict() == before[key]._asdict() | {"friendly_name": row.offer_name}
        later = upgraded.extensions["services"]  # the domain reads them back, and a rename is kept
        for customer in {row.customer_id for row in after.values()}:
            for subscription in purchases.list_subscriptions(later, actor, customer):
                assert subscription.friendly_name == subscription.offer_name
        some = next(key for key, row in after.items() if row.customer_id == bought)
        purchases.update_subscription(later, actor, bought, some, friendly_name="Head office")
        assert purchases.get_subscription(later, actor, bought, some).friendly_name == "Head office"
    finally:
        engine.dispose()


def test_migration_0006_lets_the_apps_of_an_0005_database_allow_public_client_flows(blank_database_url):
    """An 0005 database (no allow_public_client_flows) with tenants of every kind, their apps, a registered
    certificate and a device code flow, upgraded at the next start: everything is still there, every app allows
    public client flows (what they all did before), and the token endpoint takes their public clients' grants."""
    from sqlalchemy import func, select

    from sandbox.domain.model import PartnerKind
    from sandbox.services import identity
    from sandbox.store.orm import application_certificates, applications, device_authorizations
    from tests.api.test_client_assertion import make_certificate

    source_app = create_app({"DATABASE_URL": "sqlite://"})
    ctx = source_app.extensions["services"]
    made = [seed.create_tenant(ctx, kind=kind, customers=1) for kind in PartnerKind]
    direct = made[0]
    identity.register_certificate(ctx, direct["id"], direct["application"]["clientId"], make_certificate().pem)
    identity.start_device_flow(ctx, tenant=direct["id"], client_id=direct["application"]["clientId"], version="2.0",
                               scope="https://api.partnercenter.microsoft.com/user_impersonation", resource=None)
    with source_app.extensions["engine"].connect() as connection:
        before = {row.client_id: row._asdict() for row in connection.execute(select(applications))}
    assert len(before) == 4  # an indirect reseller's tenant holds its provider's app too

    _older_database(blank_database_url, "0005", source_app.extensions["engine"],
                    without=("applications", "allow_public_client_flows"))

    upgraded = _started_on(blank_database_url)
    engine = upgraded.extensions["engine"]
    try:
        with engine.connect() as connection:
            after = {row.client_id: row._asdict() for row in connection.execute(select(applications))}
            kept = [connection.execute(select(func.count()).select_from(table)).scalar()
                    for table in (application_certificates, device_authorizations)]
        assert after == {key: row | {"allow_public_client_flows": True} for key, row in before.items()}
        assert kept == [1, 1]
        client = upgraded.test_client()
        for tenant in made:  # a public client's password grant: no secret, as before the upgrade
            admin = next(u for u in tenant["users"] if u["role"] == "AdminAgent")
            form = {"grant_type": "password", "client_id": tenant["application"]["clientId"],
                    "username": admin["userName"], "password": admin["password"],
                    "resource": "https://api.partnercenter.microsoft.com"}
            assert client.post(f"/{tenant['id']}/oauth2/token", data=form).status_code == 200
    finally:
        engine.dispose()


def test_migration_0007_gives_an_0006_database_a_table_of_fault_rules(blank_database_url):
    """An 0006 database (no fault_rules: rules lived in each process's memory) with tenants, upgraded at the next
    start: everything is still there, no tenant has a rule, and a rule added then fires and is counted."""
    from sqlalchemy import func, select

    from sandbox.domain.model import PartnerKind
    from sandbox.store.orm import applications, customers, fault_rules, workspaces

    source_app = create_app({"DATABASE_URL": "sqlite://"})
    ctx = source_app.extensions["services"]
    made = [seed.create_tenant(ctx, kind=kind, customers=2) for kind in PartnerKind]
    tables = (workspaces, customers, applications)
    with source_app.extensions["engine"].connect() as connection:
        before = [sorted(tuple(row) for row in connection.execute(select(table))) for table in tables]

    _older_database(blank_database_url, "0006", source_app.extensions["engine"], without=("fault_rules", None))

    upgraded = _started_on(blank_database_url)
    engine = upgraded.extensions["engine"]
    try:
        with engine.connect() as connection:
            after = [sorted(tuple(row) for row in connection.execute(select(table))) for table in tables]
            assert connection.execute(select(func.count()).select_from(fault_rules)).scalar() == 0
        assert after == before
        client = upgraded.test_client()
        tenant = made[0]
        assert client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json() == {"items": []}
        rule = client.post(f"/_sandbox/tenants/{tenant['id']}/faults",
                           json={"operation": "token", "status": 503, "count": 1}).get_json()
        admin = next(u for u in tenant["users"] if u["role"] == "AdminAgent")
        form = {"grant_type": "password", "client_id": tenant["application"]["clientId"],
                "client_secret": tenant["application"]["clientSecret"], "username": admin["userName"],
                "password": admin["password"], "resource": "https://api.partnercenter.microsoft.com"}
        assert [client.post(f"/{tenant['id']}/oauth2/token", data=form).status_code for _ in range(2)] == [503, 200]
        [listed] = client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json()["items"]
        assert listed == rule | {"fired": 1, "remaining": 0}
    finally:
        engine.dispose()


def test_migration_0008_makes_the_rules_of_an_0007_database_answer_before_the_operation(blank_database_url):
    """An 0007 database's rules (no phase: each answered instead of the operation) upgraded at the next start:
    each is kept, fired count and all, as a "before" rule, and still answers without running its operation."""
    from tests.api.helpers import customer_body

    source_app = create_app({"DATABASE_URL": "sqlite://"})
    ctx = source_app.extensions["services"]
    tenant = seed.create_tenant(ctx, customers=1)
    client = source_app.test_client()
    rules = [client.post(f"/_sandbox/tenants/{tenant['id']}/faults", json=rule).get_json()
             for rule in ({"operation": "createCustomer", "status": 503, "count": 2}, {"operation": "token", "delayMs": 5})]
    admin = next(u for u in tenant["users"] if u["role"] == "AdminAgent")
    form = {"grant_type": "password", "client_id": tenant["application"]["clientId"],
            "client_secret": tenant["application"]["clientSecret"], "username": admin["userName"],
            "password": admin["password"], "resource": "https://api.partnercenter.microsoft.com"}
    token = client.post(f"/{tenant['id']}/oauth2/token", data=form).get_json()["access_token"]  # fires the token rule

    _older_database(blank_database_url, "0007", source_app.extensions["engine"], without=("fault_rules", "phase"))

    upgraded = _started_on(blank_database_url)
    try:
        client = upgraded.test_client()
        listed = client.get(f"/_sandbox/tenants/{tenant['id']}/faults").get_json()["items"]
        assert listed == [rules[0] | {"when": "before"}, rules[1] | {"fired": 1, "when": "before"}]
        body = customer_body("upgraded.onmicrosoft.com")
        answers = [client.post("/v1/customers", headers={"Authorization": f"Bearer {token}"}, json=body).status_code
                   for _ in range(3)]
        assert answers == [503, 503, 201]
        domains = [c["companyProfile"]["domain"] for c in client.get(
            "/v1/customers", headers={"Authorization": f"Bearer {token}"}).get_json()["items"]]
        assert domains.count(body["companyProfile"]["domain"]) == 1  # the 503s ran nothing
    finally:
        upgraded.extensions["engine"].dispose()


def test_migration_0011_keeps_what_an_0010_database_s_indirect_resellers_showed(blank_database_url):
    """An 0010 database's indirect resellers (no delegation or date of their own) upgraded at the next start:
    each still shows without admin roles, since its provider's date, and every relationship is kept."""
    from sqlalchemy import select

    from sandbox.domain.model import PartnerKind
    from sandbox.services import admin_center
    from sandbox.store.orm import relationships

    source_app = create_app({"DATABASE_URL": "sqlite://"})
    made = seed.create_tenant(source_app.extensions["services"], kind=PartnerKind.INDIRECT_RESELLER, customers=3)
    with source_app.extensions["engine"].connect() as connection:
        before = {row.id: row._asdict() for row in connection.execute(select(relationships))}
    assert sum(row["associated_partner_id"] == made["id"] for row in before.values()) == 3

    _older_database(blank_database_url, "0010", source_app.extensions["engine"], without=("relationships", "associated_since"))

    upgraded = _started_on(blank_database_url)
    try:
        with upgraded.extensions["engine"].connect() as connection:
            after = {row.id: row._asdict() for row in connection.execute(select(relationships))}
        assert after == before  # the seed dates the reseller from the provider's relationship, as the upgrade does
        for customer in made["customers"]:
            rows = admin_center.list_customer_partners(upgraded.extensions["services"], customer["id"])
            reseller = next(r for r in rows if r.partner.id == made["id"])
            provider = next(r for r in rows if r.partner.id == made["provider"]["id"])
            assert (reseller.relationship, reseller.admin_roles, reseller.since) == ("Indirect reseller", (), provider.since)
    finally:
        upgraded.extensions["engine"].dispose()


def test_migration_0012_lets_an_0011_database_s_customers_be_found_without_accents_and_listed_alphabetically(
        blank_database_url):
    """An 0011 database (names kept casefolded, listed by company name) upgraded at the next start: every
    name is read again, so a search without accents finds it and the lists are alphabetical."""
    from alembic import command
    from sqlalchemy import inspect, select, update

    from sandbox.domain.model import Role
    from sandbox.services import Actor
    from sandbox.services.customers import list_customers
    from sandbox.store.db import alembic_config
    from sandbox.store.orm import customers

    source_app = create_app({"DATABASE_URL": "sqlite://"})
    tenant = seed.create_tenant(source_app.extensions["services"], customers=0)
    client = source_app.test_client()
    for name in ("Zeta", "Construcción Ñandú", "acme"):
        body = {"state": "NoAgreement", "country": "ES"}
        made = client.post(f"/_sandbox/tenants/{tenant['id']}/customers", json=body).get_json()
        with source_app.extensions["engine"].begin() as connection:  # as an 0011 sandbox kept the name
            connection.execute(update(customers).where(customers.c.id == made["id"])
                               .values(company_name=name, search_name=name.casefold()))
    old = make_engine(blank_database_url)
    try:
        command.upgrade(alembic_config(old), "0011")
        _copy_rows(source_app.extensions["engine"], old)
    finally:
        old.dispose()

    upgraded = _started_on(blank_database_url)
    try:
        with upgraded.extensions["engine"].connect() as connection:
            keys = dict(connection.execute(select(customers.c.company_name, customers.c.search_name)).all())
            indexes = {i["name"] for i in inspect(connection).get_indexes("customers")}
        assert keys == {"Zeta": "zeta", "Construcción Ñandú": "construccion nandu", "acme": "acme"}
        assert "ix_customers_workspace_search" in indexes and "ix_customers_workspace_company" not in indexes
        actor = Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="u", role=Role.ADMIN_AGENT)
        ctx = upgraded.extensions["services"]
        assert [v.customer.company_name for v in list_customers(ctx, actor).items] == ["acme", "Construcción Ñandú", "Zeta"]
        assert [v.customer.company_name for v in list_customers(ctx, actor, search="construccion").items] == [
            "Construcción Ñandú"]
    finally:
        upgraded.extensions["engine"].dispose()


def test_a_file_database_keeps_tenants_across_restarts(tmp_path):
    url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    first = create_app({"DATABASE_URL": url})
    created = seed.create_tenant(first.extensions["services"], seed=11, customers=2)
    first.extensions["engine"].dispose()

    second = create_app({"DATABASE_URL": url})
    summary = tenants.get_tenant(second.extensions["services"], created["id"])
    assert summary.customer_count == 2
    assert {u.user_name for u in summary.users} == {u["userName"] for u in created["users"]}
    # the signing key is kept in the database, so tokens and sessions survive a restart
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_same_seed_same_workspace(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    first = seed.create_tenant(ctx, seed=5, customers=4)
    tenants.delete_tenant(ctx, first["id"])
    again = seed.create_tenant(ctx, seed=5, customers=4)
    assert again["customers"] == first["customers"]
    assert again["users"] == first["users"]
    assert again["application"] == first["application"]


def test_reset_restores_the_seeded_state(database_url):
    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    created = seed.create_tenant(ctx, seed=9, customers=2)
    seed.add_customer(ctx, created["id"], state="MCAAttested")
    assert tenants.get_tenant(ctx, created["id"]).customer_count == 3
    again = seed.reset_tenant(ctx, created["id"])
    assert tenants.get_tenant(ctx, created["id"]).customer_count == 2
    assert again["customers"] == created["customers"]


def test_two_tenants_keep_their_own_clocks(database_url):
    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    a = seed.create_tenant(ctx, customers=0, clock_now=datetime(2019, 9, 1, tzinfo=UTC), clock_frozen=True)
    b = seed.create_tenant(ctx, customers=0)
    tenants.set_clock(ctx, b["id"], now=datetime(2021, 3, 4, 5, 6, tzinfo=UTC), frozen=True)
    assert tenants.get_clock(ctx, a["id"]).now == datetime(2019, 9, 1, tzinfo=UTC)
    assert tenants.get_clock(ctx, b["id"]).now == datetime(2021, 3, 4, 5, 6, tzinfo=UTC)


def test_a_refused_seed_writes_nothing(database_url):
    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    with pytest.raises(InvalidProperty):
        seed.create_tenant(ctx, customers=-1)
    with pytest.raises(InvalidProperty):
        seed.add_customer(ctx, seed.create_tenant(ctx, customers=0)["id"], state="Nonsense")
    with ctx.unit_of_work() as uow:
        assert len(uow.repo.workspaces()) == 1
        assert uow.repo.customers(uow.repo.workspaces()[0].id) == []


def test_demo_workspace_shows_every_state_in_several_countries(database_url):
    app = create_app({"DATABASE_URL": database_url})
    demo, created = seed.ensure_demo_workspace(app.extensions["services"], seed=42)
    assert created
    states = {c["state"] for c in demo["customers"]}
    assert states == set(seed.CUSTOMER_STATES)
    assert len(demo["customers"]) >= 20
    assert len({c["country"] for c in demo["customers"]}) >= 4
    assert {p["kind"] for p in demo["partners"]} == {"DirectBill", "IndirectProvider", "IndirectReseller"}
    for partner in demo["partners"]:
        assert {u["role"] for u in partner["users"]} == {
            "AdminAgent", "SalesAgent", "BillingAdmin", "HelpdeskAgent", "GlobalAdmin"
        }
    again, created_again = seed.ensure_demo_workspace(app.extensions["services"], seed=42)
    assert not created_again and again["customers"] == demo["customers"]


def test_each_partner_sees_only_its_own_customers(database_url):
    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    a = seed.create_tenant(ctx, customers=2)
    b = seed.create_tenant(ctx, customers=2)
    with ctx.unit_of_work() as uow:
        repo = Repository(uow.session)
        assert {c.id for c in repo.customers_for_partner(a["id"], a["id"])} == {c["id"] for c in a["customers"]}
        assert repo.customer_for_partner(a["id"], a["id"], b["customers"][0]["id"]) is None
        assert repo.customer_for_partner(b["id"], a["id"], b["customers"][0]["id"]) is None


def test_search_finds_names_in_any_case_and_script_with_or_without_accents(database_url):
    from sandbox.domain.model import Role
    from sandbox.services import Actor
    from sandbox.services.customers import NewCustomer, create_customer

    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    tenant = seed.create_tenant(ctx, customers=0)
    actor = Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="u", role=Role.ADMIN_AGENT)
    made = create_customer(ctx, actor, NewCustomer(
        domain="uebertechnik.onmicrosoft.com", company_name="Über Technik GmbH", email="a@uebertechnik.de",
        country="DE", address_line1="Hauptstraße 1", city="München", postal_code="80331", first_name="Jörg",
        last_name="Müller",
    ))
    with ctx.unit_of_work() as uow:
        for query in ("über", "ÜBER", "Über Tech", "uebertech", "uber", "UBER TECHNIK", "u\u0308ber"):
            found = uow.repo.customers_for_partner(tenant["id"], tenant["id"], search=query)
            assert [c.id for c in found] == [made.customer.id], query
        assert uow.repo.customers_for_partner(tenant["id"], tenant["id"], search="ubr") == []
        assert uow.repo.count_customers_for_partner(tenant["id"], tenant["id"], search="ub") == 1
        assert uow.repo.count_customers_for_partner(tenant["id"], tenant["id"], search="\u0301") == 0  # a lone accent


@pytest.mark.parametrize(("name", "found_by", "not_found_by"), [
    ("Łódź Logistyka", ["lodz", "ŁÓDŹ", "Łodz"], []),
    ("Øresund Ørsted", ["oresund", "Öresund"], []),
    ("Ærø Æble", ["aero", "AERØ"], []),
    ("Ελληνική Εταιρεία", ["ελληνικη", "ΕΛΛΗΝΙΚΗ"], []),
    ("Йога Центр", ["йога", "ЙОГА"], ["иога"]),  # й is a letter of its own, not и with a mark
    ("ガス株式会社", ["ｶﾞｽ", "ガス"], ["カス"]),  # the dakuten makes another kana
])
def test_search_reads_letters_as_people_type_them(database_url, name, found_by, not_found_by):
    from sandbox.domain.model import Role
    from sandbox.services import Actor
    from sandbox.services.customers import NewCustomer, create_customer

    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    tenant = seed.create_tenant(ctx, customers=0)
    actor = Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="u", role=Role.ADMIN_AGENT)
    create_customer(ctx, actor, NewCustomer(
        domain="letters.onmicrosoft.com", company_name=name, email="a@letters.example", country="PL",
        address_line1="Ulica 1", city="Lodz", postal_code="90-001", first_name="Ann", last_name="Nowak",
    ))
    with ctx.unit_of_work() as uow:
        for query in found_by:
            assert uow.repo.count_customers_for_partner(tenant["id"], tenant["id"], search=query) == 1, query
        for query in not_found_by:
            assert uow.repo.count_customers_for_partner(tenant["id"], tenant["id"], search=query) == 0, query


def test_customer_lists_are_alphabetical_whatever_the_case_and_accents_and_page_through_them(database_url):
    """Sorted by code point, "Zeta" came before "acme" and "Ängel" after both; a page's cursor is the last name
    shown, and names alike but for case or accents are told apart by id."""
    from sandbox.domain.model import Role
    from sandbox.services import Actor
    from sandbox.services.customers import NewCustomer, create_customer, list_customers

    app = create_app({"DATABASE_URL": database_url})
    ctx = app.extensions["services"]
    tenant = seed.create_tenant(ctx, customers=0)
    actor = Actor(workspace_id=tenant["id"], partner_id=tenant["id"], user_id="u", role=Role.ADMIN_AGENT)
    names = ["Zeta Ltd", "acme", "Ängel BV", "ACME", "Ångström AB", "beta", "Ärzte eG", "Ölwerk", "Omega"]
    for n, name in enumerate(names):
        create_customer(ctx, actor, NewCustomer(
            domain=f"sorted{n}.onmicrosoft.com", company_name=name, email=f"a@sorted{n}.example", country="NL",
            address_line1="Street 1", city="Utrecht", postal_code="3511 AA", first_name="Ann", last_name="Smit",
        ))
    shown, token = [], None
    while True:
        page = list_customers(ctx, actor, size=2, continuation=token)
        shown += [view.customer.company_name for view in page.items]
        token = page.continuation_token
        if token is None:
            break

    assert shown[:2] in (["acme", "ACME"], ["ACME", "acme"])
    assert shown[2:] == ["Ängel BV", "Ångström AB", "Ärzte eG", "beta", "Ölwerk", "Omega", "Zeta Ltd"]


def test_a_prepared_read_types_each_distinct_row_once_and_sees_every_change(database_url):
    from sqlalchemy import bindparam, insert, select, update

    from sandbox.domain.model import PartnerKind
    from sandbox.store.db import PreparedRead
    from sandbox.store.orm import workspaces

    WORKSPACE = "3f2c1b0a-1111-4222-8333-444455556666"  # noqa: N806 - a constant of this test

    engine = make_engine(database_url)
    prepare_schema(engine, migrate=False)
    created = datetime(2020, 5, 1, 12, 30, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(workspaces).values(id=WORKSPACE, name="One", kind=PartnerKind.DIRECT_BILL, seed=1,
                                                     created_at=created, customer_count=0, demo=False,
                                                     clock_offset=timedelta(0), clock_frozen_at=None))
    read = PreparedRead(select(workspaces.c.name, workspaces.c.created_at, workspaces.c.clock_frozen_at)
                        .where(workspaces.c.id == bindparam("id")))

    first = read.first(engine, {"id": WORKSPACE})
    again = read.first(engine, {"id": WORKSPACE})
    assert first == ("One", created, None) and again is first  # typed once (the dates parsed once)

    frozen = datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(update(workspaces).where(workspaces.c.id == WORKSPACE).values(clock_frozen_at=frozen))
    assert read.first(engine, {"id": WORKSPACE}) == ("One", created, frozen)
    engine.dispose()


def test_processes_starting_at_once_on_a_new_sqlite_file_migrate_it_once(tmp_path):
    """pytest-xdist's workers on one new --sandbox-db (or two serve processes): each builds the app on the same
    new file at once; every one starts, and the file ends at head with the models' schema."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    start = ("import sys; from sandbox.app import create_app; "
             "create_app({'DATABASE_URL': sys.argv[1], 'PUBLIC_URL': 'http://sandbox.test'})")
    processes = [subprocess.Popen([sys.executable, "-c", start, url], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0], errors
    _started_on(url).extensions["engine"].dispose()


@pytest.mark.parametrize(("url", "memory"), [
    ("sqlite://", True), ("sqlite:///:memory:", True), ("sqlite+pysqlite://", True), ("sqlite+pysqlite:///:memory:", True),
    ("sqlite:///file:shared?mode=memory&cache=shared&uri=true", True), ("sqlite:///sandbox.db", False),
    ("sqlite:////tmp/sandbox.db", False), ("postgresql://user@host/db", False), (None, False),
])
def test_a_memory_database_is_known_however_its_url_spells_it(url, memory):
    """``serve`` refuses several workers on one and makes the banner's workspace in the worker's: a spelling it
    missed (``sqlite+pysqlite://``) answered 500 "no such table" on every request."""
    from sandbox.store.db import is_memory_url

    assert is_memory_url(url) is memory
