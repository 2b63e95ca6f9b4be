"""One regression test per bug the fuzzer (or the hostile-input tables) found."""

from __future__ import annotations

from api.helpers import agreement_body, assert_classic_error, bearer, request_token


def test_an_acceptance_date_that_falls_before_year_1_in_utc_is_a_400_not_a_500(client, tenant):
    """schemathesis: ``0001-01-01T00:00:12+05:00`` is a valid ISO 8601 string, but in UTC it is before the
    first representable instant; converting it raised OverflowError (500 / 800003)."""
    headers = bearer(request_token(client, tenant))
    customer = tenant["customers"][0]["id"]
    for value in ("0001-01-01T00:00:12+05:00", "9999-12-31T23:59:59-05:00"):
        response = client.post(f"/v1/customers/{customer}/agreements", headers=headers,
                               json=agreement_body(dateAgreed=value))
        if value.startswith("0001"):
            error = assert_classic_error(response, 400, 800002)
            assert any("dateAgreed" in item for item in error["data"])
        else:  # far future but representable: the future-date rule answers
            assert response.status_code == 400 and response.get_json()["code"] in (800002, 3000)
    assert client.get(f"/v1/customers/{customer}/agreements?agreementType=*", headers=headers).get_json()["items"] == []
