"""One error format everywhere under /api/v1, with the right status, never HTML or a traceback."""
from __future__ import annotations

import pytest

from .conftest import ID_A


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])
    if code:
        assert body["error"]["code"] == code
    if field is not None:
        assert body["error"]["field"] == field
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "<html" not in text.lower()
    return body["error"]


def test_unknown_route_is_json_404(call):
    assert_error(call("staff", "GET", "/api/v1/no-such-thing"), 404, "not_found")
    assert_error(call("anonymous", "GET", "/api/v1/no/such/thing"), 404, "not_found")
    assert_error(call("staff", "POST", "/api/v1/nothing-here", json={}), 404, "not_found")


def test_wrong_method_is_json_405_with_allow(call):
    response = call("staff", "DELETE", "/api/v1/jobs")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_missing_and_bad_tokens_are_401(call, api_client):
    err = assert_error(call("anonymous", "GET", "/api/v1/jobs"), 401, "unauthorized")
    assert "Bearer" in err["message"]
    assert_error(call("bogus", "GET", "/api/v1/jobs"), 401, "invalid_token")
    assert_error(call("revoked", "GET", "/api/v1/jobs"), 401, "invalid_token")
    # A session cookie or Basic auth is not a token.
    assert_error(api_client.get("/api/v1/jobs", headers={"Authorization": "Basic c3RhZmY6cGFzcw=="}), 401)
    assert_error(api_client.get("/api/v1/jobs", headers={"Authorization": "Bearer "}), 401)


def test_body_errors_400_415_422_name_the_field(call):
    assert_error(call("staff", "POST", "/api/v1/jobs", data="title=x",
                      content_type="application/x-www-form-urlencoded"), 415)
    assert_error(call("staff", "POST", "/api/v1/jobs", data="{not json", content_type="application/json"), 400)
    assert_error(call("staff", "POST", "/api/v1/jobs", json=[1, 2]), 400)
    assert_error(call("staff", "POST", "/api/v1/jobs", json={"external_id": "J9"}), 422, field="title")
    assert_error(call("staff", "POST", "/api/v1/jobs", json={"external_id": "J9", "title": "x", "bogus": 1}),
                 422, field="bogus")
    assert_error(call("staff", "GET", "/api/v1/jobs?page=0"), 400, field="page")
    assert_error(call("staff", "GET", "/api/v1/jobs?per_page=abc"), 400, field="per_page")


def test_unexpected_exception_is_json_500_without_details(call, api_app, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError(f"secret internal detail {ID_A} 13812345678")

    monkeypatch.setitem(api_app.view_functions, "api.me", boom)
    err = assert_error(call("staff", "GET", "/api/v1/me"), 500, "internal_error")
    assert "secret" not in err["message"]
    assert "RuntimeError" in caplog.text and "boom" in caplog.text  # logged for the operator...
    assert ID_A not in caplog.text and "13812345678" not in caplog.text  # ...without personal data
    assert ID_A[:6] + "********" + ID_A[-4:] in caplog.text


def test_responses_are_not_cacheable(call):
    assert call("staff", "GET", "/api/v1/me").headers["Cache-Control"] == "no-store"
    assert call("anonymous", "GET", "/api/v1/me").headers["Cache-Control"] == "no-store"


def test_failed_authentications_are_rate_limited_429(call, api_app):
    api_app.config["API_AUTH_FAILURES_PER_MINUTE"] = 3
    for _ in range(3):
        assert call("bogus", "GET", "/api/v1/me").status_code == 401
    response = call("bogus", "GET", "/api/v1/me")
    assert_error(response, 429, "too_many_requests")
    assert response.headers["Retry-After"]


def test_per_token_rate_limit_when_configured(call, api_app):
    api_app.config["API_RATE_LIMIT_PER_MINUTE"] = 2
    assert call("staff", "GET", "/api/v1/me").status_code == 200
    assert call("staff", "GET", "/api/v1/me").status_code == 200
    assert_error(call("staff", "GET", "/api/v1/me"), 429)
    assert call("admin", "GET", "/api/v1/me").status_code == 200  # per token, not global


@pytest.mark.parametrize("csrf_first", [True, False])
def test_api_needs_no_csrf_token_even_with_csrf_protection_on(data_dir, csrf_first):
    """Token auth, not cookies: the API is exempt from CSRFProtect however the app is wired."""
    from flask_wtf.csrf import CSRFProtect

    from app import create_app
    from app.api import bp
    from models.people.api_tokens import create_token
    from models.store.db import connect

    from .conftest import insert_user

    app = create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": True})
    if "csrf" not in app.extensions and csrf_first:
        CSRFProtect(app)
    if "api" not in app.blueprints:
        app.register_blueprint(bp)
    if "csrf" not in app.extensions:
        CSRFProtect(app)
    db = connect()
    token = create_token(db, insert_user(db, "s1", "staff"), "t")[1]
    response = app.test_client().post("/api/v1/tokens", json={"name": "n"},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_api_blueprint_is_registered_by_the_app(app):
    """WEB registers the API in app/web.py; the real app must serve /api/v1."""
    assert "api" in app.blueprints
    assert any(rule.rule == "/api/v1/openapi.json" for rule in app.url_map.iter_rules())
