"""Signing in and out, registration, CSRF, the login rate limit, safe redirects and security headers."""
from __future__ import annotations

import re

import pytest

from app.database import get_db


def test_login_lands_each_role_on_its_home(site, world):
    for username, prefix in (("worker_a", "/me/"), ("employer_x", "/employer/"), ("staff", "/staff/"),
                             ("admin", "/staff/")):
        page = site.anonymous()
        page.get("/login")
        response = page.post("/login", {"username": username, "password": "pass-Word-123"})
        assert response.status_code == 302 and response.location.startswith(prefix), (username, response.location)


def test_wrong_password_and_unknown_user_get_the_same_message(site, world):
    page = site.anonymous()
    page.get("/login")
    wrong = page.post("/login", {"username": "staff", "password": "nope-nope-1"})
    unknown = page.post("/login", {"username": "nobody", "password": "nope-nope-1"})
    for response in (wrong, unknown):
        assert response.status_code == 200 and "手机号/用户名或密码不对" in response.text
    assert "staff" in wrong.text  # the typed username is kept in the form


def test_disabled_account_cannot_sign_in(site, world, web_app):
    from models.people.users import set_active

    with web_app.app_context():
        set_active(get_db(), world.users["worker_b"], False)
    page = site.anonymous()
    page.get("/login")
    assert page.post("/login", {"username": "worker_b", "password": "pass-Word-123"}).status_code == 200


def test_login_without_csrf_token_is_refused(site, world):
    page = site.anonymous()
    response = page.post("/login", {"username": "staff", "password": "pass-Word-123"}, csrf=False)
    assert response.status_code == 400 and "表单已过期" in response.text


def test_next_parameter_only_follows_same_site_paths(site, world):
    page = site.anonymous()
    page.get("/login")
    response = page.post("/login?next=https://evil.example/x", {"username": "staff", "password": "pass-Word-123"})
    assert response.location.startswith("/staff/")
    page = site.anonymous()
    page.get("/login")
    response = page.post("/login?next=/staff/followups/", {"username": "staff", "password": "pass-Word-123"})
    assert response.location == "/staff/followups/"


def test_logout_needs_post_and_ends_the_session(site, world):
    page = site.login("staff")
    assert page.get("/staff/followups/").status_code == 200
    assert page.get("/logout").status_code == 405
    assert page.post("/logout", {}).status_code == 302
    assert page.get("/staff/followups/").status_code == 302


def test_login_is_rate_limited(data_dir, world):
    from app import create_app

    app = create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": True})
    client = app.test_client()
    codes = [client.post("/login", data={"username": "staff", "password": "wrong-pass"}).status_code
             for _ in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    assert "操作太频繁" in client.post("/login", data={"username": "staff", "password": "x"}).get_data(as_text=True)


def test_worker_registers_with_phone_and_password(site, web_app):
    page = site.anonymous()
    page.get("/register")
    response = page.post("/register", {"name": "杨小军", "phone": "13700001111", "password": "dongxiang-hanjie-26",
                                       "hukou_province": "甘肃省", "hukou_county": "东乡县",
                                       "assistance_status": "脱贫享受政策人口", "desired_jobs": "电焊工"})
    assert response.status_code == 302
    with web_app.app_context():
        db = get_db()
        user = db.execute("SELECT role, worker_id, password_hash FROM users WHERE username = '13700001111'").fetchone()
        worker = db.execute("SELECT name, hukou_county, external_id FROM workers WHERE id = ?", (user[1],)).fetchone()
    assert user[0] == "worker" and "dongxiang-hanjie-26" not in user[2]
    assert worker[:2] == ("杨小军", "东乡族自治县")
    assert re.fullmatch(r"SELF-\d{8}-0001", worker[2]) and "13700001111" not in worker[2]


@pytest.mark.parametrize("field,value,message", [
    ("phone", "12345", "手机号"), ("hukou_county", "不存在县", "区县"), ("password", "short", "至少8位"),
    ("password", "12345678", "太简单或太常见"), ("password", "woaini1314", "太常见"),
    ("password", "yang13700001111", "不能包含用户名或手机号")])
def test_registration_errors_name_the_field_and_keep_the_input(site, web_app, field, value, message):
    data = {"name": "杨小军", "phone": "13700001111", "password": "dongxiang-hanjie-26", "hukou_province": "甘肃省",
            "hukou_county": "东乡县", "assistance_status": "脱贫享受政策人口", "desired_jobs": "电焊工"}
    data[field] = value
    page = site.anonymous()
    page.get("/register")
    response = page.post("/register", data)
    assert response.status_code == 200 and message in response.text
    assert "杨小军" in response.text  # nothing typed is lost
    with web_app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


def test_security_headers_on_pages(site):
    response = site.anonymous().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_http_only(site, world):
    page = site.anonymous()
    page.get("/login")
    response = page.client.post("/login", data={"username": "staff", "password": "pass-Word-123",
                                                "csrf_token": page.token})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
