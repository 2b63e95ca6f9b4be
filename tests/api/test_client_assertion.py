"""Certificate credentials: an app registers a certificate through the control API, then authenticates at the
token endpoint with a client assertion (private_key_jwt) signed with its key, instead of its secret."""

from __future__ import annotations

import base64
import datetime
import time
import uuid
from dataclasses import dataclass

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.conftest import PUBLIC_URL

from .helpers import RESOURCE, assert_classic_error, set_clock, user_of
from .test_identity import claims_of, entra_error

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class Certificate:
    key: rsa.RSAPrivateKey
    key_pem: str
    pem: str
    sha1: str  # hex, upper case
    sha256: str


def make_certificate(*, days: float = 365, key=None, not_before_days: float = -400) -> Certificate:
    """A self-signed certificate with an RSA 2048 key (Entra's certificate credentials), valid from
    ``not_before_days`` to ``days`` from now (negative: in the past)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "partner-app")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now + datetime.timedelta(days=not_before_days))
            .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return Certificate(key, key_pem, cert.public_bytes(serialization.Encoding.PEM).decode(),
                       cert.fingerprint(hashes.SHA1()).hex().upper(), cert.fingerprint(hashes.SHA256()).hex().upper())


@pytest.fixture(scope="module")
def certificate() -> Certificate:
    return make_certificate()


def b64url(hex_digest: str) -> str:
    return base64.urlsafe_b64encode(bytes.fromhex(hex_digest)).decode()


def certificates_url(tenant: dict) -> str:
    return f"/_sandbox/tenants/{tenant['id']}/applications/{tenant['application']['clientId']}/certificates"


def register(client, tenant: dict, certificate: Certificate) -> dict:
    response = client.post(certificates_url(tenant), json={"certificate": certificate.pem})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def assertion(tenant: dict, certificate: Certificate, *, key=None, algorithm: str = "RS256", headers: dict | None = None,
              version: str = "2.0", **claims) -> str:
    """A client assertion as MSAL makes it (RS256, x5t), for the tenant's app; ``claims`` change or (None) drop one."""
    now = int(time.time())
    client_id = tenant["application"]["clientId"]
    path = "oauth2/v2.0/token" if version == "2.0" else "oauth2/token"
    body = {"aud": f"{PUBLIC_URL}/{tenant['id']}/{path}", "iss": client_id, "sub": client_id, "jti": str(uuid.uuid4()),
            "nbf": now, "iat": now, "exp": now + 600}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key or certificate.key, algorithm=algorithm,
                      headers={"x5t": b64url(certificate.sha1)} if headers is None else headers)


def assertion_form(tenant: dict, signed: str, **changes) -> dict:
    form = {"grant_type": "client_credentials", "client_id": tenant["application"]["clientId"],
            "client_assertion_type": ASSERTION_TYPE, "client_assertion": signed, "scope": f"{RESOURCE}/.default"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def token_v2(client, tenant: dict, form: dict):
    return client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=form)


def test_an_app_with_a_registered_certificate_gets_an_app_only_token_with_an_assertion(client, tenant, certificate):
    registered = register(client, tenant, certificate)
    assert registered["thumbprint"] == certificate.sha1 and registered["thumbprintSha256"] == certificate.sha256
    assert registered["notAfter"].startswith(str(datetime.date.today().year + 1))

    response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, certificate)))

    assert response.status_code == 200, response.get_json()
    claims = claims_of(response.get_json()["access_token"])
    assert claims["app_only"] is True and claims["appid"] == tenant["application"]["clientId"]
    token = response.get_json()["access_token"]
    assert client.get("/v1/customers", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_v1_takes_an_assertion_for_its_own_endpoint(client, tenant, certificate):
    register(client, tenant, certificate)
    form = assertion_form(tenant, assertion(tenant, certificate, version="1.0"), scope=None, resource=RESOURCE)
    response = client.post(f"/{tenant['id']}/oauth2/token", data=form)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["resource"] == RESOURCE


def test_ps256_with_an_x5t_s256_header_as_newer_msal_signs(client, tenant, certificate):
    register(client, tenant, certificate)
    signed = assertion(tenant, certificate, algorithm="PS256", headers={"x5t#S256": b64url(certificate.sha256)})
    response = token_v2(client, tenant, assertion_form(tenant, signed))
    assert response.status_code == 200, response.get_json()


def test_the_tenants_clock_does_not_matter_assertions_are_on_the_real_clock(client, tenant, certificate):
    register(client, tenant, certificate)
    set_clock(client, tenant["id"], "2031-06-01T00:00:00Z")
    response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, certificate)))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda t, c: assertion(t, make_certificate()), 700027),  # a certificate the app never registered
        (lambda t, c: assertion(t, c, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)), 700027),
        (lambda t, c: assertion(t, c, headers={}), 700027),  # no thumbprint at all
        (lambda t, c: assertion(t, c, algorithm="HS256", key=c.sha1 * 2), 700027),  # not RS256 / PS256
        (lambda t, c: assertion(t, c, aud="https://login.microsoftonline.com/common/oauth2/v2.0/token"), 700023),
        (lambda t, c: assertion(t, c, aud=f"{PUBLIC_URL}/{uuid.uuid4()}/oauth2/v2.0/token"), 700023),
        (lambda t, c: assertion(t, c, aud=None), 700023),
        (lambda t, c: assertion(t, c, exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200), 700024),
        (lambda t, c: assertion(t, c, nbf=int(time.time()) + 3600, exp=int(time.time()) + 7200), 700024),
        (lambda t, c: assertion(t, c, exp=None), 700024),
        (lambda t, c: assertion(t, c, iss=str(uuid.uuid4())), 700021),
        (lambda t, c: assertion(t, c, sub=str(uuid.uuid4())), 700021),
    ],
    ids=["unknown-thumbprint", "wrong-key", "no-thumbprint", "hs256", "entra-aud", "other-tenant-aud", "no-aud",
         "expired", "not-yet-valid", "no-exp", "iss", "sub"],
)
def test_an_assertion_that_does_not_authenticate_the_app_is_401_invalid_client(client, tenant, certificate, make, code):
    register(client, tenant, certificate)
    response = token_v2(client, tenant, assertion_form(tenant, make(tenant, certificate)))
    entra_error(response, 401, "invalid_client", code)


@pytest.mark.parametrize("claim", ["exp", "nbf"])
def test_a_signed_time_past_a_floats_range_is_malformed(client, tenant, certificate, claim):
    register(client, tenant, certificate)
    signed = assertion(tenant, certificate, **{claim: 10 ** 400})
    entra_error(token_v2(client, tenant, assertion_form(tenant, signed)), 401, "invalid_client", 50027)


def test_an_audience_on_the_host_the_client_reached_is_taken(client, tenant, certificate):
    """A client given the sandbox under another name than its public URL (localhost for 127.0.0.1) builds its
    audience from that name, as ADAL does: the request's own host is the sandbox too."""
    register(client, tenant, certificate)
    signed = assertion(tenant, certificate, aud=f"https://localhost:8443/{tenant['id']}/oauth2/v2.0/token")
    response = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=assertion_form(tenant, signed),
                           base_url="https://localhost:8443")
    assert response.status_code == 200, response.get_json()
    other = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=assertion_form(tenant, signed),
                        base_url="https://127.0.0.1:8443")  # an audience of another host than this one's
    entra_error(other, 401, "invalid_client", 700023)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # PyJWT's, signing the test's assertion
def test_an_rsa_key_under_2048_bits_registers_but_does_not_sign_in(client, tenant):
    small = make_certificate(key=rsa.generate_private_key(public_exponent=65537, key_size=1024))
    register(client, tenant, small)
    body = entra_error(token_v2(client, tenant, assertion_form(tenant, assertion(tenant, small))),
                       401, "invalid_client", 700027)
    assert "RSA key size 1024 is less than the minimum required 2048 bits" in body["error_description"]


def test_a_certificate_not_valid_yet_registers_but_does_not_sign_in(client, tenant):
    future = make_certificate(not_before_days=30)
    register(client, tenant, future)
    body = entra_error(token_v2(client, tenant, assertion_form(tenant, assertion(tenant, future))),
                       401, "invalid_client", 700027)
    assert "not yet valid" in body["error_description"]


def test_five_minutes_of_clock_skew_are_forgiven(client, tenant, certificate):
    register(client, tenant, certificate)
    now = int(time.time())
    for claims in ({"exp": now - 200, "nbf": now - 800}, {"nbf": now + 200, "exp": now + 800}):
        response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, certificate, **claims)))
        assert response.status_code == 200, (claims, response.get_json())


def test_a_deleted_certificate_no_longer_signs_in(client, tenant, certificate):
    register(client, tenant, certificate)
    deleted = client.delete(f"{certificates_url(tenant)}/{certificate.sha1.lower()}")
    assert deleted.status_code == 204
    response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, certificate)))
    body = entra_error(response, 401, "invalid_client", 700027)
    assert "The key was not found" in body["error_description"]


def test_an_expired_certificate_no_longer_signs_in(client, tenant):
    expired = make_certificate(days=-1)
    register(client, tenant, expired)
    response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, expired)))
    body = entra_error(response, 401, "invalid_client", 700027)
    assert "expired" in body["error_description"]


def test_another_apps_certificate_is_not_this_apps(client, tenant, certificate):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    register(client, other, certificate)
    response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, certificate)))
    entra_error(response, 401, "invalid_client", 700027)


def test_a_secret_and_an_assertion_together_are_400(client, tenant, certificate):
    register(client, tenant, certificate)
    signed = assertion(tenant, certificate)
    form = assertion_form(tenant, signed, client_secret=tenant["application"]["clientSecret"])
    entra_error(token_v2(client, tenant, form), 400, "invalid_request", 90014)
    basic = base64.b64encode(f"{tenant['application']['clientId']}:{tenant['application']['clientSecret']}".encode())
    response = client.post(f"/{tenant['id']}/oauth2/v2.0/token", data=assertion_form(tenant, signed, client_id=None),
                           headers={"Authorization": f"Basic {basic.decode()}"})
    entra_error(response, 400, "invalid_request", 90014)


@pytest.mark.parametrize(
    ("changes", "status", "error", "code"),
    [
        ({"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"}, 400, "invalid_request", 90014),
        ({"client_assertion_type": None}, 400, "invalid_request", 900144),
        ({"client_assertion": None}, 400, "invalid_request", 900144),
        ({"client_assertion": "not.a.jwt"}, 401, "invalid_client", 50027),
        ({"client_assertion": jwt.encode({"exp": 1}, "k" * 32).replace(
            jwt.encode({"exp": 1}, "k" * 32).split(".")[1],
            base64.urlsafe_b64encode(b'{"exp": NaN}').decode().rstrip("="))}, 401, "invalid_client", 50027),
        ({"client_assertion": "eyJhbGciOiJub25lIn0." + base64.urlsafe_b64encode(
            b'{"exp": 1' + b"0" * 400 + b"}").decode().rstrip("=") + "."}, 401, "invalid_client", 50027),
    ],
    ids=["wrong-type", "no-type", "no-assertion", "malformed", "nan-exp", "exp-past-a-float"],
)
def test_a_badly_formed_client_assertion(client, tenant, certificate, changes, status, error, code):
    register(client, tenant, certificate)
    form = assertion_form(tenant, assertion(tenant, certificate), **changes)
    entra_error(token_v2(client, tenant, form), status, error, code)


def test_app_user_password_grant_with_an_assertion(client, tenant, certificate):
    register(client, tenant, certificate)
    admin = user_of(tenant, "AdminAgent")
    form = assertion_form(tenant, assertion(tenant, certificate), grant_type="password", username=admin["userName"],
                          password=admin["password"], scope=f"{RESOURCE}/user_impersonation offline_access")
    response = token_v2(client, tenant, form)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert claims_of(body["access_token"])["upn"] == admin["userName"]
    # and its refresh token, redeemed with an assertion too
    form = assertion_form(tenant, assertion(tenant, certificate), grant_type="refresh_token",
                          refresh_token=body["refresh_token"], scope=f"{RESOURCE}/user_impersonation")
    assert token_v2(client, tenant, form).status_code == 200


def test_a_web_apps_authorization_code_redeems_with_an_assertion(client, tenant, certificate):
    """A code sent to an https redirect URI needs the app's authentication: a client assertion is one."""
    from .test_authorization_code import code_of

    register(client, tenant, certificate)
    web = "https://partner-tool.example/signin-callback"
    code = code_of(client, tenant, redirect_uri=web)
    form = assertion_form(tenant, assertion(tenant, certificate), grant_type="authorization_code", code=code,
                          redirect_uri=web, scope=f"{RESOURCE}/user_impersonation")
    response = token_v2(client, tenant, form)
    assert response.status_code == 200, response.get_json()
    assert claims_of(response.get_json()["access_token"])["upn"] == user_of(tenant, "AdminAgent")["userName"]


def test_a_device_code_poll_with_an_assertion(client, tenant, certificate):
    from .test_device_code import approved, poll

    register(client, tenant, certificate)
    flow = approved(client, tenant)
    response = poll(client, tenant, flow["device_code"], client_assertion_type=ASSERTION_TYPE,
                    client_assertion=assertion(tenant, certificate))
    assert response.status_code == 200, response.get_json()
    wrong = poll(client, tenant, approved(client, tenant)["device_code"], client_assertion_type=ASSERTION_TYPE,
                 client_assertion=assertion(tenant, make_certificate()))  # a certificate the app never registered
    entra_error(wrong, 401, "invalid_client", 700027)


# --- the control API: registering, listing and removing an app's certificates -------------------------------


def test_the_control_api_registers_lists_and_deletes_certificates(client, tenant, certificate):
    second = make_certificate()
    register(client, tenant, certificate)
    register(client, tenant, second)
    listed = client.get(certificates_url(tenant))
    assert listed.status_code == 200
    assert {c["thumbprint"] for c in listed.get_json()["items"]} == {certificate.sha1, second.sha1}
    apps = client.get(f"/_sandbox/tenants/{tenant['id']}").get_json()["applications"]
    mine = next(a for a in apps if a["clientId"] == tenant["application"]["clientId"])
    assert mine["certificates"] == listed.get_json()["items"]  # the tenant's view shows them with its apps
    assert all(a["certificates"] == [] for a in apps if a is not mine)

    again = client.post(certificates_url(tenant), json={"certificate": certificate.pem})
    assert_classic_error(again, 409)

    assert client.delete(f"{certificates_url(tenant)}/{second.sha1}").status_code == 204
    assert [c["thumbprint"] for c in client.get(certificates_url(tenant)).get_json()["items"]] == [certificate.sha1]
    assert_classic_error(client.delete(f"{certificates_url(tenant)}/{second.sha1}"), 404)


def test_a_reset_keeps_the_apps_certificates(client, tenant, certificate):
    register(client, tenant, certificate)
    assert client.post(f"/_sandbox/tenants/{tenant['id']}/reset").status_code == 200
    assert [c["thumbprint"] for c in client.get(certificates_url(tenant)).get_json()["items"]] == [certificate.sha1]
    response = token_v2(client, tenant, assertion_form(tenant, assertion(tenant, certificate)))
    assert response.status_code == 200, response.get_json()


def test_a_deleted_tenant_takes_its_certificates(client, app, tenant, certificate):
    from sqlalchemy import func, select

    from sandbox.store import orm

    register(client, tenant, certificate)
    assert client.delete(f"/_sandbox/tenants/{tenant['id']}").status_code == 204
    with app.extensions["engine"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(orm.application_certificates)).scalar() == 0


def ec_certificate_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ec")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize(
    "body",
    [{"certificate": "not a certificate"},
     {"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"},
     {"certificate": 42}, {}, {"certificate": "x", "extra": 1}],
    ids=["text", "bad-pem", "number", "missing", "unknown-field"],
)
def test_bad_certificate_bodies_are_400(client, tenant, body):
    assert_classic_error(client.post(certificates_url(tenant), json=body), 400)
    assert client.get(certificates_url(tenant)).get_json()["items"] == []


def rsa_certificate_der_changed(old: str, new: str) -> str:
    """A PEM certificate whose DER has ``old`` (hex, found once) replaced by ``new``: it still parses, its
    signature unchecked, but its key may not."""
    der = x509.load_pem_x509_certificate(make_certificate().pem.encode()).public_bytes(serialization.Encoding.DER)
    assert der.count(bytes.fromhex(old)) == 1
    changed = x509.load_der_x509_certificate(der.replace(bytes.fromhex(old), bytes.fromhex(new)))
    return changed.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize(("old", "new"), [
    ("2A864886F70D010101", "2A864886F70D010163"),  # the key's algorithm: rsaEncryption made unknown (...1.1.99)
    ("0203010001", "0203000001"),  # the public exponent 65537 made a non-minimal 1
], ids=["unknown-key-algorithm", "bad-exponent"])
def test_a_certificate_whose_key_cant_be_read_is_400(client, tenant, old, new):
    response = client.post(certificates_url(tenant), json={"certificate": rsa_certificate_der_changed(old, new)})
    assert_classic_error(response, 400)
    assert client.get(certificates_url(tenant)).get_json()["items"] == []


def test_an_ec_certificate_is_400(client, tenant):
    response = client.post(certificates_url(tenant), json={"certificate": ec_certificate_pem()})
    assert "RSA" in assert_classic_error(response, 400)["description"]


def test_an_unknown_or_foreign_app_is_404(client, tenant, certificate):
    other = client.post("/_sandbox/tenants", json={"customers": 0}).get_json()
    foreign = f"/_sandbox/tenants/{tenant['id']}/applications/{other['application']['clientId']}/certificates"
    assert_classic_error(client.post(foreign, json={"certificate": certificate.pem}), 404)
    assert_classic_error(client.get(f"/_sandbox/tenants/{tenant['id']}/applications/{uuid.uuid4()}/certificates"), 404)
