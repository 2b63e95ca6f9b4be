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


def test_a_path_segment_spelled_like_the_route_trees_marker_is_an_ordinary_value(client, tenant):
    """schemathesis: ``/v1/agreementtemplates/<*>/document`` made the case-insensitive path walker look up
    its internal variable marker as a literal route segment (KeyError, a bare 500 outside the error
    envelope)."""
    headers = bearer(request_token(client, tenant))
    error = assert_classic_error(client.get("/v1/agreementtemplates/%3C%2A%3E/document", headers=headers), 400, 3000)
    assert "template" in error["description"].lower()
    assert_classic_error(client.get("/v1/customers/%3C%2A%3E", headers=headers), 400, 900118)
    assert client.get("/dashboard/%3C%2A%3E").status_code in (302, 404)


def test_a_clock_moved_out_of_the_representable_range_is_a_400_not_a_500(client, tenant):
    """Hostile-input table: ``now`` before year 1 in UTC, or ``advanceSeconds`` past year 9999, raised
    OverflowError (500) in the control API; a clock near the end of time also broke token expiry."""
    url = f"/_sandbox/tenants/{tenant['id']}/clock"
    before = client.put(url, json={"now": "2020-03-15T10:00:00Z", "frozen": True}).get_json()
    for body in ({"now": "0001-01-01T00:00:00+05:00"}, {"now": "9999-12-31T23:00:00-05:00"},
                 {"now": "9999-12-31T00:00:00Z", "advanceSeconds": 300_000_000}, {"now": "9500-01-01T00:00:00Z"},
                 {"now": "1960-01-01T00:00:00Z"}):
        assert_classic_error(client.put(url, json=body), 400, 800002)
    assert_classic_error(client.post("/_sandbox/tenants", json={"clock": {"now": "0001-01-01T00:00:00+05:00"}}), 400)
    assert client.get(url).get_json() == before
    assert client.put(url, json={"now": "8999-12-31T00:00:00Z", "frozen": True}).status_code == 200
    assert request_token(client, tenant)  # tokens can still be issued at the latest instant allowed
