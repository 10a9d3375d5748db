"""Property-based fuzzing (hypothesis) of the HTTP entry points: whatever JSON body, raw bytes or query
string a client sends, the API and the pages answer with something below 500 (finding 7 of issue 9, in
general). A fixed budget per test (``max_examples``, no deadline), run on the real app and SQLite store.

The strategies mix what an attacker tries first: deeply nested lists, integers of any size, floats that are
not finite, strings in every script, the fields each endpoint really reads, and raw bytes that are not JSON.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BUDGET = settings(max_examples=60, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**17, max_value=10**60),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
                    st.sampled_from(["青岛", "W-A", "J-X1", "2026-11-02", "电焊工", "-1", "9" * 30, "=1+1", ""]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
FIELDS = ["current_password", "new_password", "worker_external_id", "employer_name", "title", "city", "start_date",
          "salary_min", "salary_max", "headcount", "age_min", "age_max", "satisfaction", "expected_salary",
          "birth_year", "name", "phone", "external_id", "status", "k", "page", "per_page"]
bodies = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
nested = st.integers(min_value=1, max_value=5000).map(lambda n: "[" * n + "]" * n)
raw = st.one_of(st.binary(max_size=200), nested.map(str.encode),
                st.integers(min_value=1, max_value=6000).map(lambda n: ('{"page": ' + "9" * n + "}").encode()))

WRITES = [("POST", "/api/v1/me/password"), ("POST", "/api/v1/placements"), ("PATCH", "/api/v1/workers/W-A"),
          ("POST", "/api/v1/workers"), ("POST", "/api/v1/jobs"), ("PATCH", "/api/v1/jobs/J-X1")]
LISTS = ["/api/v1/workers", "/api/v1/jobs", "/api/v1/placements", "/api/v1/applications",
         "/staff/workers", "/staff/jobs", "/jobs"]


@pytest.fixture
def tokens(web_app, world):
    from app.database import get_db
    from models.people.api_tokens import create_token

    with web_app.app_context():
        return {who: {"Authorization": f"Bearer {create_token(get_db(), world.users[who], 'fuzz')[1]}"}
                for who in ("admin", "worker_a")}


@BUDGET
@given(target=st.sampled_from(WRITES), who=st.sampled_from(["admin", "worker_a"]), body=bodies)
def test_api_json_bodies_never_500(web_app, tokens, target, who, body):
    method, url = target
    response = web_app.test_client().open(url, method=method, data=json.dumps(body), headers=tokens[who],
                                          content_type="application/json")
    assert response.status_code < 500, (method, url, body, response.get_data(as_text=True)[:300])


@BUDGET
@given(target=st.sampled_from(WRITES), payload=raw)
def test_api_raw_bodies_never_500(web_app, tokens, target, payload):
    method, url = target
    response = web_app.test_client().open(url, method=method, data=payload, headers=tokens["admin"],
                                          content_type="application/json")
    assert response.status_code < 500, (method, url, payload[:80], response.get_data(as_text=True)[:300])
    if response.status_code == 400:
        assert response.json["error"]["message"]


@BUDGET
@given(url=st.sampled_from(LISTS), query=st.dictionaries(
    st.sampled_from(["page", "per_page", "q", "county", "status", "city", "seeking", "keywords", "k"]),
    st.one_of(st.integers().map(str), st.text(max_size=30), st.just("9" * 5000)), max_size=4))
def test_lists_with_any_query_never_500(site, world, web_app, tokens, url, query):
    if url.startswith("/api/"):
        response = web_app.test_client().get(url, query_string=query, headers=tokens["admin"])
    else:
        response = _admin_page(site).client.get(url, query_string=query)
    assert response.status_code < 500, (url, query)


_signed_in: list = []


def _admin_page(site):
    """One signed-in admin browser per app (signing in costs a password hash)."""
    if not _signed_in or _signed_in[0][0] is not site.app:
        _signed_in[:] = [(site.app, site.login("admin"))]
    return _signed_in[0][1]
