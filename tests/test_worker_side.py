"""The worker's side (issue 12) on the rulebook world, through the real pages and API against a real SQLite
file: messages caused by the domain actions, the responsible staff member, 忘记密码, 我已找到工作, changing
one's password. (Who may do each action through which door is the parity table; these check what happens.)"""
from __future__ import annotations

import re

import pytest
from parity.harness import sign_in
from rulebook_world import PASSWORD

from models.access import SYSTEM


@pytest.fixture
def site(rulebook, app):
    """(app, world, db): the rulebook world copied into this test's data folder, the app on it, and a
    connection of the test's own to the same SQLite file (no app context held open: each request has its own)."""
    from models.store.db import connect

    db = connect()
    yield app, rulebook, db
    db.conn.close()


def page(app, world, actor):
    client = app.test_client()
    token = sign_in(app, client, world, actor)
    return client, token


def api(app, world, actor, method, url, **kw):
    return app.test_client().open(url, method=method, headers={"Authorization": f"Bearer {world.tokens[actor]}"},
                                  **kw)


def user(db, world, key):
    return world.user(db, key)


# --- messages ---------------------------------------------------------------------------------------------

def test_actions_post_messages_the_worker_reads_and_marks_read(site):
    from models.actions import applications, postings

    app, w, db = site
    # The world: A has one unread message, about the recommendation rec-A-Y2.
    body = api(app, w, "worker", "GET", "/api/v1/me/messages").get_json()
    assert body["meta"]["total"] == 1 and body["data"][0]["kind"] == "recommend" and not body["data"][0]["read"]
    assert "包吃住，离老乡近" in body["data"][0]["text"]                # the staff note travels with it
    # The employer moves A's application to 面试; then the posting Y2 closes while A's recommendation waits.
    applications.change_status(db, user(db, w, "employer"), w.applications["A-X1"], "面试")
    postings.close(db, user(db, w, "other_employer"), w.jobs["Y2"])
    texts = [m["text"] for m in api(app, w, "worker", "GET", "/api/v1/me/messages").get_json()["data"]]
    assert len(texts) == 3
    assert "停止招聘" in texts[0] and "普工" in texts[0]               # newest first
    assert "约您面试" in texts[1] and "电焊工" in texts[1]
    # C (no account) also had an open application to Y2: the message is kept for C too.
    assert db.execute("SELECT COUNT(*) FROM messages WHERE worker_id = ? AND kind = 'closed'",
                      (w.workers["C"],)).fetchone()[0] == 1
    # B sees none of A's messages; staff get their own reminders, never a worker's message.
    assert api(app, w, "other_worker", "GET", "/api/v1/me/messages").get_json()["data"] == []
    staff_texts = [m["text"] for m in api(app, w, "county_staff", "GET", "/api/v1/me/messages").get_json()["data"]]
    assert not any("停止招聘" in t for t in staff_texts)

    # The menu shows 3 unread; opening one marks it read and goes to its link.
    client, token = page(app, w, "worker")
    html = client.get("/me/messages").get_data(as_text=True)
    assert re.search(r'消息<span class="badge"[^>]*>3</span>', html)
    first = api(app, w, "worker", "GET", "/api/v1/me/messages").get_json()["data"][-1]
    answer = client.post(f"/me/messages/{first['id']}/read", data={"csrf_token": token, "go": first["link"]})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(first["link"])
    marked = api(app, w, "worker", "POST", "/api/v1/me/messages/read").get_json()["data"]
    assert marked == {"marked": 2, "unread": 0}
    assert 'class="badge"' not in client.get("/me/messages").get_data(as_text=True).split("<main")[0]
    # Someone else's message is a 404 through both doors.
    mine = w.messages["A-rec"]
    assert api(app, w, "other_worker", "POST", f"/api/v1/me/messages/{mine}/read").status_code == 404


def test_message_times_are_shown_in_shanghai_time(site):
    app, w, db = site
    db.execute("UPDATE messages SET created_at = '2026-11-30T23:30:00+00:00' WHERE id = ?", (w.messages["A-rec"],))
    client, _ = page(app, w, "worker")
    html = client.get("/me/messages").get_data(as_text=True)
    assert "12-01 07:30" in html                                         # 23:30 UTC is 07:30 the next day


def test_recommend_and_hire_post_messages(site):
    from models.actions import applications

    _app, w, db = site
    county = user(db, w, "county_staff")
    app_id = applications.recommend(db, county, w.workers["C"], w.jobs["Y1"], note="长白班")  # C: 酉阳
    row = db.execute("SELECT kind, text, link FROM messages WHERE worker_id = ? ORDER BY id DESC LIMIT 1",
                     (w.workers["C"],)).fetchone()
    assert row[0] == "recommend" and "county_staff" in row[1] and "长白班" in row[1]
    assert row[2] == f"/me/applications#application-{app_id}"
    applications.record_consent(db, county, app_id, "11月2日电话同意")
    applications.hire(db, SYSTEM, app_id)
    texts = [r[0] for r in db.execute("SELECT text FROM messages WHERE worker_id = ? ORDER BY id",
                                      (w.workers["C"],))]
    assert "录用了您" in texts[-1] and "缝纫工" in texts[-1]
    assert not any("等待单位查看" in t for t in texts)  # consent by phone is no pipeline news


# --- someone to call --------------------------------------------------------------------------------------

def test_responsible_staff_member_by_county_changed_by_staff_and_shown_on_every_page(site):
    from models.actions import contacts
    from models.people.users import set_active

    app, w, db = site
    county = user(db, w, "county_staff")
    contacts.set_own_details(db, county, work_phone="023-75551234", office="酉阳县就业局3号窗口")
    client, _ = page(app, w, "worker")
    html = client.get("/me/applications").get_data(as_text=True)
    assert "联系工作人员：county_staff" in html and 'href="tel:023-75551234"' in html and "3号窗口" in html
    # B's county (东乡) has nobody: the page says where to go instead of showing no one.
    other, _ = page(app, w, "other_worker")
    assert "还没有登记负责的工作人员" in other.get("/me/contact").get_data(as_text=True)
    assert api(app, w, "other_worker", "GET", "/api/v1/me/contact").status_code == 404

    # County staff hand A to city staff (A now works in 青岛); audited; A sees the new name.
    card = api(app, w, "county_staff", "PUT", "/api/v1/workers/W-A/contact", json={"username": "city_staff"})
    assert card.status_code == 200 and card.get_json()["data"]["name"] == "city_staff"
    assert card.get_json()["data"]["assigned"] is True
    audit = db.execute("SELECT user_id, detail FROM audit_log WHERE action = 'worker.contact'").fetchone()
    assert audit[0] == w.users["county_staff"] and str(w.users["city_staff"]) in audit[1]
    assert "联系工作人员：city_staff" in client.get("/me/messages").get_data(as_text=True)
    # An account that is no staff cannot be chosen; a disabled one falls back to the county's.
    bad = api(app, w, "county_staff", "PUT", "/api/v1/workers/W-A/contact", json={"username": "employer"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "username"
    set_active(db, w.users["city_staff"], False)
    assert api(app, w, "worker", "GET", "/api/v1/me/contact").get_json()["data"]["name"] == "county_staff"


def test_work_phone_is_checked(site):
    app, w, _db = site
    answer = api(app, w, "county_staff", "PUT", "/api/v1/me/contact-details", json={"work_phone": "打我电话"})
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "work_phone"
    assert "座机" in answer.get_json()["error"]["message"]


# --- 忘记密码 ----------------------------------------------------------------------------------------

def test_forgot_password_goes_to_the_responsible_staff_who_reset_it_after_checking(site):
    from models.people.users import authenticate

    app, w, db = site
    anon = app.test_client()
    form = anon.get("/password/forgot").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    known = anon.post("/password/forgot", data={"csrf_token": token, "who": "other_worker", "note": "晚上"})
    unknown = anon.post("/password/forgot", data={"csrf_token": token, "who": "13900000000"})
    said = [r.get_data(as_text=True).split("<main")[1] for r in (known, unknown)]
    assert said[0] == said[1] and "已收到" in said[0]                 # the same answer: accounts cannot be probed
    # The world already holds A's request; county staff (酉阳) see A's, not B's (东乡: admins').
    county = [r["worker_external_id"] for r in api(app, w, "county_staff", "GET", "/api/v1/password-resets")
              .get_json()["data"]]
    assert county == ["W-A"]
    assert api(app, w, "city_staff", "GET", "/api/v1/password-resets").get_json()["data"] == []
    assert sorted(r["worker_external_id"] for r in api(app, w, "admin", "GET", "/api/v1/password-resets")
                  .get_json()["data"]) == ["W-A", "W-B"]
    # Asking again does not pile up requests.
    anon.post("/password/forgot", data={"csrf_token": token, "who": "other_worker"})
    assert db.execute("SELECT COUNT(*) FROM password_resets WHERE status = 'pending'").fetchone()[0] == 2

    client, staff_token = page(app, w, "county_staff")
    assert "（W-A）" in client.get("/staff/care/").get_data(as_text=True)
    refused = client.post(f"/staff/care/resets/{w.resets['A']}/done",
                          data={"csrf_token": staff_token, "identity_note": "", "new_password": "reset-Pass-789"})
    assert refused.status_code == 400 and "请写明如何核实的身份" in refused.get_data(as_text=True)
    done = client.post(f"/staff/care/resets/{w.resets['A']}/done",
                       data={"csrf_token": staff_token, "identity_note": "电话核对身份证后四位",
                             "new_password": "reset-Pass-789"})
    assert done.status_code == 302
    assert authenticate(db, "worker", "reset-Pass-789") and not authenticate(db, "worker", PASSWORD)
    audit = db.execute("SELECT user_id, detail FROM audit_log WHERE action = 'password_reset.done'").fetchone()
    assert audit[0] == w.users["county_staff"] and "身份证后四位" in audit[1]
    assert "重置登录密码" in db.execute("SELECT text FROM messages WHERE worker_id = ? ORDER BY id DESC",
                                        (w.workers["A"],)).fetchone()[0]
    again = client.post(f"/staff/care/resets/{w.resets['A']}/done",
                        data={"csrf_token": staff_token, "identity_note": "电话核对", "new_password": "x-Pass-0000"})
    assert again.status_code == 302 and authenticate(db, "worker", "reset-Pass-789")   # handled once
    assert "已经处理过了" in client.get("/staff/care/").get_data(as_text=True)


# --- 我已找到工作 ---------------------------------------------------------------------------------------------

def test_found_a_job_waits_for_staff_then_becomes_a_placement(site):
    app, w, db = site
    client, token = page(app, w, "worker")
    future = client.post("/me/found-job", data={"csrf_token": token, "employer_name": "青岛某电子厂", "title": "普工",
                                                "city": "青岛", "start_date": "2099-01-01"})
    assert future.status_code == 400 and "不能晚于今天" in future.get_data(as_text=True)
    made = api(app, w, "worker", "POST", "/api/v1/me/found-jobs",
               json={"employer_name": "青岛某电子厂", "title": "普工", "city": "青岛市", "start_date": "2026-10-10"})
    assert made.status_code == 201 and made.get_json()["data"]["status"] == "pending"
    claim = made.get_json()["data"]["id"]
    assert made.get_json()["data"]["city"] == "青岛"
    # Not a placement yet: nothing in A's placements, A still seeking.
    assert db.execute("SELECT COUNT(*) FROM placements WHERE worker_id = ?", (w.workers["A"],)).fetchone()[0] == 0
    reminder = db.execute("SELECT user_id, subject FROM outbox WHERE dedupe_key = ?", (f"claim:{claim}",)).fetchone()
    assert reminder == (w.users["county_staff"], "求职者自报已就业，待确认")
    # City staff do not cover A (酉阳): 404. County staff confirm: a placement, A leaves the queue, A is told.
    assert api(app, w, "city_staff", "POST", f"/api/v1/found-jobs/{claim}/confirm").status_code == 404
    confirmed = api(app, w, "county_staff", "POST", f"/api/v1/found-jobs/{claim}/confirm")
    assert confirmed.status_code == 201
    placement = confirmed.get_json()["data"]
    assert placement["employer_name"] == "青岛某电子厂" and placement["start_date"] == "2026-10-10"
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (w.workers["A"],)).fetchone()[0] == 0
    assert "已确认您在“青岛某电子厂”就业" in db.execute(
        "SELECT text FROM messages WHERE worker_id = ? ORDER BY id DESC", (w.workers["A"],)).fetchone()[0]
    page_html = client.get("/me/found-job").get_data(as_text=True)
    assert "工作人员已确认" in page_html
    # Refusing C's report needs a reason, which C is told.
    no_reason = api(app, w, "county_staff", "POST", f"/api/v1/found-jobs/{w.claims['C']}/reject", json={})
    assert no_reason.status_code == 422
    api(app, w, "county_staff", "POST", f"/api/v1/found-jobs/{w.claims['C']}/reject", json={"reason": "茶厂说没有此人"})
    assert "茶厂说没有此人" in db.execute("SELECT text FROM messages WHERE worker_id = ? ORDER BY id DESC",
                                         (w.workers["C"],)).fetchone()[0]


# --- skill gaps, the job page, 我的投递 -------------------------------------------------------------------------

def _posting(db, external_id, title, **fields):
    from models.hiring.jobs import get_job_by_external_id, upsert_job
    from models.intake.records import clean_job

    record, errors = clean_job({"external_id": external_id, "employer_name": "青岛港物流有限公司", "title": title,
                                "city": "青岛", "status": "open", **fields})
    assert not errors, errors
    upsert_job(db, record)
    return get_job_by_external_id(db, external_id)["id"]


def test_skill_gaps_count_postings_one_certificate_away(site):
    app, w, db = site
    _posting(db, "J-F1", "叉车司机", required_certificates="叉车证")
    _posting(db, "J-F2", "仓库叉车工", required_certificates="叉车司机证")          # the same certificate, named so
    _posting(db, "J-F3", "叉车司机", city="烟台", required_certificates="叉车证")
    _posting(db, "J-F4", "叉车电工", required_certificates="叉车证、低压电工证")    # two missing: no near door
    _posting(db, "J-F5", "叉车司机", required_certificates="叉车证", age_max="30")  # A (1990) is too old for it
    _posting(db, "J-F6", "叉车司机", required_certificates="叉车证", status="closed")
    _posting(db, "J-F7", "电焊工", required_certificates="焊工证、低压电工证")
    body = api(app, w, "worker", "GET", "/api/v1/me/skill-gaps").get_json()["data"]
    by_name = {g["certificate"]: g for g in body}
    assert body[0]["certificate"] == "叉车证"
    assert by_name["叉车证"]["jobs"] == 4                # X2, F1, F2, F3
    assert by_name["叉车证"]["in_desired_cities"] == 3   # A wants 青岛: F3 is in 烟台
    assert by_name["低压电工证"]["jobs"] == 1            # F7: A holds 焊工证
    assert by_name["叉车证"]["courses_url"] == "/courses?certificate=%E5%8F%89%E8%BD%A6%E8%AF%81"
    client, _ = page(app, w, "worker")
    html = client.get("/me/skills").get_data(as_text=True)
    assert "缺少叉车证：有 4 个在招岗位需要" in html and 'href="/courses?certificate=' in html


def test_job_page_answers_where_how_far_food_housing_shifts_pay(site):
    app, w, db = site
    job = _posting(db, "J-G1", "装卸工", district="黄岛", work_address="黄岛区前湾港路88号", shifts="两班倒，每班12小时",
                   pay_day="每月15日发上月工资", benefits="包吃住")
    client, _ = page(app, w, "worker")
    html = client.get(f"/jobs/{job}").get_data(as_text=True)
    assert "黄岛区前湾港路88号" in html
    assert re.search(r"从酉阳到黄岛直线约 1,3\d\d 公里，\s*坐车约1天半", html)
    assert "包吃，具体问单位" in html and "包住，具体问单位" in html          # read off 包吃住
    assert "两班倒，每班12小时" in html and "每月15日发上月工资" in html
    assert 'class="back"' in html and 'class="speak"' in html              # back link; 朗读 (shown by script)
    api_job = api(app, w, "worker", "GET", "/api/v1/jobs/J-G1").get_json()["data"]
    assert api_job["pay_day"] == "每月15日发上月工资" and api_job["work_address"] == "黄岛区前湾港路88号"
    # Staff see the answers but no distance (they have no home county).
    staff, _ = page(app, w, "city_staff")
    assert "离家多远" not in staff.get(f"/jobs/{job}").get_data(as_text=True)


def test_my_applications_answer_withdraw_and_employer_contact(site):
    from models.actions import applications
    from models.people.employers import update_employer

    app, w, db = site
    client, token = page(app, w, "worker")
    html = client.get("/me/applications").get_data(as_text=True)
    rec = w.applications["rec-A-Y2"]
    assert f'id="application-{rec}"' in html and "包吃住，离老乡近" in html and "接受推荐" in html
    accepted = client.post(f"/me/applications/{rec}/accept", data={"csrf_token": token})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith(f"#application-{rec}")
    assert db.execute("SELECT status FROM applications WHERE id = ?", (rec,)).fetchone()[0] == "待处理"
    # The employer's contact appears once the employer has responded (已联系), not before.
    update_employer(db, w.employers["Y"], contact_name="王经理", contact_phone="0535-6661234")
    assert "0535-6661234" not in client.get("/me/applications").get_data(as_text=True)
    applications.change_status(db, user(db, w, "other_employer"), rec, "已联系")
    assert 'href="tel:0535-6661234"' in client.get("/me/applications").get_data(as_text=True)
    withdrawn = client.post(f"/me/applications/{w.applications['A-X1']}/withdraw", data={"csrf_token": token})
    assert withdrawn.status_code == 302
    assert db.execute("SELECT status FROM applications WHERE id = ?", (w.applications["A-X1"],)).fetchone()[0] == "撤回"
    again = client.post(f"/me/applications/{w.applications['A-X1']}/withdraw", data={"csrf_token": token},
                        follow_redirects=True)
    assert "求职者已撤回该投递" in again.get_data(as_text=True)              # said, not a stack trace


# --- 录用 undone the same day ------------------------------------------------------------------------------------

UNDO_ALLOWED = {"other_employer", "county_staff", "admin"}   # Y's employer; 酉阳 staff cover C; the admin


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("actor", ["anonymous", "worker", "other_worker", "employer", "other_employer",
                                   "county_staff", "city_staff", "admin"])
def test_undo_hire_through_both_doors(site, actor, door):
    """C-Y2 (C of 酉阳 at Y's 普工 in 烟台) hired today; taking it back is done for exactly Y's employer, the
    staff covering C and the admin, through the page and the API alike, and changes nothing for anyone else."""
    from models.actions import applications

    app, w, db = site
    application = w.applications["C-Y2"]
    placement = applications.hire(db, SYSTEM, application)
    assert placement
    if door == "page":
        client = app.test_client()
        token = sign_in(app, client, w, actor)
        answer = client.post(f"/employer/applications/{application}/undo-hire", data={"csrf_token": token})
    else:
        headers = {} if actor == "anonymous" else {"Authorization": f"Bearer {w.tokens[actor]}"}
        answer = app.test_client().post(f"/api/v1/applications/{application}/undo-hire", headers=headers)
    assert answer.status_code < 500
    status = db.execute("SELECT status FROM applications WHERE id = ?", (application,)).fetchone()[0]
    gone = db.execute("SELECT COUNT(*) FROM placements WHERE id = ?", (placement,)).fetchone()[0] == 0
    if actor in UNDO_ALLOWED:
        assert gone and status == "待处理", (actor, door, answer.status_code)
        # C still works at C-out (在岗): not put back in the "needs a job" queue by the undo
        assert db.execute("SELECT seeking FROM workers WHERE id = ?", (w.workers["C"],)).fetchone()[0] == 0
        assert "撤销了今天的录用" in db.execute("SELECT text FROM messages WHERE worker_id = ? ORDER BY id DESC",
                                                (w.workers["C"],)).fetchone()[0]
    else:
        assert not gone and status == "录用", (actor, door, answer.status_code)
        if door == "api":
            assert 400 <= answer.status_code < 500


def test_undo_hire_only_the_same_day_and_before_any_follow_up(site):
    from freezegun import freeze_time

    from models.actions import applications, hires, placements
    from models.errors import ActionError

    _app, w, db = site
    employer = user(db, w, "other_employer")
    with freeze_time("2026-11-02 15:30:00"):                     # 23:30 in Shanghai
        placement = applications.hire(db, SYSTEM, w.applications["C-Y2"])
    with freeze_time("2026-11-02 16:30:00"), pytest.raises(ActionError) as late:   # 00:30 the next day there
        hires.undo_hire(db, employer, w.applications["C-Y2"])
    assert late.value.kind == "conflict" and "当天" in late.value.message
    with freeze_time("2026-11-02 15:45:00"):
        placements.record_follow_up(db, user(db, w, "county_staff"), placement, channel="电话", still_employed=True)
        with pytest.raises(ActionError) as followed:
            hires.undo_hire(db, employer, w.applications["C-Y2"])
    assert "回访" in followed.value.message


def test_undo_hire_puts_a_worker_with_no_other_job_back_in_the_queue(site):
    from models.actions import applications, hires

    _app, w, db = site
    applications.change_status(db, user(db, w, "employer"), w.applications["A-X1"], "面试")
    applications.hire(db, SYSTEM, w.applications["A-X1"])
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (w.workers["A"],)).fetchone()[0] == 0
    row = hires.undo_hire(db, user(db, w, "employer"), w.applications["A-X1"])
    assert row["status"] == "面试"                                 # back to where it was before 录用
    assert db.execute("SELECT seeking FROM workers WHERE id = ?", (w.workers["A"],)).fetchone()[0] == 1


def test_matches_send_ten_then_more_and_weigh_under_100_kb(site, encoder):
    from pathlib import Path

    app, w, db = site
    for n in range(14):
        _posting(db, f"J-W{n:02d}", "电焊工", required_certificates="焊工证", salary_min="8000", salary_max="11000",
                 description="钢结构二保焊，包吃住", benefits="包吃住")
    client, _ = page(app, w, "worker")
    first = client.get("/me/matches")
    html = first.get_data(as_text=True)
    assert html.count('<article class="job"') == 10 and ">更多</a>" in html
    more = re.search(r'href="(/me/matches\?page=2)#match-\d+"', html)
    assert more
    second = client.get(more.group(1)).get_data(as_text=True)
    count = second.count('<article class="job"')
    assert 10 < count <= 20 and (">更多</a>" in second) == (count == 20)
    # First load on a phone: the page, its stylesheet, its one script and the icon.
    static = Path(app.static_folder)
    weight = len(first.data) + sum((static / f).stat().st_size for f in ("css/site.css", "js/worker.js", "favicon.svg"))
    assert weight < 100_000, weight


def test_job_page_shows_the_batches_going_there_and_the_subsidies_the_worker_would_get(site):
    """The job page answers "is there a 点对点 bus there?" (batches to the posting's city) and "which subsidies
    would I get, and when?" (data/subsidies.toml through models.programme.subsidies.eligible_for)."""
    from models.actions import batches

    app, w, db = site
    county = user(db, w, "county_staff")
    batches.create(db, county, departure_county="酉阳", city="青岛", depart_date="2099-03-01", mode="bus",
                   pickup_note="青岛北站接站")
    batches.create(db, county, departure_county="酉阳", city="烟台", depart_date="2099-03-02", mode="bus")
    client, _ = page(app, w, "worker")
    html = client.get(f"/jobs/{w.jobs['X1']}").get_data(as_text=True)   # X1 is in 青岛
    assert "点对点输送" in html and "2099-03-01" in html and "青岛北站接站" in html and "2099-03-02" not in html
    assert "可享补贴" in html and "连续工作满 3 个月后可申领" in html     # A is 脱贫享受政策人口 from 酉阳: the transport subsidy
    # another worker (B, 东乡) sees the batch too, but their own subsidies
    other, _ = page(app, w, "other_worker")
    assert "2099-03-01" in other.get(f"/jobs/{w.jobs['X1']}").get_data(as_text=True)
