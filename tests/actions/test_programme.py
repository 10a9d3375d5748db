"""The programme around the match, against the rulebook world: subsidies as configuration (the file checked,
due / claimed / paid per placement, cannot-combine, scope), 务工证明 (PDF text read back with pypdf, masked ID
per the reader, sign-off, county workbook) and 点对点 batches (scope, hired passengers only, masked and full
lists with audited reveals, arrivals, counts, the job page's batches)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from models.actions import ActionError
from models.actions import batches as batch_actions
from models.actions import certificates as certificate_actions
from models.actions import subsidies as subsidy_actions
from models.hiring.jobs import get_job
from models.placement.follow_ups import record_follow_up
from models.placement.placements import create_placement
from models.programme import subsidies
from models.programme.batches import batches_for_job
from tests import rulebook_world as rw

TODAY = "2026-12-02 02:00:00"


@pytest.fixture
def store(rulebook, db):
    """The world plus a 3-month confirmation of D at X1 (东乡, 脱贫, 甘肃, in 青岛: the Gansu transport subsidy
    is due) and of C in 烟台 (重庆 低保: nothing due)."""
    for placement, on in (("D-X1", "2026-09-15"), ("C-out", "2026-11-05")):
        record_follow_up(db, rulebook.placements[placement], date=on, channel="电话", still_employed=True,
                         today=date(2026, 12, 2))
    return db


def who(world, db, key):
    return world.user(db, key)


def refused(kind, call, *args, **kwargs) -> ActionError:
    with pytest.raises(ActionError) as err:
        call(*args, **kwargs)
    assert err.value.kind == kind, err.value.message
    return err.value


def audit_actions(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]


# --- subsidies: the configuration ------------------------------------------------------------------------------

def test_shipped_configuration_loads_and_the_transport_subsidy_is_one_case():
    catalogue = subsidies.load()
    assert {"transport_gansu", "employer_hiring", "training_living"} <= set(catalogue.subsidies)
    transport = subsidies.transport()
    assert (transport.min_months, transport.provinces, transport.document) == (3, ("甘肃省",), "甘人社通〔2024〕155号")
    # cannot_combine is written once in the file and holds both ways
    assert "transport_gansu" in catalogue.get("transport_shandong").cannot_combine
    for s in catalogue:
        assert s.evidence and s.document and s.payer


def test_a_broken_configuration_names_each_entry_field_and_reason(tmp_path):
    path = tmp_path / "subsidies.toml"
    path.write_text("""
[[subsidy]]
key = "a"
name = "甲"
kind = "交通补贴"
recipient = "worker"
payer = "县人社局"
trigger = "placement"
min_months = -1
statuses = ["贫困户"]
counties = ["重庆市 不存在县"]
evidence = ["务工证明"]
cannot_combine = ["nope"]
document = "某文件"
colour = "red"

[[subsidy]]
key = "b"
name = "乙"
kind = "交通补贴"
recipient = "company"
payer = "县人社局"
trigger = "placement"
min_months = 3
evidence = []
document = "某文件"
""", encoding="utf-8")
    with pytest.raises(subsidies.SubsidyConfigError) as err:
        subsidies.load(path)
    text = str(err.value)
    for expected in ("第 1 项（a）字段 min_months", "第 1 项（a）字段 statuses：“贫困户”不是帮扶身份",
                     "第 1 项（a）字段 counties", "第 1 项（a）字段 colour：不认识这个字段",
                     "第 2 项（b）字段 recipient", "第 2 项（b）字段 evidence"):
        assert expected in text, text
    path.write_text("[[subsidy]\nkey = 1", encoding="utf-8")
    with pytest.raises(subsidies.SubsidyConfigError, match="格式错误"):
        subsidies.load(path)


def test_the_app_does_not_start_on_a_broken_subsidy_file(data_dir, tmp_path, monkeypatch):
    from app import create_app

    broken = tmp_path / "subsidies.toml"
    broken.write_text('[[subsidy]]\nkey = "x"\n', encoding="utf-8")
    monkeypatch.setenv("TONGBANG_SUBSIDIES_FILE", str(broken))
    with pytest.raises(subsidies.SubsidyConfigError, match="第 1 项（x）字段 name"):
        create_app({"TESTING": True, "START_SCHEDULER": False})


def test_amounts_by_county_before_province(tmp_path):
    path = tmp_path / "subsidies.toml"
    path.write_text("""
[[subsidy]]
key = "t"
name = "交通补贴"
kind = "交通补贴"
recipient = "worker"
payer = "县人社局"
trigger = "placement"
min_months = 3
evidence = ["务工证明"]
document = "某文件"
[subsidy.amounts]
"重庆市" = 300
"重庆市 酉阳" = 500
""", encoding="utf-8")
    rule = subsidies.load(path).get("t")
    assert rule.amount_for("重庆市", "酉阳土家族苗族自治县") == 500
    assert rule.amount_for("重庆市", "秀山土家族苗族自治县") == 300
    assert rule.amount_for("甘肃省", "东乡族自治县") is None and rule.amount_text("甘肃省", "东乡族自治县") == "以当地标准为准"


# --- subsidies: due, claimed, paid ------------------------------------------------------------------------------

@freeze_time(TODAY)
def test_due_claimed_paid_within_scope_and_never_combined(rulebook, store):
    d_x1 = rulebook.placements["D-X1"]
    admin, city, county = (who(rulebook, store, k) for k in ("admin", "city_staff", "county_staff"))
    due = {(r["name"], r["subsidy_key"]): r["state"] for r in subsidy_actions.list_for(store, admin)}
    # D (甘肃 脱贫, 3 months confirmed, works in 山东): the Gansu and the Shandong transport subsidies are due; C
    # (低保) nothing; nothing at 6 months yet
    assert due == {("马德福", "transport_gansu"): "due", ("马德福", "transport_shandong"): "due"}
    assert subsidy_actions.list_for(store, county) == []          # 酉阳 staff do not cover D or 青岛
    assert len(subsidy_actions.list_for(store, city)) == 2

    refused("not_found", subsidy_actions.mark_claimed, store, county, d_x1, "transport_gansu")
    refused("forbidden", subsidy_actions.list_for, store, who(rulebook, store, "worker"))
    refused("invalid", subsidy_actions.mark_claimed, store, city, d_x1, "no_such_subsidy")
    refused("conflict", subsidy_actions.mark_paid, store, city, d_x1, "transport_gansu", amount_yuan=500)
    refused("conflict", subsidy_actions.mark_claimed, store, city, d_x1, "work_allowance")  # 6 months not reached
    refused("conflict", subsidy_actions.mark_claimed, store, admin, rulebook.placements["C-out"], "transport_chongqing")

    row = subsidy_actions.mark_claimed(store, city, d_x1, "transport_gansu", claimed_on="2026-11-20")
    assert (row["state"], row["claimed_on"]) == ("claimed", "2026-11-20")
    refused("conflict", subsidy_actions.mark_claimed, store, city, d_x1, "transport_gansu")
    err = refused("conflict", subsidy_actions.mark_claimed, store, city, d_x1, "transport_shandong")
    assert "不能与已申领的一次性交通补贴同时享受" in err.message
    states = {r["subsidy_key"]: r["state"] for r in subsidy_actions.list_for(store, admin)}
    assert states == {"transport_gansu": "claimed", "transport_shandong": "excluded"}

    err = refused("invalid", subsidy_actions.mark_paid, store, city, d_x1, "transport_gansu")
    assert err.field == "amount_yuan"                              # no amount configured for 东乡: say how much
    refused("invalid", subsidy_actions.mark_paid, store, city, d_x1, "transport_gansu", amount_yuan=500,
            paid_on="2026-11-01")                                  # before the claim
    row = subsidy_actions.mark_paid(store, city, d_x1, "transport_gansu", amount_yuan=500, paid_on="2026-12-01")
    assert (row["state"], row["amount_yuan"], row["paid_on"]) == ("paid", 500, "2026-12-01")
    assert audit_actions(store)[-2:] == ["subsidy.claimed", "subsidy.paid"]

    paid = load_workbook(subsidy_actions.workbook(store, admin, state="paid")).active
    assert [c.value for c in paid[3]][:2] == ["一次性交通补贴", "马德福"] and paid.max_row == 3


@freeze_time(TODAY)
def test_eligible_for_a_worker_and_for_a_job(rulebook, store):
    d = subsidies.eligible_for(store, rulebook.workers["D"])
    by_key = {e["key"]: e for e in d}
    assert by_key["transport_gansu"]["from_date"] == "2026-09-01" and by_key["transport_gansu"]["state"] == "due"
    assert by_key["work_allowance"]["state"] == "pending" and by_key["work_allowance"]["from_date"] == "2026-12-01"
    assert "employer_hiring" not in by_key and "training_living" not in by_key   # not the worker's, not by placement
    job = get_job(store, rulebook.jobs["X1"])
    a = {e["key"]: e for e in subsidies.eligible_for(store, rulebook.workers["A"], job)}  # 重庆 脱贫, not placed
    assert set(a) == {"transport_chongqing", "transport_shandong", "work_allowance"}
    assert a["transport_chongqing"]["from_text"] == "入职并连续工作满 3 个月后可申领"
    assert subsidies.eligible_for(store, rulebook.workers["C"], job) == []          # 低保: none of them
    assert subsidy_actions.for_worker(store, who(rulebook, store, "worker"), rulebook.workers["A"]) == []  # no job yet
    assert {e["key"] for e in subsidy_actions.for_worker(store, who(rulebook, store, "admin"), rulebook.workers["D"])} \
        == set(by_key)
    refused("not_found", subsidy_actions.for_worker, store, who(rulebook, store, "other_worker"), rulebook.workers["A"])


# --- 务工证明 ----------------------------------------------------------------------------------------------------

def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@freeze_time(TODAY)
def test_certificate_pdf_says_what_the_home_county_needs(rulebook, store):
    store.execute("UPDATE employers SET credit_code = '91370200MA3C1234XK' WHERE id = ?", (rulebook.employers["X"],))
    admin, city = who(rulebook, store, "admin"), who(rulebook, store, "city_staff")
    text = pdf_text(certificate_actions.pdf(store, admin, rulebook.placements["D-X1"]))
    for expected in ("务工证明", "马德福", "622926********", "青岛鑫达焊接有限公司", "91370200MA3C1234XK", "2026-06-01",
                     "已连续工作月数6", "目前仍在岗（2026-09-15 回访确认）", "8000–12000 元/月", "未签发"):
        assert expected in text.replace(" ", "").replace("\n", "") or expected in text, (expected, text)
    assert rw.ID_D not in text
    # city staff cover the placement, not 东乡: the certificate leaves the ID number out
    city_text = pdf_text(certificate_actions.pdf(store, city, rulebook.placements["D-X1"]))
    assert "622926" not in city_text and "仅户籍地工作人员可见" in city_text
    refused("not_found", certificate_actions.pdf, store, who(rulebook, store, "county_staff"), rulebook.placements["D-X1"])
    refused("not_found", certificate_actions.pdf, store, who(rulebook, store, "worker"), rulebook.placements["D-X1"])

    signed = certificate_actions.sign(store, city, rulebook.placements["D-X1"])
    assert signed["signed_by"] == "city_staff" and signed["signed_on"] == "2026-12-02"
    text = pdf_text(certificate_actions.pdf(store, admin, rulebook.placements["D-X1"]))
    assert "city_staff，2026-12-02" in text and "未签发" not in text
    assert {"certificate.signed", "certificate.issued"} <= set(audit_actions(store))


@freeze_time(TODAY)
def test_certificate_of_someone_who_left_and_the_county_workbook(rulebook, store):
    county = who(rulebook, store, "county_staff")
    from models.actions import placements as placement_actions

    placement_actions.end_placement(store, county, rulebook.placements["C-out"], end_date="2026-11-20")
    data = certificate_actions.get(store, county, rulebook.placements["C-out"])
    assert (data["still_employed"], data["end_date"], data["months_worked"]) == (False, "2026-11-20", 3)
    assert data["pay_range"] == "未登记" and data["credit_code"] == "未登记"
    sheet = load_workbook(certificate_actions.county_workbook(store, county, "酉阳")).active
    assert sheet["A1"].value.startswith("重庆市酉阳土家族苗族自治县 务工证明汇总（1 人次")
    assert sheet["B3"].value == "白云秀" and sheet["C3"].value.startswith("500242") and "*" in sheet["C3"].value
    assert "已于 2026-11-20 离职" in [c.value for c in sheet[3]]
    refused("forbidden", certificate_actions.county_workbook, store, county, "甘肃省东乡")
    err = refused("invalid", certificate_actions.county_workbook, store, county, "不存在县")
    assert err.field == "county"


# --- 点对点输送 ---------------------------------------------------------------------------------------------------

@freeze_time(TODAY)
def test_batch_from_county_to_city(rulebook, store):
    county, city, admin = (who(rulebook, store, k) for k in ("county_staff", "city_staff", "admin"))
    refused("forbidden", batch_actions.create, store, county, departure_county="甘肃省东乡", city="烟台",
            depart_date="2026-12-10", mode="bus")
    err = refused("invalid", batch_actions.create, store, county, departure_county="酉阳", city="北京",
                  depart_date="2026-12-10", mode="bus")
    assert err.field == "city"
    refused("invalid", batch_actions.create, store, county, departure_county="酉阳", city="青岛",
            depart_date="2026-12-10", mode="ship")
    batch = batch_actions.create(store, county, departure_county="酉阳", city="青岛市", depart_date="2026-12-10",
                                 mode="bus", carrier="酉阳客运公司", escorts="张干事 13800001111、李干事",
                                 pickup_note="青岛北站接站", housing_note="厂区宿舍四人间")
    assert (batch["departure_county"], batch["city"], batch["escorts"]) == \
        ("酉阳土家族苗族自治县", "青岛", ["张干事 13800001111", "李干事"])

    # A (酉阳) is not hired yet: not a passenger; once placed at X1 (青岛) they are
    err = refused("conflict", batch_actions.add_passenger, store, county, batch["id"], worker_external_id="W-A")
    assert "录用" in err.message
    refused("not_found", batch_actions.add_passenger, store, county, batch["id"], worker_external_id="W-D")
    create_placement(store, rulebook.workers["A"], job_id=rulebook.jobs["X1"], start_date="2026-12-01")
    assert [c["external_id"] for c in batch_actions.candidates(store, county, batch["id"])] == ["W-A"]
    batch = batch_actions.add_passenger(store, county, batch["id"], worker_external_id="W-A")
    assert [p["worker_external_id"] for p in batch["passenger_list"]] == ["W-A"]
    # A is told in 我的消息 (issue 12): when, from where, how, to where, where to be met
    told = store.execute("SELECT kind, text FROM messages WHERE worker_id = ? AND kind = 'batch'",
                         (rulebook.workers["A"],)).fetchall()
    assert len(told) == 1 and "2026-12-10" in told[0][1] and "青岛北站接站" in told[0][1]
    refused("conflict", batch_actions.add_passenger, store, county, batch["id"], worker_external_id="W-A")

    # the carrier's list is masked; the full list shows the ID in full to 酉阳 staff (audited), masked to 青岛 staff
    carrier = load_workbook(batch_actions.passenger_workbook(store, county, batch["id"])).active
    row = [c.value for c in carrier[3]]
    assert row[1] == "冉**" and rw.ID_A not in row and "13812345678" not in row and row[3].startswith("138")
    full = [c.value for c in load_workbook(batch_actions.passenger_workbook(store, county, batch["id"], full=True)).active[3]]
    assert full[1:4] == ["冉大山", rw.ID_A, "13812345678"]
    assert audit_actions(store)[-2:] == ["worker.reveal_id", "batch.full_list"]
    city_full = [c.value for c in load_workbook(batch_actions.passenger_workbook(store, city, batch["id"], full=True)).active[3]]
    assert city_full[1] == "冉大山" and city_full[2] != rw.ID_A and "*" in city_full[2]

    # arrival: not before departure, not in the future, once
    refused("invalid", batch_actions.confirm_arrival, store, city, batch["id"], worker_external_id="W-A",
            arrived_on="2026-12-09")
    with freeze_time("2026-12-11 03:00:00"):
        batch = batch_actions.confirm_arrival(store, city, batch["id"], worker_external_id="W-A")
        assert batch["passenger_list"][0]["arrived_on"] == "2026-12-11" and batch["arrived"] == 1
        refused("conflict", batch_actions.confirm_arrival, store, city, batch["id"], worker_external_id="W-A")
    refused("forbidden", batch_actions.get, store, who(rulebook, store, "other_employer"), batch["id"])

    assert batch_actions.summary(store, admin)["arrived"] == 1
    assert batch_actions.summary(store, county)["routes"] == [
        {"departure_county": "酉阳土家族苗族自治县", "city": "青岛", "batches": 1, "passengers": 1, "arrived": 1}]
    # a staff member covering neither end sees no batch
    from models.people.users import create_user

    create_user(store, "yantai_staff", rw.PASSWORD, "staff", scope_cities=["烟台"])
    yantai = store.execute("SELECT * FROM users WHERE username = 'yantai_staff'")
    yantai = dict(zip([c[0] for c in yantai.description], yantai.fetchone()))
    assert batch_actions.list_for(store, yantai) == []
    refused("not_found", batch_actions.get, store, yantai, batch["id"])

    # the job page: batches still to leave for the posting's city
    x1 = get_job(store, rulebook.jobs["X1"])
    assert [b["name"] for b in batches_for_job(store, x1)] == ["酉阳土家族苗族自治县→青岛 2026-12-10"]
    assert batches_for_job(store, x1, today=date(2026, 12, 11)) == []
    assert "passenger_list" not in batches_for_job(store, x1)[0]


# --- exchange with partner provinces ------------------------------------------------------------------------------

@freeze_time(TODAY)
def test_exchange_workbook_per_county_in_the_ledger_layout(rulebook, store, data_dir):
    from models.access import SYSTEM
    from models.actions import exchange as exchange_actions
    from models.actions.imports import import_ledger
    from models.intake.records import WORKER_FIELDS

    county, city = who(rulebook, store, "county_staff"), who(rulebook, store, "city_staff")
    assert [c["county"] for c in exchange_actions.counties_for(store, county)] == ["酉阳土家族苗族自治县"]
    assert exchange_actions.counties_for(store, city) == []
    refused("forbidden", exchange_actions.county_workbook, store, city, "酉阳")
    refused("invalid", exchange_actions.county_workbook, store, county, "东乡")      # two provinces: say which
    refused("forbidden", exchange_actions.export_quarter, store, county)

    masked = load_workbook(exchange_actions.county_workbook(store, county, "酉阳")[1])
    assert rw.ID_A not in {c for ws in masked.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    name, content = exchange_actions.county_workbook(store, county, "酉阳", reveal_ids=True)
    assert name == "重庆市酉阳土家族苗族自治县_2026-12-02.xlsx"
    wb = load_workbook(content)
    assert wb.sheetnames == ["已就业", "未就业", "说明"]
    placed, waiting = wb["已就业"], wb["未就业"]
    headers = [c.value for c in placed[1]]
    assert headers[:4] == ["编号", "姓名", "身份证号", "手机号"] and "就业状态" in headers
    assert all(WORKER_FIELDS[f].label in headers for f in ("hukou_county", "assistance_status", "skills"))
    rows = {r[0]: dict(zip(headers, r)) for ws in (placed, waiting) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"W-A", "W-C"}                                   # 酉阳's workers only
    assert rows["W-C"]["就业状态"] == "在岗" and rows["W-C"]["用人单位"] == "烟台某食品厂"
    assert [r[0] for r in placed.iter_rows(min_row=2, values_only=True)] == ["W-C"]
    assert rows["W-A"]["就业状态"] == "未就业" and rows["W-A"]["身份证号"] == rw.ID_A   # revealed, to 酉阳 staff
    assert rows["W-A"]["技能"] == "电焊、气保焊"
    reveals = store.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'worker.reveal_id'"
                            " AND detail LIKE '%exchange%'").fetchone()[0]
    assert reveals == 2 and audit_actions(store)[-1] == "exchange.exported"

    # the file is a ledger Tongbang imports: its first sheet imports back with nothing changed or refused
    path = data_dir / "exchange.xlsx"
    content.seek(0)
    path.write_bytes(content.getvalue())
    result = import_ledger(store, SYSTEM, "workers", path)
    assert (result.rejected, result.added, result.updated, result.unchanged) == (0, 0, 0, 1), result.rejections

    # quarterly, by the scheduler: every county with workers, into exchange/2026Q4/
    done = exchange_actions.export_quarter(store, SYSTEM)
    assert done["files"] == 2
    assert sorted(p.name for p in (data_dir / "exchange" / "2026Q4").iterdir()) == \
        ["甘肃省东乡族自治县.xlsx", "重庆市酉阳土家族苗族自治县.xlsx"]


def test_quarterly_exchange_job_runs_once_per_quarter():
    from datetime import datetime

    from app import scheduler as sched

    spec = sched.JOBS["partner_exchange"]
    assert spec.period(datetime(2026, 11, 3, 8)) == "2026Q4" and spec.period(datetime(2027, 1, 1, 5)) == "2027Q1"
    assert spec.is_due(datetime(2026, 10, 1, 5, 0)) and not spec.is_due(datetime(2027, 1, 1, 4, 59))
    assert spec.cron() == {"hour": 5, "minute": 0, "month": "1,4,7,10", "day": 1}
