"""The worker actions against the real store (the rulebook world, ``tests/rulebook_world.py``): the scoped
registry, one view per actor, registering and editing within scope, the audited ID reveal, worker accounts,
the posting reads the staff pages use, and staff scope as accounts are created."""
from __future__ import annotations

import pytest

from models import access
from models.actions import ActionError, matches, postings
from models.actions import workers as actions
from models.people.users import UserError, create_user, get_user
from models.people.workers import get_worker, stored_id_number
from tests.rulebook_world import ID_A, id_with_check_digit

NEW = {"external_id": "", "name": "田小军", "phone": "13712345670", "hukou_province": "重庆市",
       "hukou_county": "酉阳", "assistance_status": "脱贫享受政策人口", "education": "初中", "skills": "砌墙、抹灰",
       "desired_jobs": "建筑工", "expected_salary": "6千"}


@pytest.fixture
def store(rulebook, db):
    return db


def actor(world, db, key):
    return world.user(db, key)


def workers_table(db) -> list:
    return db.execute("SELECT * FROM workers ORDER BY id").fetchall()


def refused(call, kind: str) -> ActionError:
    with pytest.raises(ActionError) as err:
        call()
    assert err.value.kind == kind, (err.value.kind, err.value.message)
    return err.value


# --- the registry -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, expected", [
    ("county_staff", {"A", "C"}), ("city_staff", set()), ("admin", {"A", "B", "C", "D"}),
])
def test_registry_is_the_staff_members_counties(rulebook, store, key, expected):
    rows, total = actions.list_for(store, actor(rulebook, store, key), limit=50)
    assert {r["id"] for r in rows} == {rulebook.workers[k] for k in expected} and total == len(expected)
    assert all("id_number" not in r and "id_hash" not in r for r in rows)


def test_registry_pages_and_filters_in_the_database(rulebook, store):
    county = actor(rulebook, store, "county_staff")
    page, total = actions.list_for(store, county, limit=1, offset=1)
    assert total == 2 and len(page) == 1
    assert [r["external_id"] for r in actions.list_for(store, county, q="白云")[0]] == ["W-C"]
    assert actions.list_for(store, county, county="东乡")[1] == 0       # not theirs, even when asked for
    assert actions.list_for(store, county, status="低保对象")[1] == 1
    assert refused(lambda: actions.list_for(store, county, status="贫困户"), "invalid").field == "status"
    for key in ("anonymous", "worker", "employer"):
        refused(lambda key=key: actions.list_for(store, actor(rulebook, store, key)), "forbidden")


# --- one view per actor -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key, worker, level", [
    ("county_staff", "A", "full"), ("county_staff", "B", "masked"), ("county_staff", "D", None),
    ("city_staff", "A", "contact"),       # A applied to X1, a 青岛 posting
    ("city_staff", "C", "masked"),
    ("city_staff", "D", "contact"),       # D works at X1, in 青岛, though no longer seeking
    ("employer", "A", "contact"), ("employer", "C", "masked"),
    ("employer", "D", "contact"),         # D works for the employer (placed at X1)
    ("other_employer", "D", None),
    ("other_employer", "A", "masked"),    # recommended to Y2, not yet accepted: nothing passes before A agrees
    ("worker", "A", "contact"), ("worker", "C", None), ("anonymous", "A", None), ("admin", "D", "full"),
])
def test_view_by_actor(rulebook, store, key, worker, level):
    who = actor(rulebook, store, key)
    if level is None:
        refused(lambda: actions.view(store, who, rulebook.workers[worker]), "not_found")
        return
    shown = actions.view(store, who, rulebook.workers[worker])
    assert shown["visibility"] == level
    stored = get_worker(store, rulebook.workers[worker])
    assert "id_number" not in shown
    if level == "full":
        assert shown["id_masked"] == stored["id_masked"] and shown["name"] == stored["name"]
    elif level == "contact":
        assert shown["phone"] == stored["phone"] and "id_masked" not in shown
    else:
        assert shown["name"] == stored["name"][0] + "**" and shown["phone"] != stored["phone"]
        assert not {"id_masked", "birth_year", "gender", "hukou_county"} & set(shown)
        assert shown["skills"] == stored["skills"]


# --- register and edit: finding 4 at the rulebook ---------------------------------------------------------

def test_county_staff_register_in_their_county_only(rulebook, store):
    county = actor(rulebook, store, "county_staff")
    before = workers_table(store)
    err = refused(lambda: actions.create_worker(store, county, dict(NEW, hukou_province="甘肃省",
                                                                     hukou_county="东乡县")), "forbidden")
    assert err.field == "hukou_county" and "东乡族自治县" in err.message and "酉阳土家族苗族自治县" in err.message
    refused(lambda: actions.create_worker(store, actor(rulebook, store, "city_staff"), NEW), "forbidden")
    refused(lambda: actions.create_worker(store, actor(rulebook, store, "employer"), NEW), "forbidden")
    assert workers_table(store) == before
    saved = actions.create_worker(store, county, NEW)
    assert saved["hukou_county"] == "酉阳土家族苗族自治县" and saved["external_id"].startswith("S")
    assert saved["visibility"] == "full" and saved["expected_salary"] == 6000
    audit = store.execute("SELECT action, user_id, entity_id FROM audit_log WHERE action = 'worker.create'").fetchall()
    assert audit == [("worker.create", rulebook.users["county_staff"], saved["id"])]
    second = actions.create_worker(store, county, dict(NEW, name="田小兵", phone="13712345671"))
    assert second["external_id"] == saved["external_id"][:-1] + "2"


def test_register_refusals_name_the_field(rulebook, store):
    admin = actor(rulebook, store, "admin")
    assert refused(lambda: actions.create_worker(store, admin, dict(NEW, external_id="W-B")),
                   "conflict").field == "external_id"
    err = refused(lambda: actions.create_worker(store, admin, dict(NEW, phone="123", education="博士后")), "invalid")
    assert {field for field, _ in err.errors} == {"phone", "education"}
    err = refused(lambda: actions.create_worker(store, admin, dict(NEW, id_number=ID_A)), "conflict")
    assert err.field == "id_number" and "W-A" in err.message


def test_county_staff_cannot_move_a_worker_out_of_their_counties(rulebook, store):
    county = actor(rulebook, store, "county_staff")
    a = rulebook.workers["A"]
    before = workers_table(store)
    err = refused(lambda: actions.edit_worker(store, county, a, {"hukou_province": "甘肃省", "hukou_county": "东乡"}),
                  "forbidden")
    assert err.field == "hukou_county" and "东乡族自治县" in err.message
    refused(lambda: actions.edit_worker(store, county, rulebook.workers["B"], {"phone": "13900000000"}), "forbidden")
    refused(lambda: actions.edit_worker(store, county, rulebook.workers["D"], {"phone": "13900000000"}), "not_found")
    refused(lambda: actions.edit_worker(store, actor(rulebook, store, "city_staff"), a, {"phone": "13900000000"}),
            "forbidden")
    assert workers_table(store) == before
    # within the county it is an ordinary edit, and the admin may move anyone
    assert actions.edit_worker(store, county, a, {"hukou_county": "酉阳县", "phone": "13900000000"})["phone"] == \
        "13900000000"
    moved = actions.edit_worker(store, actor(rulebook, store, "admin"), a,
                                {"hukou_province": "甘肃省", "hukou_county": "东乡"})
    assert moved["hukou_county"] == "东乡族自治县"
    assert actions.view(store, county, a)["visibility"] == "masked"


def test_edit_keeps_the_id_number_and_the_external_id(rulebook, store):
    admin = actor(rulebook, store, "admin")
    a = rulebook.workers["A"]
    actions.edit_worker(store, admin, a, {"id_number": "", "desired_jobs": "电焊工、铆工"})
    assert stored_id_number(store, a) == ID_A and get_worker(store, a)["desired_jobs"] == "电焊工、铆工"
    assert refused(lambda: actions.edit_worker(store, admin, a, {"external_id": "W-Z"}), "invalid").field == \
        "external_id"
    # a new number replaces the birth year and gender derived from the old one
    new_id = id_with_check_digit("50024219920304004")
    saved = actions.edit_worker(store, admin, a, {"id_number": new_id, "birth_year": "1990", "gender": "男"})
    assert saved["birth_year"] == 1992 and saved["gender"] == "女" and stored_id_number(store, a) == new_id
    fields = store.execute("SELECT detail FROM audit_log WHERE action = 'worker.update' ORDER BY id DESC").fetchone()[0]
    assert "id_number" in fields and new_id not in fields


def test_the_worker_edits_their_own_profile_fields(rulebook, store):
    worker = actor(rulebook, store, "worker")
    a = rulebook.workers["A"]
    assert actions.edit_worker(store, worker, a, {"needs": "包吃住、夫妻房"})["needs"] == ["包吃住", "夫妻房"]
    assert refused(lambda: actions.edit_worker(store, worker, a, {"assistance_status": "低保对象"}),
                   "forbidden").field == "assistance_status"
    refused(lambda: actions.edit_worker(store, worker, rulebook.workers["C"], {"needs": "包吃住"}), "not_found")
    assert actions.set_seeking(store, worker, a, False)["seeking"] is False
    refused(lambda: actions.set_seeking(store, actor(rulebook, store, "other_worker"), a, True), "not_found")


# --- reveal and account -----------------------------------------------------------------------------------

def test_reveal_is_for_staff_covering_the_worker_and_audited(rulebook, store):
    def reveals():
        return store.execute("SELECT user_id, entity_id FROM audit_log WHERE action = 'worker.reveal_id'").fetchall()

    a = rulebook.workers["A"]
    for key, kind in [("city_staff", "forbidden"), ("employer", "forbidden"), ("worker", "forbidden"),
                      ("other_worker", "not_found"), ("anonymous", "not_found")]:
        refused(lambda key=key: actions.reveal_id(store, actor(rulebook, store, key), a), kind)
    refused(lambda: actions.reveal_id(store, actor(rulebook, store, "county_staff"), rulebook.workers["B"]),
            "forbidden")
    assert reveals() == []
    assert actions.reveal_id(store, actor(rulebook, store, "county_staff"), a, via="web") == ID_A
    assert reveals() == [(rulebook.users["county_staff"], a)]


def test_worker_account_by_staff_covering_the_worker(rulebook, store):
    county = actor(rulebook, store, "county_staff")
    c = rulebook.workers["C"]
    refused(lambda: actions.create_worker_account(store, actor(rulebook, store, "city_staff"), c,
                                                  password="baiyun-2026"), "forbidden")
    made = actions.create_worker_account(store, county, c, password="baiyun-2026")
    assert made["username"] == "13700001111" and get_user(store, made["user_id"])["worker_id"] == c
    assert refused(lambda: actions.create_worker_account(store, county, c, username="by", password="baiyun-2026"),
                   "conflict").field == "username"
    refused(lambda: actions.create_worker_account(store, county, rulebook.workers["B"], password="x" * 9),
            "forbidden")


# --- the staff pages' reads -------------------------------------------------------------------------------

@pytest.mark.parametrize("key, expected", [
    ("worker", {"X1", "X2", "Y1", "Y2"}), ("employer", {"X1", "X2", "X3", "Y1", "Y2"}),
    ("other_employer", {"X1", "X2", "Y1", "Y2"}), ("county_staff", {"X1", "X2", "Y1", "Y2"}),
    ("city_staff", {"X1", "X2", "X3", "Y1", "Y2"}), ("admin", {"X1", "X2", "X3", "Y1", "Y2"}),
])
def test_postings_each_actor_may_see(rulebook, store, key, expected):
    rows, total = postings.list_for(store, actor(rulebook, store, key), limit=50)
    assert {r["id"] for r in rows} == {rulebook.jobs[k] for k in expected} and total == len(expected)
    for job_key in set(rulebook.jobs) - expected:
        refused(lambda job_key=job_key: postings.get(store, actor(rulebook, store, key), rulebook.jobs[job_key]),
                "not_found")


def test_candidates_are_shown_at_each_workers_visibility(rulebook, store):
    ids = [rulebook.workers[k] for k in ("A", "B", "C")]
    city = actor(rulebook, store, "city_staff")
    x1 = matches.job(store, city, rulebook.jobs["X1"])
    rows = {r["external_id"]: r for r in actions.candidates(store, city, x1, ids)}
    assert {k: r["visibility"] for k, r in rows.items()} == {"W-A": "contact", "W-B": "masked", "W-C": "masked"}
    assert rows["W-A"]["applied"] and not rows["W-C"]["applied"]
    assert all(r["may_recommend"] for r in rows.values())          # a 青岛 posting: the city staff's
    county = actor(rulebook, store, "county_staff")
    y1 = matches.job(store, county, rulebook.jobs["Y1"])
    rows = {r["external_id"]: r for r in actions.candidates(store, county, y1, ids)}
    assert rows["W-A"]["visibility"] == "full" and rows["W-B"]["visibility"] == "masked"
    assert rows["W-A"]["may_recommend"] and not rows["W-B"]["may_recommend"]
    refused(lambda: matches.job(store, actor(rulebook, store, "other_employer"), rulebook.jobs["X1"]),
            "forbidden")


# --- staff scope as accounts are made ---------------------------------------------------------------------

def test_scope_edge_an_account_with_counties_only_covers_no_city(rulebook, store):
    """Issue 8: an account created with counties only must not thereby cover every city."""
    user = get_user(store, create_user(store, "youyang2", "pass-Word-123", "staff", scope_counties="酉阳县"))
    assert user["scope_counties"] == ["酉阳土家族苗族自治县"] and user["scope_cities"] == []
    scope = access.Scope.of(user)
    assert not scope.covers_city("青岛") and not scope.covers_job({"city": "烟台"})
    assert scope.covers_worker(get_worker(store, rulebook.workers["A"]))
    d_at_x1 = {"hukou_county": "东乡族自治县", "city": "青岛"}
    assert not scope.covers_placement(d_at_x1) and not access.can_create_placement(user, d_at_x1, "青岛")
    assert not access.can_view_job(user, {"status": "closed", "city": "青岛", "employer_id": None})
    assert rulebook.jobs["X3"] not in {r["id"] for r in postings.list_for(store, user, limit=50)[0]}
    rows, _ = actions.list_for(store, user, limit=50)
    assert {r["id"] for r in rows} == {rulebook.workers["A"], rulebook.workers["C"]}


@pytest.mark.parametrize("counties, cities, field, words", [
    ("东乡", None, "scope_counties", ["甘肃省东乡族自治县", "江西省东乡区"]),
    ("青岛", None, "scope_counties", ["青岛"]),
    (None, "上海", "scope_cities", ["上海", "16 个地级市"]),
    (None, None, "scope_counties", ["--counties", "*"]),
])
def test_staff_scope_refusals_say_why(store, counties, cities, field, words):
    with pytest.raises(UserError) as err:
        create_user(store, "someone", "pass-Word-123", "staff", scope_counties=counties, scope_cities=cities)
    assert err.value.field == field and all(w in err.value.message for w in words), err.value.message


def test_users_cli_resolves_county_names(runner, db):
    result = runner.invoke(args=["users", "create", "--role", "staff", "--username", "zhang", "--password",
                                 "pass-Word-123", "--counties", "酉阳、甘肃省东乡", "--cities", "青岛市"])
    assert result.exit_code == 0, result.output
    assert "酉阳土家族苗族自治县、东乡族自治县" in result.output and "青岛" in result.output
    from models.people.users import get_user_by_username

    user = get_user_by_username(db, "zhang")
    assert (user["scope_counties"], user["scope_cities"]) == (["酉阳土家族苗族自治县", "东乡族自治县"], ["青岛"])
    result = runner.invoke(args=["users", "create", "--role", "staff", "--username", "li", "--password",
                                 "pass-Word-123", "--counties", "东乡"])
    assert result.exit_code != 0 and "甘肃省东乡族自治县" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["users", "create", "--role", "staff", "--username", "wang", "--password",
                                 "pass-Word-123", "--counties", "全部", "--cities", "*"])
    assert result.exit_code == 0 and "负责区县：全部；负责城市：全部" in result.output
    result = runner.invoke(args=["users", "scope", "wang", "--cities", "烟台"])
    assert result.exit_code == 0 and get_user_by_username(db, "wang")["scope_counties"] == []
    result = runner.invoke(args=["users", "create", "--role", "admin", "--username", "a1", "--password",
                                 "pass-Word-123", "--counties", "酉阳"])
    assert result.exit_code != 0 and "只有工作人员" in result.output
