"""The control API under /_sandbox: tenants, clocks, seeded customers, health (sandbox-only)."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from sandbox import seed
from sandbox.domain.clock import as_utc
from sandbox.domain.errors import AccessDenied, InvalidRequestInput
from sandbox.domain.model import PartnerKind
from sandbox.services import identity, tenants
from sandbox.web.errors import load_json

bp = Blueprint("control", __name__, url_prefix="/_sandbox")


def services():
    return current_app.extensions["services"]


@bp.url_value_preprocessor
def _tenant_of_partner(_endpoint, values: dict | None) -> None:
    """``/_sandbox/tenants/{id}``: a partner's tenant id (what it signs in with, what serve's banner prints for
    each partner) stands for the sandbox tenant that holds it."""
    if values and "tenant_id" in values:
        values["tenant_id"] = tenants.tenant_id_for(services(), values["tenant_id"])


@bp.before_request
def _require_key():
    key = current_app.config["CONTROL_API_KEY"]
    if key and request.endpoint != "control.health":
        given = request.headers.get("X-Sandbox-Key", "")
        if not hmac.compare_digest(given.encode(), key.encode()):
            raise AccessDenied("The control API needs the X-Sandbox-Key header of this sandbox.")


# A tenant's clock stays where its tokens' expiry and every date the rules compare can be computed.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
CLOCK_RANGE = "The clock can be set from 1970-01-01 to 8999-12-31 (UTC)."


def clock_instant(moment: datetime) -> datetime:
    """``moment`` in UTC if a clock may stand there, else 400 / 800002 (never an OverflowError's 500)."""
    try:
        moment = moment.astimezone(UTC)
    except OverflowError as exc:
        raise InvalidRequestInput(CLOCK_RANGE, data=["now: out of range"]) from exc
    if not EARLIEST <= moment < LATEST:
        raise InvalidRequestInput(CLOCK_RANGE, data=["now: out of range"])
    return moment


class ClockInstant(fields.AwareDateTime):
    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return clock_instant(moment)
        except InvalidRequestInput as exc:
            raise ValidationError(CLOCK_RANGE) from exc


class StrictBoolean(fields.Boolean):
    """JSON's true or false only: not 0 or 1 (equal to False and True in Python, so ``truthy={True}`` takes them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictFloat(fields.Float):
    """A JSON number only: not a string of digits ("0.5") nor true or false, as the integer fields refuse them."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class InitialClockSchema(Schema):
    """A new tenant's clock: where it starts and whether it stands still."""

    class Meta:
        unknown = RAISE

    now = ClockInstant(load_default=None, allow_none=True, default_timezone=UTC)  # no offset: UTC, as dateAgreed
    frozen = StrictBoolean(load_default=None, allow_none=True)  # absent: false, but see set_clock


class ClockSchema(InitialClockSchema):
    """A change to a tenant's clock: besides a new reading, a move by some seconds from the current one."""

    advance_seconds = StrictFloat(data_key="advanceSeconds", load_default=None, allow_none=True, allow_nan=False,
                                  validate=validate.Range(min=-10 * 365 * 86400, max=10 * 365 * 86400))


class TenantSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.Enum(PartnerKind, by_value=True, load_default=PartnerKind.DIRECT_BILL)
    seed = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, seed.MAX_SEED))
    clock = fields.Nested(InitialClockSchema, load_default=None, allow_none=True)
    customers = fields.Integer(strict=True, load_default=3, validate=validate.Range(0, 1000))


class CustomerFactorySchema(Schema):
    class Meta:
        unknown = RAISE

    state = fields.String(load_default="NoAgreement", validate=validate.OneOf(seed.CUSTOMER_STATES))
    country = fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=2))
    partner_id = fields.String(data_key="partnerId", load_default=None, allow_none=True)


class CertificateSchema(Schema):
    class Meta:
        unknown = RAISE

    certificate = fields.String(required=True, validate=validate.Length(min=1, max=identity.MAX_CERTIFICATE_PEM))


class ApplicationSettingsSchema(Schema):
    class Meta:
        unknown = RAISE

    allow_public_client_flows = StrictBoolean(data_key="allowPublicClientFlows", required=True)


def load(schema: Schema, *, required: bool = False) -> dict:
    return load_json(schema, required=required)


def clock_json(reading: tenants.ClockReading) -> dict:
    return {"now": reading.now.isoformat(), "frozen": reading.frozen}


@bp.get("/health")
def health():
    return jsonify(status="ok", service="mca-sandbox")


@bp.post("/tenants")
def create_tenant():
    body = load(TenantSchema())
    clock = body["clock"] or {}
    created = seed.create_tenant(
        services(), kind=body["kind"], seed=body["seed"], clock_now=clock.get("now"),
        clock_frozen=bool(clock.get("frozen")), customers=body["customers"],
    )
    return jsonify(created), 201


@bp.get("/tenants")
def list_tenants():
    return jsonify(items=[{"id": w.id, "name": w.name, "kind": w.kind.value, "seed": w.seed,
                           "createdAt": _created(w)} for w in tenants.list_tenants(services())])


def _created(workspace) -> str:
    """When the tenant was made, in real time (not its clock's): how old a leftover of a CI run is."""
    return as_utc(workspace.created_at).isoformat()


@bp.get("/tenants/<tenant_id>")
def get_tenant(tenant_id):
    summary = tenants.get_tenant(services(), tenant_id)
    ws = summary.workspace
    return jsonify(
        id=ws.id, name=ws.name, kind=ws.kind.value, seed=ws.seed, createdAt=_created(ws),
        partners=[{"id": p.id, "name": p.name, "kind": p.kind.value, "providerId": p.provider_id, "mpnId": p.mpn_id}
                  for p in summary.partners],
        users=[{"userName": u.user_name, "role": u.role.value, "partnerId": u.partner_id} for u in summary.users],
        applications=[{"clientId": a.client_id, "partnerId": a.partner_id,
                       "allowPublicClientFlows": a.allow_public_client_flows,
                       "certificates": [certificate_json(c) for c in summary.certificates[a.client_id]]}
                      for a in summary.applications],
        customerCount=summary.customer_count,
        clock=clock_json(summary.clock),
    )


@bp.delete("/tenants/<tenant_id>")
def delete_tenant(tenant_id):
    tenants.delete_tenant(services(), tenant_id)
    traffic.traffic().forget(tenant_id)
    return "", 204


@bp.post("/tenants/<tenant_id>/reset")
def reset_tenant(tenant_id):
    reset = seed.reset_tenant(services(), tenant_id)
    traffic.traffic().forget(tenant_id)  # back to its seeded state: no fault rules, an empty journal
    return jsonify(reset)


@bp.get("/tenants/<tenant_id>/clock")
def get_clock(tenant_id):
    return jsonify(clock_json(tenants.get_clock(services(), tenant_id)))


@bp.put("/tenants/<tenant_id>/clock")
def set_clock(tenant_id):
    body = load(ClockSchema(), required=True)
    now, frozen = body["now"], body["frozen"]
    if body["advance_seconds"] is not None:
        from datetime import timedelta

        current = tenants.get_clock(services(), tenant_id)
        if now is None and frozen is None:  # only moved on: a frozen clock stays frozen, a running one runs
            frozen = current.frozen
        try:
            now = clock_instant((now or current.now) + timedelta(seconds=body["advance_seconds"]))
        except OverflowError as exc:
            raise InvalidRequestInput(CLOCK_RANGE, data=["advanceSeconds: out of range"]) from exc
    return jsonify(clock_json(tenants.set_clock(services(), tenant_id, now=now, frozen=bool(frozen))))


@bp.post("/tenants/<tenant_id>/customers")
def add_customer(tenant_id):
    body = load(CustomerFactorySchema())
    made = seed.add_customer(services(), tenant_id, state=body["state"], partner_id=body["partner_id"], country=body["country"])
    return jsonify(made), 201


@bp.patch("/tenants/<tenant_id>/applications/<client_id>")
def update_application(tenant_id, client_id):
    """Entra's "Allow public client flows" for the tenant's app: off, the token endpoint asks every grant for the
    app's secret or a client assertion (a confidential client); on (the default), the password, refresh token and
    device code grants and a loopback redirect URI's code may leave it out (a public client)."""
    body = load(ApplicationSettingsSchema(), required=True)
    changed = identity.set_public_client_flows(services(), tenant_id, client_id, body["allow_public_client_flows"])
    return jsonify(clientId=changed.client_id, partnerId=changed.partner_id,
                   allowPublicClientFlows=changed.allow_public_client_flows)


def certificate_json(certificate: identity.RegisteredCertificate) -> dict:
    return {"thumbprint": certificate.thumbprint, "thumbprintSha256": certificate.thumbprint_sha256,
            "notAfter": certificate.not_after.isoformat(), "addedAt": certificate.added.isoformat()}


@bp.post("/tenants/<tenant_id>/applications/<client_id>/certificates")
def add_certificate(tenant_id, client_id):
    """Register a certificate (PEM) for the tenant's app, as Azure's portal uploads one: the token endpoint then
    takes the app's client assertions signed with its key (private_key_jwt)."""
    body = load(CertificateSchema(), required=True)
    added = identity.register_certificate(services(), tenant_id, client_id, body["certificate"])
    return jsonify(certificate_json(added)), 201


@bp.get("/tenants/<tenant_id>/applications/<client_id>/certificates")
def list_certificates(tenant_id, client_id):
    return jsonify(items=[certificate_json(c) for c in identity.list_certificates(services(), tenant_id, client_id)])


@bp.delete("/tenants/<tenant_id>/applications/<client_id>/certificates/<thumbprint>")
def delete_certificate(tenant_id, client_id, thumbprint):
    identity.delete_certificate(services(), tenant_id, client_id, thumbprint)
    return "", 204


@bp.post("/reset")
def reset_everything():
    deleted = tenants.delete_all_tenants(services())
    traffic.traffic().forget_all()
    return jsonify(deleted=deleted)

from . import traffic  # noqa: E402,F401  (faults and journal routes on bp)
