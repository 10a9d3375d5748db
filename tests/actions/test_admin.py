"""Admin actions on the rulebook world: staff accounts with their scope (names resolved, clear errors), disable
and enable (a disabled account's token stops working), password reset, token revocation, the audit log's
filters (who revealed which ID number, when), the jobs' history in Chinese; nobody but admins."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from models.actions import ActionError
from models.actions import admin as actions
from models.actions import workers as worker_actions
from models.people.api_tokens import authenticate_token
from models.people.users import authenticate

TODAY = "2026-12-02 02:00:00"


def actor(world, db, key):
    return world.user(db, key)


def refused(expected, func, *args, **kwargs):
    with pytest.raises(ActionError) as err:
        func(*args, **kwargs)
    assert err.value.kind == expected, err.value
    return err.value


@freeze_time(TODAY)
def test_accounts_and_tokens(rulebook, db):
    admin = actor(rulebook, db, "admin")
    made = actions.create_user(db, admin, username="zhang", password="Qingdao-laoke-hanjie-77", display_name="张科长",
                               counties="酉阳,甘肃省东乡", cities="青岛市")
    assert (made["scope_counties"], made["scope_cities"]) == (["酉阳土家族苗族自治县", "东乡族自治县"], ["青岛"])
    err = refused("invalid", actions.create_user, db, admin, username="li", password="Dongxiang-wenhua-58", counties="东乡")
    assert err.field == "scope_counties" and "甘肃" in err.message
    assert refused("invalid", actions.create_user, db, admin, username="w2", password="Gangkou-shuiyun-39",
                   role="worker").field == "role"
    assert "password_hash" not in actions.list_users(db, admin)[0]
    # disabling: the account can no longer sign in, nor use its token; enabling restores both
    county = rulebook.users["county_staff"]
    actions.set_active(db, admin, county, False)
    assert authenticate(db, "county_staff", "pass-Word-123") is None
    assert authenticate_token(db, rulebook.tokens["county_staff"]) is None
    actions.set_active(db, admin, county, True)
    assert authenticate_token(db, rulebook.tokens["county_staff"])["id"] == county
    assert refused("conflict", actions.set_active, db, admin, rulebook.users["admin"], False).field == "user_id"
    actions.reset_password(db, admin, county, "new-pass-2026")
    assert authenticate(db, "county_staff", "new-pass-2026")["id"] == county
    assert refused("invalid", actions.reset_password, db, admin, county, "123").field == "password"
    # tokens: listed without secrets, revoked once
    token = next(t for t in actions.list_tokens(db, admin) if t["user_id"] == county)
    assert set(token) == {"id", "user_id", "username", "name", "created_at", "last_used_at", "revoked_at", "active"}
    assert actions.revoke_token(db, admin, token["id"])["active"] is False
    assert authenticate_token(db, rulebook.tokens["county_staff"]) is None
    refused("conflict", actions.revoke_token, db, admin, token["id"])
    refused("not_found", actions.revoke_token, db, admin, 9999)
    for key in ("county_staff", "city_staff", "worker", "employer", "anonymous"):
        refused("forbidden", actions.list_users, db, actor(rulebook, db, key))
        refused("forbidden", actions.audit_log, db, actor(rulebook, db, key))


@freeze_time(TODAY)
def test_audit_log_shows_who_revealed_which_id(rulebook, db):
    admin = actor(rulebook, db, "admin")
    worker_actions.reveal_id(db, actor(rulebook, db, "county_staff"), rulebook.workers["A"])
    rows, total = actions.audit_log(db, admin, action="worker.reveal_id")
    assert total == 1
    row = rows[0]
    assert (row["username"], row["action_label"], row["target"]) == ("county_staff", "查看完整身份证号", "求职者 W-A 冉大山")
    assert row["created_at"].startswith("2026-12-02")
    assert actions.audit_log(db, admin, action="worker.reveal_id", username="city_staff")[1] == 0
    assert actions.audit_log(db, admin, action="worker.reveal_id", since="2026-12-03")[1] == 0
    assert actions.audit_log(db, admin, action="worker.reveal_id", until="2026-12-02")[1] == 1
    # 02:00 UTC is 10:00 in Shanghai; a reveal at 23:30 UTC on 2 December is 3 December in Shanghai
    with freeze_time("2026-12-02 23:30:00"):
        assert worker_actions.reveal_id(db, admin, rulebook.workers["D"]) is not None
    assert [r["target"] for r in actions.audit_log(db, admin, action="worker.reveal_id", since="2026-12-03")[0]] \
        == ["求职者 W-D 马德福"]
    assert actions.audit_log(db, admin, action="worker.reveal_id", until="2026-12-02")[1] == 1
    assert refused("invalid", actions.audit_log, db, admin, since="12/01").field == "since"
    assert refused("invalid", actions.audit_log, db, admin, action="drop.table").field == "action"
