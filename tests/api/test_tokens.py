"""API tokens: shown once, stored hashed, revocable, tracked; the CLI and the /tokens endpoints."""
from __future__ import annotations

import hashlib

from models.people.api_tokens import authenticate_token, create_token, list_tokens, revoke_token

from .conftest import insert_user


def test_token_is_returned_once_and_only_its_hash_is_stored(db):
    user_id = insert_user(db, "u1", "staff")
    token_id, plain = create_token(db, user_id, "对接脚本")
    assert plain.startswith("tb_") and len(plain) > 40
    stored = db.execute("SELECT * FROM api_tokens WHERE id = ?", (token_id,)).fetchone()
    assert plain not in [str(v) for v in stored]
    assert hashlib.sha256(plain.encode()).hexdigest() in stored
    listed = list_tokens(db, user_id)
    assert [t["id"] for t in listed] == [token_id]
    assert "token_hash" not in listed[0] and plain not in str(listed)
    assert create_token(db, user_id)[1] != plain


def test_authenticate_revoke_and_last_used(db):
    user_id = insert_user(db, "u1", "employer")
    token_id, plain = create_token(db, user_id)
    assert list_tokens(db, user_id)[0]["last_used_at"] is None
    user = authenticate_token(db, plain)
    assert user["id"] == user_id and user["role"] == "employer" and "password_hash" not in user
    assert list_tokens(db, user_id)[0]["last_used_at"] is not None
    assert authenticate_token(db, plain + "x") is None
    assert authenticate_token(db, "") is None and authenticate_token(db, None) is None
    assert revoke_token(db, token_id) is True
    assert revoke_token(db, token_id) is False
    assert authenticate_token(db, plain) is None
    assert list_tokens(db, user_id)[0]["active"] is False


def test_token_of_deactivated_user_is_rejected(db):
    user_id = insert_user(db, "u1", "staff")
    plain = create_token(db, user_id)[1]
    db.execute("UPDATE users SET active = 0 WHERE id = ?", (user_id,))
    assert authenticate_token(db, plain) is None


def test_revoke_checks_owner_when_asked(db):
    a, b = insert_user(db, "a", "staff"), insert_user(db, "b", "staff")
    token_id, _ = create_token(db, a)
    assert revoke_token(db, token_id, user_id=b) is False
    assert revoke_token(db, token_id, user_id=a) is True


def test_cli_create_list_revoke(api_app, db):
    insert_user(db, "zhang", "staff")
    runner = api_app.test_cli_runner()
    result = runner.invoke(args=["api", "token", "create", "zhang", "--name", "区县对接"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert authenticate_token(db, plain)["username"] == "zhang"
    result = runner.invoke(args=["api", "token", "list", "zhang"])
    assert result.exit_code == 0 and "区县对接" in result.output and plain not in result.output
    token_id = list_tokens(db)[0]["id"]
    result = runner.invoke(args=["api", "token", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    assert authenticate_token(db, plain) is None
    assert runner.invoke(args=["api", "token", "revoke", str(token_id)]).exit_code != 0
    assert runner.invoke(args=["api", "token", "create", "nobody"]).exit_code != 0


def test_revoked_token_stops_working_at_once(call, world, api_client):
    response = call("worker_a", "POST", "/api/v1/tokens", json={"name": "手机"})
    assert response.status_code == 201
    new = response.get_json()["data"]
    headers = {"Authorization": f"Bearer {new['token']}"}
    assert api_client.get("/api/v1/me", headers=headers).get_json()["data"]["username"] == "worker_a"
    listed = call("worker_a", "GET", "/api/v1/tokens").get_json()["data"]
    assert {t["id"] for t in listed} >= {new["id"]} and all("token" not in t for t in listed)
    assert call("worker_a", "DELETE", f"/api/v1/tokens/{new['id']}").get_json()["data"]["active"] is False
    assert api_client.get("/api/v1/me", headers=headers).status_code == 401


def test_cannot_see_or_revoke_someone_elses_token(call, world, db):
    other = list_tokens(db, world.users["worker_b"])[0]["id"]
    assert call("worker_a", "DELETE", f"/api/v1/tokens/{other}").status_code == 404
    assert call("employer_x", "DELETE", f"/api/v1/tokens/{other}").status_code == 404
    assert call("staff", "DELETE", f"/api/v1/tokens/{other}").status_code == 404
    assert call("worker_b", "GET", "/api/v1/me").status_code == 200
    assert call("admin", "DELETE", f"/api/v1/tokens/{other}").status_code == 200
    assert call("worker_b", "GET", "/api/v1/me").status_code == 401


def test_me_names_the_linked_worker_or_employer(call, world):
    me = call("worker_a", "GET", "/api/v1/me").get_json()["data"]
    assert me["role"] == "worker" and me["worker_external_id"] == "W-A"
    me = call("employer_x", "GET", "/api/v1/me").get_json()["data"]
    assert me["role"] == "employer" and me["employer_name"] == "青岛鑫达焊接有限公司"
