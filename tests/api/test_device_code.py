"""The device code flow, Entra ID style (RFC 8628): the devicecode endpoint's user and device codes, the
/devicelogin page where the person enters the code and signs in, and the token endpoint's device code grant
(MSAL's ``initiate_device_flow`` / ``acquire_token_by_device_flow``, ADAL's v1 flow, Partner Center PowerShell's
``-UseDeviceAuthentication``)."""

from __future__ import annotations

import re

import jwt
import pytest
from markupsafe import escape
from sqlalchemy import func, select

from sandbox.store import orm
from sandbox.web.identity import authorize, device

from .helpers import RESOURCE, advance_clock, agreement_body, bearer, user_of
from .test_identity import entra_error

USER_SCOPE = f"{RESOURCE}/user_impersonation"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
USER_CODE = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{9}$")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def start(client, tenant: dict, version: str = "2.0", segment: str | None = None, **changes):
    """POST .../devicecode for the tenant's app (``None`` leaves a field out)."""
    form = {"client_id": tenant["application"]["clientId"]}
    if version == "2.0":
        form["scope"] = f"{USER_SCOPE} openid profile offline_access"
    else:
        form["resource"] = RESOURCE
    form.update(changes)
    path = "/oauth2/v2.0/devicecode" if version == "2.0" else "/oauth2/devicecode"
    return client.post(f"/{segment or tenant['id']}{path}", data={k: v for k, v in form.items() if v is not None})


def started(client, tenant: dict, version: str = "2.0", **changes) -> dict:
    response = start(client, tenant, version, **changes)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def poll(client, tenant: dict, sent: str | None, version: str = "2.0", segment: str | None = None, **changes):
    """The app's token request with the device code ``sent``: v2.0 as MSAL sends it, v1 as ADAL does."""
    form = {"client_id": tenant["application"]["clientId"]}
    if version == "2.0":
        form.update(grant_type=DEVICE_GRANT, device_code=sent)
    else:
        form.update(grant_type="device_code", code=sent, resource=RESOURCE)
    form.update(changes)
    path = "/oauth2/v2.0/token" if version == "2.0" else "/oauth2/token"
    return client.post(f"/{segment or tenant['id']}{path}", data={k: v for k, v in form.items() if v is not None})


def csrf_of(page) -> str:
    return _CSRF.search(page.get_data(as_text=True)).group(1)


def enter_code(client, typed: str):
    """The "Enter code" page, then the code posted: the sign-in page (or the code page again, with its error)."""
    page = client.get("/devicelogin")
    assert page.status_code == 200
    return client.post("/devicelogin", data={"csrf_token": csrf_of(page), "otc": typed})


def sign_in(client, tenant: dict, user_code: str, role: str = "AdminAgent", password: str | None = None,
            user_name: str | None = None):
    """The whole page: the code, then the sign-in form posted (with the code it carries)."""
    page = enter_code(client, user_code)
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    otc = re.search(r'<input type="hidden" name="otc" value="([^"]*)">', text).group(1)
    user = user_of(tenant, role)
    return client.post("/devicelogin", data={"csrf_token": csrf_of(page), "otc": otc,
                                             "username": user_name or user["userName"],
                                             "password": user["password"] if password is None else password})


def approved(client, tenant: dict, version: str = "2.0", **changes) -> dict:
    """A device code flow started and signed in for (its devicecode answer)."""
    flow = started(client, tenant, version, **changes)
    assert sign_in(client, tenant, flow["user_code"]).status_code == 200
    return flow


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def app_name(services, tenant: dict) -> str:
    with services.unit_of_work() as uow:
        return uow.repo.application(tenant["application"]["clientId"]).name


def rows(app) -> int:
    with app.extensions["engine"].connect() as connection:
        return connection.execute(select(func.count()).select_from(orm.device_authorizations)).scalar()


# --- the whole flow ---------------------------------------------------------------------------------


def test_v2_pending_then_the_page_then_one_token_that_confirms_an_agreement(app, client, services, tenant, customer_id):
    public_url = app.config["PUBLIC_URL"]
    response = start(client, tenant)

    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("no-store")
    flow = response.get_json()
    assert set(flow) == {"user_code", "device_code", "verification_uri", "expires_in", "interval", "message"}
    assert USER_CODE.match(flow["user_code"]) and len(flow["device_code"]) >= 100
    assert (flow["verification_uri"], flow["expires_in"], flow["interval"]) == (f"{public_url}/devicelogin", 900, 5)
    assert flow["message"] == (f"To sign in, use a web browser to open the page {public_url}/devicelogin and enter "
                               f"the code {flow['user_code']} to authenticate.")
    pending = entra_error(poll(client, tenant, flow["device_code"]), 400, "authorization_pending", 70016)
    assert "has not yet been authorized by the user" in pending["error_description"]

    page = client.get("/devicelogin")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["X-Frame-Options"] == "DENY"
    assert "<title>Enter code</title>" in text and "<h1>Enter code</h1>" in text
    assert '<label for="otc" class="ms-visually-hidden">Code</label>' in text and ">Next</button>" in text
    signing_in = client.post("/devicelogin", data={"csrf_token": csrf_of(page), "otc": flow["user_code"]})
    text = signing_in.get_data(as_text=True)
    assert signing_in.status_code == 200 and "<h1>Sign in</h1>" in text
    assert f"to continue to <strong>{escape(app_name(services, tenant))}</strong>" in text
    assert f'<input type="hidden" name="otc" value="{flow["user_code"]}">' in text
    entra_error(poll(client, tenant, flow["device_code"]), 400, "authorization_pending", 70016)  # not signed in yet

    admin = user_of(tenant, "AdminAgent")
    done = client.post("/devicelogin", data={"csrf_token": csrf_of(signing_in), "otc": flow["user_code"],
                                             "username": admin["userName"], "password": admin["password"]})

    assert done.status_code == 200
    assert (f"You have signed in to the {escape(app_name(services, tenant))} application on your device. You may now "
            "close this window.") in done.get_data(as_text=True)
    token = poll(client, tenant, flow["device_code"], client_info="1")
    assert token.status_code == 200, token.get_json()
    body = token.get_json()
    assert body["scope"] == USER_SCOPE and body["expires_in"] == 3600
    assert body["refresh_token"] and body["id_token"] and body["client_info"]  # offline_access, openid, client_info
    claims = claims_of(body["access_token"])
    assert (claims["upn"], claims["app_only"], claims["ver"], claims["appid"]) == (
        admin["userName"], False, "2.0", tenant["application"]["clientId"])
    assert claims_of(body["id_token"])["preferred_username"] == admin["userName"]
    confirmed = client.post(f"/v1/customers/{customer_id}/agreements", headers=bearer(body["access_token"]),
                            json=agreement_body())
    assert confirmed.status_code == 201, confirmed.get_json()  # an App+User token: confirming takes one
    again = entra_error(poll(client, tenant, flow["device_code"]), 400, "invalid_grant", 54005)
    assert "already redeemed" in again["error_description"]


def test_v1_as_adal_asks_it(app, client, tenant, customer_id):
    response = start(client, tenant, "1.0")

    flow = response.get_json()
    assert response.status_code == 200, flow
    assert set(flow) == {"user_code", "device_code", "verification_url", "expires_in", "interval", "message"}
    assert (flow["verification_url"], flow["expires_in"], flow["interval"]) == (app.config["PUBLIC_URL"] + "/devicelogin", "900", "5")
    entra_error(poll(client, tenant, flow["device_code"], "1.0"), 400, "authorization_pending", 70016)
    assert sign_in(client, tenant, flow["user_code"], role="SalesAgent").status_code == 200

    token = poll(client, tenant, flow["device_code"], "1.0")

    assert token.status_code == 200, token.get_json()
    body = token.get_json()
    assert body["resource"] == RESOURCE and body["expires_in"] == "3600" and body["refresh_token"]
    assert "id_token" not in body  # v1: only when a scope asked for openid
    assert claims_of(body["access_token"])["upn"] == user_of(tenant, "SalesAgent")["userName"]
    confirmed = client.post(f"/v1/customers/{customer_id}/agreements", headers=bearer(body["access_token"]),
                            json=agreement_body())
    assert confirmed.status_code == 201, confirmed.get_json()
    entra_error(poll(client, tenant, flow["device_code"], "1.0"), 400, "invalid_grant", 54005)


def test_either_grant_name_and_either_code_field_at_either_endpoint(client, tenant):
    """MSAL sends device_code and code at v2.0; ADAL sends code at v1; the v1 grant name and RFC 8628's are both
    taken at both endpoints. The token request may leave out what the device code's request named."""
    v2 = approved(client, tenant)
    assert poll(client, tenant, None, grant_type="device_code", code=v2["device_code"]).status_code == 200
    v1 = approved(client, tenant, "1.0", scope="openid")
    token = poll(client, tenant, None, "1.0", grant_type=DEVICE_GRANT, device_code=v1["device_code"], resource=None)
    assert token.status_code == 200, token.get_json()
    assert token.get_json()["resource"] == RESOURCE and token.get_json()["id_token"]  # v1 openid: an id token
    entra_error(poll(client, tenant, None), 400, "invalid_request", 900144)
    entra_error(poll(client, tenant, None, "1.0"), 400, "invalid_request", 900144)


def test_a_scope_or_resource_in_the_token_request_follows_the_password_grants_rules(client, tenant):
    flow = approved(client, tenant)
    entra_error(poll(client, tenant, flow["device_code"], scope="https://graph.microsoft.com/.default"),
                400, "invalid_scope", 70011)
    token = poll(client, tenant, flow["device_code"], scope=f"{RESOURCE}/.default")
    assert token.status_code == 200 and token.get_json()["scope"] == f"{RESOURCE}/.default"
    assert token.get_json()["refresh_token"]  # the device code's request asked for offline_access


# --- the token endpoint's refusals ------------------------------------------------------------------------


def test_a_device_code_lasts_fifteen_minutes_of_the_tenants_clock(client, tenant):
    advance_clock(client, tenant["id"], 0)  # frozen: the codes are made at the instant the minutes count from
    early, late, unused = started(client, tenant), started(client, tenant), started(client, tenant)
    advance_clock(client, tenant["id"], 899)
    assert sign_in(client, tenant, early["user_code"]).status_code == 200
    assert sign_in(client, tenant, unused["user_code"]).status_code == 200
    assert poll(client, tenant, early["device_code"]).status_code == 200

    advance_clock(client, tenant["id"], 1)

    body = entra_error(poll(client, tenant, late["device_code"]), 400, "expired_token", 70020)
    assert "This device code has expired." in body["error_description"]
    entra_error(poll(client, tenant, unused["device_code"]), 400, "expired_token", 70020)  # signed in for, too late
    page = enter_code(client, late["user_code"].lower())
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and escape(device.EXPIRED_CODE) in text
    assert f'value="{late["user_code"].lower()}"' in text and 'aria-describedby="otc-error"' in text


def test_a_device_code_is_redeemed_once_and_its_token_keeps_working(client, tenant):
    flow = approved(client, tenant)
    first = poll(client, tenant, flow["device_code"])
    assert first.status_code == 200

    body = entra_error(poll(client, tenant, flow["device_code"]), 400, "invalid_grant", 54005)

    assert "already redeemed" in body["error_description"]
    assert client.get("/v1/customers", headers=bearer(first.get_json()["access_token"])).status_code == 200
    page = enter_code(client, flow["user_code"])  # nor can anyone sign in with its user code again
    assert page.status_code == 400 and escape(device.WRONG_CODE) in page.get_data(as_text=True)


def test_a_device_code_is_its_apps_its_versions_and_its_authoritys(client, tenant):
    flow = approved(client, tenant)
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    entra_error(poll(client, other, flow["device_code"]), 400, "invalid_grant", 70000)  # another app, its tenant
    entra_error(poll(client, tenant, None, "1.0", code=flow["device_code"]), 400, "invalid_grant", 70000)  # v2.0 at v1
    aliased = approved(client, tenant, segment="organizations")
    entra_error(poll(client, tenant, aliased["device_code"]), 400, "invalid_grant", 700005)
    assert poll(client, tenant, aliased["device_code"], segment="organizations").status_code == 200
    domain = user_of(tenant, "AdminAgent")["userName"].split("@")[1]
    assert poll(client, tenant, flow["device_code"], segment=domain.upper()).status_code == 200  # one tenant


@pytest.mark.parametrize("sent", ["0.AXoA-not-a-device-code", "a" * 2048])
def test_a_device_code_that_is_not_one_is_refused(client, tenant, sent):
    body = entra_error(poll(client, tenant, sent), 400, "invalid_grant", 70000)
    assert "The provided value for the input parameter 'device_code' is not valid." in body["error_description"]


def test_the_client_secret_is_checked_when_given(client, tenant):
    flow = approved(client, tenant)
    entra_error(poll(client, tenant, flow["device_code"], client_secret="wrong"), 401, "invalid_client", 7000215)
    token = poll(client, tenant, flow["device_code"], client_secret=tenant["application"]["clientSecret"])
    assert token.status_code == 200, token.get_json()


def test_a_new_password_revokes_a_device_code_signed_in_for_before(client, tenant):
    flow, pending = approved(client, tenant), started(client, tenant)
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200  # a seed remakes the sign-ins

    entra_error(poll(client, tenant, flow["device_code"]), 400, "invalid_grant", 50173)
    entra_error(poll(client, tenant, pending["device_code"]), 400, "authorization_pending", 70016)  # kept by a reset
    assert sign_in(client, tenant, pending["user_code"]).status_code == 200
    assert poll(client, tenant, pending["device_code"]).status_code == 200


def test_a_deleted_tenants_device_codes_go_with_it(app, client, tenant):
    flow, pending = approved(client, tenant), started(client, tenant)
    assert rows(app) == 2
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204

    assert rows(app) == 0
    entra_error(poll(client, tenant, flow["device_code"]), 400, "invalid_request", 90002)
    entra_error(poll(client, tenant, flow["device_code"], segment="common"), 400, "unauthorized_client", 700016)
    page = enter_code(client, pending["user_code"])
    assert page.status_code == 400 and escape(device.WRONG_CODE) in page.get_data(as_text=True)


def test_a_rehearsed_token_failure_leaves_the_device_code_unused(client, tenant):
    flow = approved(client, tenant)
    rule = {"operation": "token", "status": 503, "count": 1}
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/faults", json=rule).status_code == 201
    entra_error(poll(client, tenant, flow["device_code"]), 503, "temporarily_unavailable", 90033)
    assert poll(client, tenant, flow["device_code"]).status_code == 200


def test_the_journal_keeps_the_polls_but_no_device_code(client, tenant):
    flow = started(client, tenant)
    poll(client, tenant, flow["device_code"], code=flow["device_code"])  # as MSAL: both fields
    entries = client.get(f"/_sandbox/tenants/{tenant['id']}/journal").get_json()["items"]
    [entry] = entries  # the devicecode request is not journalled (its answer carries the device code)
    assert entry["operation"] == "token (v2.0)" and entry["status"] == 400
    assert entry["requestBody"]["device_code"] == entry["requestBody"]["code"] == "[redacted]"
    assert flow["device_code"] not in str(entries)


# --- the devicecode endpoint's refusals -----------------------------------------------------------------


@pytest.mark.parametrize(("version", "changes", "status", "error", "code"), [
    ("2.0", {"client_id": "00000000-0000-0000-0000-000000000000"}, 400, "unauthorized_client", 700016),
    ("2.0", {"client_id": None}, 400, "invalid_request", 900144),
    ("2.0", {"scope": None}, 400, "invalid_request", 900144),
    ("2.0", {"scope": "https://graph.microsoft.com/User.Read openid"}, 400, "invalid_scope", 70011),
    ("2.0", {"scope": "openid offline_access"}, 400, "invalid_scope", 70011),
    ("1.0", {"resource": None}, 400, "invalid_request", 900144),
    ("1.0", {"resource": "https://graph.microsoft.com"}, 400, "invalid_resource", 500011),
    ("1.0", {"client_id": "00000000-0000-0000-0000-000000000000"}, 400, "unauthorized_client", 700016),
    ("1.0", {"client_id": "x" * 3000}, 400, "invalid_request", 90014),
])
def test_the_devicecode_endpoint_refuses_in_entras_words(app, client, tenant, version, changes, status, error, code):
    entra_error(start(client, tenant, version, **changes), status, error, code)
    assert rows(app) == 0


@pytest.mark.parametrize("path", ["/oauth2/devicecode", "/oauth2/v2.0/devicecode"])
def test_the_devicecode_endpoint_wants_post_and_a_known_tenant(client, tenant, path):
    entra_error(client.get(f"/{tenant['id']}{path}"), 400, "invalid_request", 900561)
    entra_error(client.post(f"/nobody.onmicrosoft.com{path}", data={"client_id": tenant["application"]["clientId"]}),
                400, "invalid_request", 90002)


def test_an_app_of_another_tenant_is_unknown_under_this_one(client, tenant):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    entra_error(start(client, tenant, client_id=other["application"]["clientId"]), 400, "unauthorized_client", 700016)
    assert start(client, other, segment="common").status_code == 200


def test_user_codes_are_entras_shape_and_differ(client, tenant):
    codes = {started(client, tenant)["user_code"] for _ in range(20)}
    assert len(codes) == 20 and all(USER_CODE.match(code) for code in codes)


def test_the_openid_configuration_names_the_served_endpoint(client, tenant):
    for path, endpoint in ((".well-known/openid-configuration", "/oauth2/devicecode"),
                           ("v2.0/.well-known/openid-configuration", "/oauth2/v2.0/devicecode")):
        named = client.get(f"/{tenant['id']}/{path}").get_json()["device_authorization_endpoint"]
        assert named.endswith(f"/{tenant['id']}{endpoint}")
        served = client.post(named.replace("http://sandbox.test", ""), data={
            "client_id": tenant["application"]["clientId"], "scope": USER_SCOPE, "resource": RESOURCE})
        assert served.status_code == 200, served.get_json()


# --- the /devicelogin page ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ABCDEFGHJ", "not a code", "<b>0O1I</b>"])
def test_a_wrong_code_is_entras_message_next_to_the_field_with_what_was_typed(client, tenant, typed):
    started(client, tenant)
    page = enter_code(client, typed)

    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "<h1>Enter code</h1>" in text
    assert f'<p id="otc-error" class="ms-error" role="alert">{escape(device.WRONG_CODE)}</p>' in text
    assert f'value="{escape(typed)}"' in text and 'aria-invalid="true"' in text and "<b>" not in text


def test_an_empty_code_is_asked_for(client):
    page = enter_code(client, "  ")
    assert page.status_code == 400 and escape(device.NO_CODE) in page.get_data(as_text=True)


def test_a_code_is_taken_in_any_case_with_spaces_or_dashes(client, tenant):
    flow = started(client, tenant)
    code = flow["user_code"].lower()
    assert sign_in(client, tenant, f" {code[:3]}-{code[3:6]} {code[6:]} ").status_code == 200
    assert poll(client, tenant, flow["device_code"]).status_code == 200


def test_a_wrong_password_shows_the_sign_in_again_with_the_name_and_the_code(client, tenant):
    flow = started(client, tenant)
    admin = user_of(tenant, "AdminAgent")

    response = sign_in(client, tenant, flow["user_code"], password="wrong-password")

    text = response.get_data(as_text=True)
    assert response.status_code == 400 and escape(authorize.WRONG_PASSWORD) in text
    assert f'value="{admin["userName"]}"' in text and 'aria-describedby="password-error"' in text
    assert f'<input type="hidden" name="otc" value="{flow["user_code"]}">' in text
    entra_error(poll(client, tenant, flow["device_code"]), 400, "authorization_pending", 70016)
    assert sign_in(client, tenant, flow["user_code"]).status_code == 200
    assert poll(client, tenant, flow["device_code"]).status_code == 200


@pytest.mark.parametrize("who", ["unknown", "other tenant's"])
def test_a_user_outside_the_apps_tenant_is_unknown(client, tenant, who):
    flow = started(client, tenant)
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    name = {"unknown": "nobody@nowhere.onmicrosoft.com", "other tenant's": user_of(other, "AdminAgent")["userName"]}[who]

    response = sign_in(client, tenant, flow["user_code"], user_name=name, password=user_of(other, "AdminAgent")["password"])

    assert response.status_code == 400 and escape(authorize.UNKNOWN_USER) in response.get_data(as_text=True)
    entra_error(poll(client, tenant, flow["device_code"]), 400, "authorization_pending", 70016)


def test_empty_sign_in_fields_are_asked_for(client, tenant):
    flow = started(client, tenant)
    page = enter_code(client, flow["user_code"])
    form = {"csrf_token": csrf_of(page), "otc": flow["user_code"]}
    no_user = client.post("/devicelogin", data={**form, "username": " ", "password": "x"})
    assert no_user.status_code == 400 and authorize.NO_USER in no_user.get_data(as_text=True)
    no_password = client.post("/devicelogin", data={**form, "username": "someone@example.com"})
    assert no_password.status_code == 400 and authorize.NO_PASSWORD in no_password.get_data(as_text=True)


def test_the_sign_in_checks_the_code_again(client, tenant):
    flow = started(client, tenant)
    page = enter_code(client, flow["user_code"])
    admin = user_of(tenant, "AdminAgent")
    form = {"csrf_token": csrf_of(page), "username": admin["userName"], "password": admin["password"]}
    advance_clock(client, tenant["id"], 900)

    expired = client.post("/devicelogin", data={**form, "otc": flow["user_code"]})

    assert expired.status_code == 400 and escape(device.EXPIRED_CODE) in expired.get_data(as_text=True)
    other = client.post("/devicelogin", data={**form, "otc": "ABCDEFGHJ"})
    assert other.status_code == 400 and escape(device.WRONG_CODE) in other.get_data(as_text=True)


def test_a_code_is_signed_in_for_once(client, tenant):
    flow = started(client, tenant)
    assert sign_in(client, tenant, flow["user_code"]).status_code == 200

    again = enter_code(client, flow["user_code"])

    assert again.status_code == 400 and escape(device.WRONG_CODE) in again.get_data(as_text=True)
    token = poll(client, tenant, flow["device_code"]).get_json()
    assert claims_of(token["access_token"])["upn"] == user_of(tenant, "AdminAgent")["userName"]


def test_a_post_without_its_csrf_token_signs_nobody_in(client, tenant):
    flow = started(client, tenant)
    admin = user_of(tenant, "AdminAgent")
    for form in ({"otc": flow["user_code"]},
                 {"otc": flow["user_code"], "username": admin["userName"], "password": admin["password"]}):
        response = client.post("/devicelogin", data=form)
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and escape(device.EXPIRED_CODE_FORM) in text
        assert f'value="{flow["user_code"]}"' in text
    entra_error(poll(client, tenant, flow["device_code"]), 400, "authorization_pending", 70016)


def test_the_answer_fits_the_documented_schema(client, tenant):
    flow = approved(client, tenant)
    body = poll(client, tenant, flow["device_code"], code=flow["device_code"], client_info="1").get_json()
    spec = client.get("/openapi.json").get_json()
    out, sent = spec["components"]["schemas"]["TokenOut"], spec["components"]["schemas"]["TokenRequestIn"]
    assert {"id_token", "client_info", "refresh_token", "scope"} <= set(body) <= set(out["properties"])
    assert {"grant_type", "client_id", "device_code", "code", "client_info"} <= set(sent["properties"])
    assert {DEVICE_GRANT, "device_code"} <= set(sent["properties"]["grant_type"]["enum"])
