"""The application actions against the real store: who may apply, recommend, accept, decline, withdraw,
record consent and move the pipeline, and that every refusal changes nothing."""
from __future__ import annotations

import pytest

from models.actions import ActionError
from models.actions import applications as actions
from models.hiring.applications import get_application


@pytest.fixture
def store(rulebook, db):
    return db


def actor(world, db, key):
    return world.user(db, key)


def status(db, application_id):
    return get_application(db, application_id)["status"]


def test_worker_applies_to_an_open_posting_they_can_take(rulebook, store):
    app_id = actions.apply(store, actor(rulebook, store, "worker"), rulebook.jobs["Y1"])
    row = get_application(store, app_id)
    assert (row["status"], row["source"], row["consent_via"]) == ("待处理", "worker", "worker")


@pytest.mark.parametrize("job, message", [
    ("X2", "缺少必备证书：叉车证"),       # hard requirement
    ("X3", "已停止招聘"),                 # closed posting: it was public while open, so the worker is told
    ("X1", "已经投递过"),                 # already applied
])
def test_apply_refusals(rulebook, store, job, message):
    before = store.execute("SELECT COUNT(*), MAX(updated_at) FROM applications").fetchone()
    with pytest.raises(ActionError) as err:
        actions.apply(store, actor(rulebook, store, "worker"), rulebook.jobs[job])
    assert message in err.value.message and err.value.field == "job_id"
    assert store.execute("SELECT COUNT(*), MAX(updated_at) FROM applications").fetchone() == before


@pytest.mark.parametrize("key", ["anonymous", "employer", "county_staff", "admin"])
def test_only_a_worker_applies(rulebook, store, key):
    with pytest.raises(ActionError) as err:
        actions.apply(store, actor(rulebook, store, key), rulebook.jobs["Y1"])
    assert err.value.kind == "forbidden"


def test_recommendation_waits_for_the_worker_and_cannot_be_hired(rulebook, store):
    rec = rulebook.applications["rec-A-Y2"]
    with pytest.raises(ActionError) as err:
        actions.hire(store, actor(rulebook, store, "other_employer"), rec)
    assert err.value.kind == "conflict" and "还没有接受" in err.value.message
    assert status(store, rec) == "推荐待确认"
    assert store.execute("SELECT COUNT(*) FROM placements WHERE application_id = ?", (rec,)).fetchone()[0] == 0
    actions.accept(store, actor(rulebook, store, "worker"), rec)
    row = get_application(store, rec)
    assert (row["status"], row["consent_via"]) == ("待处理", "worker")
    placement_id = actions.hire(store, actor(rulebook, store, "other_employer"), rec)
    assert placement_id and status(store, rec) == "录用"


def test_only_the_worker_accepts_or_declines(rulebook, store):
    rec = rulebook.applications["rec-A-Y2"]
    for key, kind in [("other_worker", "not_found"), ("other_employer", "forbidden"), ("county_staff", "forbidden")]:
        with pytest.raises(ActionError) as err:
            actions.accept(store, actor(rulebook, store, key), rec)
        assert err.value.kind == kind, key
    actions.decline(store, actor(rulebook, store, "worker"), rec)
    assert status(store, rec) == "已谢绝"
    with pytest.raises(ActionError):
        actions.accept(store, actor(rulebook, store, "worker"), rec)


def test_staff_record_phone_consent_in_scope_only(rulebook, store):
    rec = rulebook.applications["rec-A-Y2"]
    with pytest.raises(ActionError) as err:
        actions.record_consent(store, actor(rulebook, store, "city_staff"), rec, "电话同意")
    assert err.value.kind == "not_found"  # 烟台 posting, 酉阳 worker: neither is the 青岛 staff's
    with pytest.raises(ActionError) as err:
        actions.record_consent(store, actor(rulebook, store, "county_staff"), rec, "  ")
    assert err.value.field == "note"
    row = actions.record_consent(store, actor(rulebook, store, "county_staff"), rec, "12月2日电话确认，本人同意")
    assert (row["status"], row["consent_via"]) == ("待处理", "staff_phone")
    audit = store.execute("SELECT action, user_id FROM audit_log WHERE entity = 'application' AND entity_id = ?"
                          " ORDER BY id DESC LIMIT 1", (rec,)).fetchone()
    assert audit == ("application.consent", rulebook.users["county_staff"])


def test_recommend_scope_and_requirements(rulebook, store):
    county, city = actor(rulebook, store, "county_staff"), actor(rulebook, store, "city_staff")
    # B (东乡) to Y2 (烟台): neither staff member covers the worker or the posting
    for staff in (county, city):
        with pytest.raises(ActionError) as err:
            actions.recommend(store, staff, rulebook.workers["B"], rulebook.jobs["Y2"])
        assert err.value.kind == "not_found"
    # C (酉阳) cannot take X2 (叉车证): refused with the reason, even for staff who cover both
    with pytest.raises(ActionError) as err:
        actions.recommend(store, actor(rulebook, store, "admin"), rulebook.workers["C"], rulebook.jobs["X2"])
    assert "叉车证" in err.value.message
    # city staff may recommend a 青岛 posting to a worker they do not cover; it waits for the worker
    app_id = actions.recommend(store, city, rulebook.workers["D"], rulebook.jobs["X1"], note="老焊工")
    assert status(store, app_id) == "推荐待确认"
    # county staff may recommend any open posting to their own worker
    app_id = actions.recommend(store, county, rulebook.workers["C"], rulebook.jobs["Y1"], note="长白班")
    assert status(store, app_id) == "推荐待确认"


def test_withdraw_and_apply_again(rulebook, store):
    worker = actor(rulebook, store, "worker")
    app_id = rulebook.applications["A-X1"]
    actions.withdraw(store, worker, app_id)
    assert status(store, app_id) == "撤回"
    with pytest.raises(ActionError):
        actions.change_status(store, actor(rulebook, store, "employer"), app_id, "面试")
    assert actions.apply(store, worker, rulebook.jobs["X1"]) == app_id
    assert status(store, app_id) == "待处理"


@pytest.mark.parametrize("key, kind", [
    ("other_employer", "not_found"), ("worker", "forbidden"), ("county_staff", "ok"), ("city_staff", "ok"),
    ("employer", "ok"),
])
def test_who_moves_the_pipeline(rulebook, store, key, kind):
    app_id = rulebook.applications["A-X1"]
    if kind == "ok":
        actions.change_status(store, actor(rulebook, store, key), app_id, "面试", "周三面试")
        assert status(store, app_id) == "面试"
    else:
        with pytest.raises(ActionError) as err:
            actions.change_status(store, actor(rulebook, store, key), app_id, "面试")
        assert err.value.kind == kind
        assert status(store, app_id) == "待处理"


def test_lists_are_scoped_in_the_database(rulebook, store):
    def ids(key):
        rows, total = actions.list_for(store, actor(rulebook, store, key))
        assert total == len(rows)
        return {r["id"] for r in rows}

    a = rulebook.applications
    assert ids("worker") == {a["A-X1"], a["rec-A-Y2"]}
    assert ids("employer") == {a["A-X1"]}
    assert ids("county_staff") == {a["A-X1"], a["rec-A-Y2"], a["C-Y2"]}
    assert ids("city_staff") == {a["A-X1"]}
    assert ids("admin") == set(a.values())
    with pytest.raises(ActionError):
        actions.list_for(store, None)
