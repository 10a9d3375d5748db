"""Staff pages: registry search and masking, the worker form (short county names, errors next to the field,
duplicates), the audited ID reveal, scope, role checks, worker accounts, ledger import from the browser,
recommendations and ranked candidates."""
from __future__ import annotations

import io
import re

import pytest

from tests.web.conftest import ID_A, ID_B, PASSWORD, id_with_check_digit


def _db(site):
    from models.store.db import connect

    return connect()


def _field_block(html: str, name: str) -> str:
    """The ``<div class="field">`` that holds the input/select named ``name``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.DOTALL):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name}")


NEW_WORKER = {"external_id": "", "name": "田小军", "id_number": "", "phone": "13712345670", "gender": "",
              "birth_year": "1992", "hukou_province": "重庆市", "hukou_county": "酉阳",
              "assistance_status": "脱贫享受政策人口", "education": "初中", "skills": "砌墙、抹灰",
              "certificates": "", "experience": "在老家盖过房子", "desired_jobs": "建筑工",
              "desired_cities": "青岛", "expected_salary": "6千", "needs": "包吃住", "training_wanted": ""}


# --- registry ------------------------------------------------------------------------------------------------

def test_registry_search_by_name_and_id_fragments(site, world):
    page = site.login("staff")
    html = page.get("/staff/workers?q=冉大山").text
    assert "冉大山" in html and "马小花" not in html
    for fragment in (ID_A[-4:], ID_A[:6] + "", ID_A):
        html = page.get(f"/staff/workers?q={fragment}").text
        assert "冉大山" in html, fragment
        assert "马小花" not in html, fragment
    assert "马小花" in page.get(f"/staff/workers?q={ID_B[-4:]}").text
    html = page.get("/staff/workers?county=东乡").text
    assert "马小花" in html and "冉大山" not in html
    html = page.get("/staff/workers?status=防止返贫监测对象").text
    assert "马小花" in html and "冉大山" not in html


def test_registry_list_masks_id_and_phone(site, world):
    html = site.login("staff").get("/staff/workers").text
    assert "冉大山" in html and "马小花" in html
    for secret in (ID_A, ID_B, "13812345678", "13987654321"):
        assert secret not in html
    assert "138****5678" in html
    assert ID_A[:6] + "********" + ID_A[-4:] in html


def test_scoped_staff_sees_only_their_county(site, world):
    """The registry lists only the staff member's counties. A seeking worker of another county is shown as
    every door shows them to staff who do not cover them (skills and wishes, no name, phone or ID fragment:
    ``models.actions.workers.view``); editing, revealing and matching them is refused (403)."""
    page = site.login("staff_cq")
    html = page.get("/staff/workers").text
    assert "冉大山" in html and "马小花" not in html
    assert page.get(f"/staff/workers/{world.workers['A']}").status_code == 200
    other = page.get(f"/staff/workers/{world.workers['B']}")
    assert other.status_code == 200 and "缝纫" in other.text
    for secret in ("马小花", "13987654321", "987654321", ID_B[:6], ID_B[-4:], "1995"):
        assert secret not in other.text, secret
    b = world.workers["B"]
    for action in (f"/staff/workers/{b}/edit", f"/staff/workers/{b}/reveal", f"/staff/workers/{b}/account",
                   f"/staff/workers/{b}/matches"):
        assert action not in other.text, action
    assert page.get(f"/staff/workers/{world.workers['B']}/edit").status_code == 403
    assert page.get(f"/staff/workers/{world.workers['B']}/matches").status_code == 403
    page.get(f"/staff/workers/{world.workers['A']}")
    assert page.post(f"/staff/workers/{world.workers['B']}/reveal").status_code == 403
    assert page.post(f"/staff/workers/{world.workers['B']}/account",
                     {"username": "mxh", "password": PASSWORD}).status_code == 403
    db = _db(site)
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'worker.reveal_id'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM users WHERE username = 'mxh'").fetchone()[0] == 0


@pytest.mark.parametrize("who", ["worker_a", "employer_x"])
def test_other_roles_get_403(site, world, who):
    page = site.login(who)
    for url in ("/staff/", "/staff/workers", "/staff/workers/new", f"/staff/workers/{world.workers['A']}",
                f"/staff/workers/{world.workers['A']}/matches", "/staff/jobs",
                f"/staff/jobs/{world.jobs['X1']}/candidates", "/staff/imports"):
        assert page.get(url).status_code == 403, url
    response = page.post(f"/staff/workers/{world.workers['A']}/recommend", {"job_id": world.jobs["X1"]})
    assert response.status_code == 403
    assert page.post(f"/staff/workers/{world.workers['A']}/reveal").status_code == 403


def test_anonymous_is_sent_to_login(site, world):
    response = site.anonymous().get("/staff/workers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_home_shows_counts_and_links(site, world):
    html = site.login("staff").get("/staff/").text
    assert "工作台" in html
    assert re.search(r"<strong>2</strong><span>人正在找工作", html)
    assert re.search(r"<strong>3</strong><span>个岗位在招", html)
    assert "/staff/imports" in html and "/staff/workers/new" in html


# --- the worker form -----------------------------------------------------------------------------------------

def test_create_worker_with_short_county_name(site, world):
    page = site.login("staff")
    response = page.post("/staff/workers/new", NEW_WORKER, from_url="/staff/workers/new")
    assert response.status_code == 302, response.text[:2000]
    from models.people.workers import list_workers

    rows, total = list_workers(_db(site), q="田小军")
    assert total == 1
    worker = rows[0]
    assert worker["hukou_county"] == "酉阳土家族苗族自治县"
    assert worker["expected_salary"] == 6000
    assert worker["skills"] == ["砌墙", "抹灰"]
    assert re.fullmatch(r"S\d{8}-1", worker["external_id"])
    assert response.headers["Location"].endswith(f"/staff/workers/{worker['id']}")
    # the next one of the day gets the next number
    other = dict(NEW_WORKER, name="田小兵", phone="13712345671")
    page.post("/staff/workers/new", other, from_url="/staff/workers/new")
    rows, _ = list_workers(_db(site), q="田小兵")
    assert rows[0]["external_id"] == worker["external_id"][:-1] + "2"


def test_bad_id_number_is_shown_next_to_the_field_and_input_kept(site, world):
    page = site.login("staff")
    bad = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    response = page.post("/staff/workers/new", dict(NEW_WORKER, id_number=bad, external_id="T-1"),
                         from_url="/staff/workers/new")
    assert response.status_code == 200
    block = _field_block(response.text, "id_number")
    assert 'class="error"' in block and "身份证" in block
    assert 'value="田小军"' in response.text and 'value="T-1"' in response.text   # typed values kept
    assert 'class="error"' not in _field_block(response.text, "name")
    from models.people.workers import get_worker_by_external_id

    assert get_worker_by_external_id(_db(site), "T-1") is None


def test_duplicate_id_number_names_the_existing_record(site, world):
    page = site.login("staff")
    response = page.post("/staff/workers/new", dict(NEW_WORKER, id_number=ID_A, birth_year=""),
                         from_url="/staff/workers/new")
    assert response.status_code == 200
    block = _field_block(response.text, "id_number")
    assert "W-A" in block and "编号" in block


def test_taken_external_id_is_refused(site, world):
    page = site.login("staff")
    response = page.post("/staff/workers/new", dict(NEW_WORKER, external_id="W-B"), from_url="/staff/workers/new")
    assert response.status_code == 200
    assert "已被使用" in _field_block(response.text, "external_id")
    from models.people.workers import get_worker_by_external_id

    assert get_worker_by_external_id(_db(site), "W-B")["name"] == "马小花"


def test_edit_keeps_the_id_number_when_left_empty(site, world):
    page = site.login("staff")
    url = f"/staff/workers/{world.workers['A']}/edit"
    html = page.get(url).text
    assert ID_A not in html
    assert "留空则不修改" in html and ID_A[:6] + "********" + ID_A[-4:] in html
    assert 'value="酉阳土家族苗族自治县"' in html and 'value="电焊证"' in html
    form = {name: value for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html)}
    form.pop("csrf_token", None)
    form.update(id_number="", desired_jobs="电焊工、铆工", education="初中", assistance_status="脱贫享受政策人口",
                gender="", experience="在工地干过三年钢结构焊接", seeking="y")
    response = page.post(url, form)
    assert response.status_code == 302, response.text[:3000]
    from models.people.pii import id_hash
    from models.people.workers import get_worker

    db = _db(site)
    worker = get_worker(db, world.workers["A"])
    assert worker["desired_jobs"] == "电焊工、铆工"
    assert worker["seeking"] is True
    stored = db.execute("SELECT id_hash FROM workers WHERE id = ?", (world.workers["A"],)).fetchone()[0]
    assert stored == id_hash(ID_A)


# --- detail, reveal, account ---------------------------------------------------------------------------------

def test_reveal_shows_full_number_once_and_writes_audit(site, world):
    page = site.login("staff_cq")
    url = f"/staff/workers/{world.workers['A']}"
    html = page.get(url).text
    assert ID_A not in html and "查看完整身份证号" in html
    response = page.post(url + "/reveal")
    assert response.status_code == 200 and ID_A in response.text
    rows = _db(site).execute("SELECT user_id, action, entity, entity_id FROM audit_log"
                             " WHERE action = 'worker.reveal_id'").fetchall()
    assert rows == [(world.users["staff_cq"], "worker.reveal_id", "worker", world.workers["A"])]
    assert ID_A not in page.get(url).text


def test_staff_opens_a_worker_account_and_the_worker_can_sign_in(site, world):
    page = site.login("staff")
    response = page.post("/staff/workers/new", NEW_WORKER, from_url="/staff/workers/new")
    url = response.headers["Location"]
    html = page.get(url).text
    assert "开通账号" in html and 'value="13712345670"' in html
    response = page.post(url + "/account", {"username": "13712345670", "password": "short"})
    assert "密码至少8位" in _field_block(response.text, "password")
    response = page.post(url + "/account", {"username": "13712345670", "password": "txj-2024-go"})
    assert response.status_code == 200
    assert "账号已开通" in response.text and "txj-2024-go" in response.text
    assert "txj-2024-go" not in page.get(url).text
    worker_page = site.login("13712345670", "txj-2024-go")
    assert worker_page.get("/").status_code == 302


def test_account_for_a_worker_who_already_has_one(site, world):
    page = site.login("staff")
    url = f"/staff/workers/{world.workers['A']}"
    html = page.get(url).text
    assert "已开通" in html and "worker_a" in html
    response = page.post(url + "/account", {"username": "other", "password": PASSWORD})
    assert response.status_code == 200 and "已经有账号（登录名 worker_a）" in response.text
    assert _db(site).execute("SELECT COUNT(*) FROM users WHERE username = 'other'").fetchone()[0] == 0


# --- ledger import -------------------------------------------------------------------------------------------

def _ledger_csv() -> bytes:
    good = [id_with_check_digit(f"5002421988050{i}00{i}") for i in (1, 2, 3)]
    lines = [
        "编号,姓名,身份证号码,联系电话,户籍省份,户籍区县,帮扶身份,文化程度,意向工种",
        f"L-1,张一,{good[0]},13700000001,重庆市,酉阳县,脱贫享受政策人口,初中,电焊工",
        f"L-2,张二,{good[1]},13700000002,重庆市,酉阳,一般农村劳动力,高中,叉车司机",
        "L-3,张三,5002421988,13700000003,重庆市,酉阳,脱贫享受政策人口,初中,缝纫工",
        f"L-4,张四,{good[2]},13700000004,重庆市,酉阳,低保对象,小学,保洁",
        "L-5,张五,,12345,重庆市,酉阳,脱贫享受政策人口,初中,普工",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def test_import_gbk_csv_reports_bad_rows(site, world):
    page = site.login("staff")
    page.get("/staff/imports")
    response = page.post("/staff/imports", {"kind": "workers",
                                            "file": (io.BytesIO(_ledger_csv()), "三月台账.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 302, response.text[:3000]
    site.app.extensions["import_jobs"].wait(60)  # the import ran in the background
    report = page.get(response.headers["Location"])
    html = report.text
    assert "三月台账.csv" in html and "已完成" in html
    assert re.search(r"<strong>3</strong><span>新增", html)
    assert re.search(r"<strong>2</strong><span>有问题未导入", html)
    rows = re.findall(r"<tr><td>第 (\d+) 行</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]+)</td></tr>", html)
    assert ("4", "L-3", "身份证号") == rows[0][:3] and rows[0][3].strip()
    assert ("6", "L-5", "手机号") == rows[1][:3] and rows[1][3].strip()
    from models.people.workers import get_worker_by_external_id

    db = _db(site)
    assert get_worker_by_external_id(db, "L-1")["hukou_county"] == "酉阳土家族苗族自治县"
    assert get_worker_by_external_id(db, "L-3") is None
    assert "三月台账.csv" in page.get("/staff/imports").text
    xlsx = page.client.get(response.headers["Location"] + "/rejections.xlsx")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [row[:3] for row in sheet.iter_rows(values_only=True)] == [
        ("行号", "编号", "字段"), (4, "L-3", "身份证号"), (6, "L-5", "手机号")]


@pytest.mark.parametrize("name,data,message", [
    ("ledger.txt", b"a,b\n1,2\n", "不支持"),
    ("ledger.csv", b"", "文件是空的"),
    ("ledger.csv", "编号,姓名\r\n".encode("gbk"), "没有数据行"),
    ("ledger.csv", "姓名,电话\r\n张一,13700000001\r\n".encode("gbk"), "缺少必需的列"),
])
def test_import_refuses_wrong_or_empty_files(site, world, data_dir, name, data, message):
    page = site.login("staff")
    page.get("/staff/imports")
    response = page.post("/staff/imports", {"kind": "workers", "file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in _field_block(response.text, "file")
    assert _db(site).execute("SELECT COUNT(*) FROM import_batches").fetchone()[0] == 0
    assert not any((data_dir / "imports").glob("*/*")) if (data_dir / "imports").exists() else True


# --- recommendations and candidates --------------------------------------------------------------------------

def test_recommend_a_job_to_a_worker(site, world):
    """A recommendation waits for the worker's consent (推荐待确认, issue 8): it shows with the staff note on
    the worker's file, with the 记录电话确认 form."""
    page = site.login("staff")
    page.get(f"/staff/workers/{world.workers['A']}")
    response = page.post(f"/staff/workers/{world.workers['A']}/recommend",
                         {"job_id": world.jobs["X1"], "note": "电话说过了", "back": "detail"})
    assert response.status_code == 302
    row = _db(site).execute("SELECT source, status, recommended_by, note FROM applications"
                            " WHERE worker_id = ? AND job_id = ?", (world.workers["A"], world.jobs["X1"])).fetchone()
    assert row == ("staff", "推荐待确认", world.users["staff"], "电话说过了")
    html = page.get(f"/staff/workers/{world.workers['A']}").text
    assert "工作人员推荐" in html and "电焊工" in html and "推荐说明：电话说过了" in html
    assert "记录电话确认" in html
    # a second recommendation of the same job is refused with a message, not an error page
    response = page.post(f"/staff/workers/{world.workers['A']}/recommend",
                         {"job_id": world.jobs["X1"], "back": "detail"})
    assert response.status_code == 302
    assert "已经投递或推荐过" in page.get(response.headers["Location"]).text
    worker_page = site.login("worker_a")
    mine = worker_page.get("/me/applications")
    assert mine.status_code == 200 and "电焊工" in mine.text


def test_scoped_staff_cannot_recommend_out_of_scope(site, world):
    page = site.login("staff_cq")
    page.get(f"/staff/workers/{world.workers['A']}")
    response = page.post(f"/staff/workers/{world.workers['B']}/recommend", {"job_id": world.jobs["Y1"]})
    assert response.status_code == 404
    assert _db(site).execute("SELECT COUNT(*) FROM applications").fetchone()[0] == 0


def test_job_candidates_rank_the_welder_with_reasons(site, world, encoder):
    page = site.login("staff")
    html = page.get(f"/staff/jobs/{world.jobs['X1']}/candidates").text
    assert "冉大山" in html and "马小花" not in html
    card = html[html.index("冉大山"):]
    card = card[:card.index("</article>")]
    assert '<ul class="reasons">' in card and "<li>" in card
    assert "138****5678" in card and ID_A not in html and "13812345678" not in html
    assert "<script>alert(1)</script>" not in html
    assert f'name="job_id" value="{world.jobs["X1"]}"' in card


def test_worker_matches_list_the_welding_job_with_a_recommend_button(site, world, encoder):
    page = site.login("staff")
    html = page.get(f"/staff/workers/{world.workers['A']}/matches").text
    assert "电焊工" in html and "青岛鑫达焊接有限公司" in html
    assert "叉车司机" not in html        # needs 叉车证, which W-A does not have
    assert '<ul class="reasons">' in html and "推荐" in html
    page.post(f"/staff/workers/{world.workers['A']}/recommend", {"job_id": world.jobs["X1"], "back": "matches"})
    html = page.get(f"/staff/workers/{world.workers['A']}/matches").text
    assert "已投递或已推荐过" in html


def test_jobs_registry_search(site, world):
    page = site.login("staff")
    html = page.get("/staff/jobs?q=鑫达").text
    assert "电焊工" in html and "叉车司机" in html and "缝纫工" not in html
    html = page.get("/staff/jobs?city=潍坊").text
    assert "缝纫工" in html and "电焊工" not in html
    assert "&lt;script&gt;" not in html or "<script>alert" not in html
    assert f"/staff/jobs/{world.jobs['Y1']}/candidates" in html


def test_import_jobs_from_xlsx(site, world, data_dir):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["岗位编号", "企业名称", "招聘岗位", "工作地点", "薪资待遇", "招聘人数", "性别要求"])
    sheet.append(["J-N1", "烟台海润食品有限公司", "包装工", "烟台", "5000-6500", 10, "不限"])
    sheet.append(["J-N2", "烟台海润食品有限公司", "分拣工", "上海", "5000-6000", 3, "不限"])
    out = io.BytesIO()
    book.save(out)
    page = site.login("staff")
    page.get("/staff/imports")
    response = page.post("/staff/imports", {"kind": "jobs", "file": (io.BytesIO(out.getvalue()), "../../岗位 台账.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 302, response.text[:2000]
    site.app.extensions["import_jobs"].wait(60)  # the import ran in the background
    html = page.get(response.headers["Location"]).text
    assert re.search(r"<strong>1</strong><span>新增", html)
    assert "第 3 行" in html and "工作城市" in html
    assert "岗位_台账.xlsx" in html    # no path parts, no spaces
    assert not list((data_dir / "imports").glob("*/*"))    # the upload is deleted after its import
    assert "包装工" in page.get("/staff/jobs?q=海润").text


# --- the rulebook world: both doors, one rule ----------------------------------------------------------------

@pytest.fixture
def doors(rulebook, web_app):
    """Any actor of the rulebook world at either door: ``doors.page(key)`` (a signed-in browser-like client)
    and ``doors.api(key, method, url, **kw)`` (the API with the actor's token); ``doors.snapshot()``."""
    from tests.web.conftest import Page

    class Doors:
        world = rulebook

        def page(self, key: str) -> Page:
            client = web_app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = str(rulebook.users[key])
                session["_fresh"] = True
            return Page(client)

        def api(self, key: str, method: str, url: str, **kw):
            headers = {"Authorization": f"Bearer {rulebook.tokens[key]}"}
            return web_app.test_client().open(url, method=method, headers=headers, **kw)

        def snapshot(self) -> dict:
            from models.store.config import data_dir
            from tests.rulebook_world import snapshot

            return snapshot(data_dir() / "tongbang.db")

    return Doors()


def _rulebook_form(key: str, **changes) -> dict:
    from tests.rulebook_world import WORKERS

    form = {name: WORKERS[key].get(name, "") for name in NEW_WORKER}
    form.update(changes)
    return form


def test_finding_4_a_worker_of_another_county_is_not_registered_by_page_or_api(doors):
    """County staff (酉阳) registering a worker of 东乡: the page shows the reason on 户籍区县, the API answers
    403 on hukou_county, and neither writes anything."""
    before = doors.snapshot()
    record = _rulebook_form("B", external_id="W-NEW", name="马小梅", id_number="", phone="13987650000")
    page = doors.page("county_staff")
    response = page.post("/staff/workers/new", record, from_url="/staff/workers/new")
    assert response.status_code == 200
    block = _field_block(response.text, "hukou_county")
    assert "东乡族自治县" in block and "不在您负责的范围" in block
    body = {k: v for k, v in record.items() if v}
    response = doors.api("county_staff", "POST", "/api/v1/workers", json=body)
    assert response.status_code == 403 and response.get_json()["error"]["field"] == "hukou_county"
    assert doors.snapshot() == before
    # the same record of their own county goes through both doors
    own = dict(record, hukou_province="重庆市", hukou_county="酉阳")
    assert page.post("/staff/workers/new", own, from_url="/staff/workers/new").status_code == 302
    response = doors.api("county_staff", "POST", "/api/v1/workers",
                         json=dict(body, hukou_province="重庆市", hukou_county="酉阳", external_id="W-NEW2",
                                   phone="13987650001"))
    assert response.status_code == 201, response.get_json()


def test_finding_4_a_workers_hukou_is_not_moved_out_of_scope_by_page_or_api(doors):
    """County staff editing their own worker A into 东乡, or editing B of 东乡 at all: refused alike."""
    world = doors.world
    a, b = world.workers["A"], world.workers["B"]
    before = doors.snapshot()
    page = doors.page("county_staff")
    moved = _rulebook_form("A", hukou_province="甘肃省", hukou_county="东乡县", id_number="")
    response = page.post(f"/staff/workers/{a}/edit", moved, from_url=f"/staff/workers/{a}/edit")
    assert response.status_code == 200
    assert "不在您负责的范围" in _field_block(response.text, "hukou_county")
    response = doors.api("county_staff", "PATCH", "/api/v1/workers/W-A",
                         json={"hukou_province": "甘肃省", "hukou_county": "东乡县"})
    assert response.status_code == 403 and response.get_json()["error"]["field"] == "hukou_county"
    assert page.get(f"/staff/workers/{b}/edit").status_code == 403
    assert page.post(f"/staff/workers/{b}/edit", _rulebook_form("B", phone="13900000000")).status_code == 403
    assert doors.api("county_staff", "PATCH", "/api/v1/workers/W-B", json={"phone": "13900000000"}).status_code == 403
    assert doors.snapshot() == before


def test_phone_consent_on_the_workers_file(doors):
    """记录电话确认: a pending recommendation shows with the staff note; the note is required; the consent
    turns it into an application (audited); staff of another place cannot record it."""
    from models.hiring.applications import get_application

    world = doors.world
    rec, a = world.applications["rec-A-Y2"], world.workers["A"]
    page = doors.page("county_staff")
    html = page.get(f"/staff/workers/{a}").text
    assert "推荐说明：包吃住，离老乡近" in html and f"/staff/applications/{rec}/consent" in html
    response = page.post(f"/staff/applications/{rec}/consent", {"note": "  "})
    assert response.status_code == 200 and "请写明" in response.text
    db = _db(None)
    assert get_application(db, rec)["status"] == "推荐待确认"
    assert doors.page("city_staff").post(f"/staff/applications/{rec}/consent", {"note": "同意"},
                                         from_url="/staff/").status_code == 404
    response = page.post(f"/staff/applications/{rec}/consent", {"note": "12月2日电话，本人同意"},
                         from_url=f"/staff/workers/{a}")
    assert response.status_code == 302
    row = get_application(db, rec)
    assert (row["status"], row["consent_via"]) == ("待处理", "staff_phone")
    assert db.execute("SELECT user_id FROM audit_log WHERE action = 'application.consent'").fetchall() == \
        [(world.users["county_staff"],)]
    assert f"/staff/applications/{rec}/consent" not in page.get(f"/staff/workers/{a}").text


def test_a_county_only_account_sees_no_closed_posting_of_a_city(doors):
    page = doors.page("county_staff")
    assert "装配工" not in page.get("/staff/jobs?status=closed").text
    assert "装配工" in doors.page("admin").get("/staff/jobs?status=closed").text
    assert "装配工" in doors.page("city_staff").get("/staff/jobs?status=closed").text
    html = page.get("/staff/workers").text
    assert "冉大山" in html and "白云秀" in html and "马小花" not in html


def test_city_staff_see_candidates_they_do_not_cover_masked(doors, encoder):
    from tests.rulebook_world import ID_A

    world = doors.world
    html = doors.page("city_staff").get(f"/staff/jobs/{world.jobs['Y2']}/candidates").text
    assert "白云秀" not in html and "13700001111" not in html      # C: not theirs, not related to 青岛
    html = doors.page("city_staff").get(f"/staff/jobs/{world.jobs['X1']}/candidates").text
    assert "冉大山" in html and ID_A[:6] not in html and f"/staff/workers/{world.workers['A']}\"" not in html
    html = doors.page("county_staff").get(f"/staff/jobs/{world.jobs['X1']}/candidates").text
    assert f"/staff/workers/{world.workers['A']}\"" in html and ID_A[:6] + "********" in html


def test_a_filter_the_registry_refuses_is_shown_next_to_it(doors):
    html = doors.page("county_staff").get("/staff/workers?status=贫困户").text
    assert "帮扶身份只能是" in _field_block(html, "status") and "冉大山" not in html
    html = doors.page("county_staff").get("/staff/jobs?status=deleted").text
    assert "岗位状态只能是" in _field_block(html, "status") and "电焊工" not in html
