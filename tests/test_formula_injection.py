"""Formula injection (issue 9, finding 4): every .xlsx and .csv the platform writes, through every door (page
and API), with a worker, an employer, a posting, a ledger 编号 and a 数据比对 name that are formulas. No cell
of any download may be a formula, nor text a spreadsheet program would run as one.

``test_every_export_route_is_checked`` fails when a new download route appears without a case here."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from models.intake.spreadsheets import FORMULA_STARTS, csv_rows, safe_cell

EVIL_NAME = '=HYPERLINK("http://evil.example/x","点此")'
EVIL_EMPLOYER = "+cmd|' /C calc'!A0"
EVIL_TITLE = "-2+3"
EVIL_CITY_NOTE = "@SUM(A1:A9)"
EVIL_ID = "=1+1"
EVIL_LIST_NAME = "\t=2*3"


@pytest.fixture
def staged(data_dir):
    """A store holding the evil values where every export shows them, an admin with a session and a token."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from placement_factory import make_job, make_user, make_worker

    from app import create_app
    from models.access import EVERYTHING
    from models.intake import ledger
    from models.people.api_tokens import create_token
    from models.placement.comparison import compare_file
    from models.placement.follow_ups import record_follow_up
    from models.placement.placements import create_placement
    from models.store import clock
    from models.store.db import connect

    app = create_app({"TESTING": True, "START_SCHEDULER": False, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    db = connect()
    today = clock.today()
    start = today - timedelta(days=150)
    worker = make_worker(db, EVIL_NAME, province="甘肃省", county="东乡族自治县", status="脱贫享受政策人口",
                         id_number="622926199001011234"[:17] + "X")
    job = make_job(db, EVIL_TITLE, employer=EVIL_EMPLOYER, city="青岛")
    placement = create_placement(db, worker, job_id=job, start_date=start.isoformat())
    record_follow_up(db, placement, date=(start + timedelta(days=100)).isoformat(), channel="电话",
                     still_employed=True, note=EVIL_CITY_NOTE, today=today)
    admin = make_user(db, "boss", "admin")
    _, token = create_token(db, admin)
    # A ledger whose 编号 is a formula: its row is rejected, the 编号 lands in rejections.xlsx.
    path = data_dir.parent / "evil.csv"
    path.write_text(f"编号,姓名,户籍省份,户籍区县,手机号\n{EVIL_ID},张三,重庆市,酉阳,12345\n", encoding="utf-8")
    batch = ledger.import_file(db, "workers", path, scope=EVERYTHING, user_id=admin, progress=False).batch_id
    comparison = compare_file(db, "名单.csv", f"身份证号,姓名\n622926199001011234,{EVIL_LIST_NAME}\n".encode(),
                              list_status="脱贫享受政策人口", scope=EVERYTHING, user_id=admin).batch_id
    db.conn.close()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(admin)
        session["_fresh"] = True
    return {"app": app, "client": client, "token": token, "batch": batch, "comparison": comparison,
            "year": today.year}


# Every download route: its URL in the staged world, and the evil texts it must carry (neutralised).
EXPORTS = {
    "/staff/reports/subsidy.xlsx": (lambda s: "/staff/reports/subsidy.xlsx", (EVIL_NAME, EVIL_EMPLOYER, EVIL_TITLE)),
    "/api/v1/reports/subsidy.xlsx": (lambda s: "/api/v1/reports/subsidy.xlsx", (EVIL_NAME, EVIL_EMPLOYER, EVIL_TITLE)),
    "/staff/reports/annual/<int:year>.xlsx": (lambda s: f"/staff/reports/annual/{s['year']}.xlsx",
                                              (EVIL_NAME, EVIL_EMPLOYER)),
    "/api/v1/reports/annual/<int:year>.xlsx": (lambda s: f"/api/v1/reports/annual/{s['year']}.xlsx",
                                               (EVIL_NAME, EVIL_EMPLOYER)),
    "/staff/imports/<int:batch_id>/rejections.xlsx": (lambda s: f"/staff/imports/{s['batch']}/rejections.xlsx",
                                                      (EVIL_ID,)),
    "/staff/comparison/<int:batch_id>.xlsx": (lambda s: f"/staff/comparison/{s['comparison']}.xlsx",
                                              (EVIL_LIST_NAME.strip(),)),
    "/api/v1/comparisons/<int:batch_id>.xlsx": (lambda s: f"/api/v1/comparisons/{s['comparison']}.xlsx",
                                                (EVIL_LIST_NAME.strip(),)),
    # the programme's workbooks (issue 13), written through the same helper
    **{rule: (lambda s, u=url: u, (EVIL_NAME,)) for rule, url in (
        ("/staff/subsidies.xlsx", "/staff/subsidies.xlsx"), ("/api/v1/subsidies.xlsx", "/api/v1/subsidies.xlsx"),
        ("/staff/certificates/county.xlsx", "/staff/certificates/county.xlsx?county=东乡族自治县"),
        ("/api/v1/certificates/county.xlsx", "/api/v1/certificates/county.xlsx?county=东乡族自治县"),
    )},
    # the exchange workbook selects workers by county code, which the staged worker lacks: no evil row in it,
    # but its headers and notes are still checked (models.programme.exchange writes through append_row)
    **{rule: (lambda s, u=url: u, ()) for rule, url in (
        ("/staff/exchange.xlsx", "/staff/exchange.xlsx?county=东乡族自治县"),
        ("/api/v1/exchange.xlsx", "/api/v1/exchange.xlsx?county=东乡族自治县"))},
}
#: Routes ending in .xlsx/.csv not downloaded here, with the reason.
NOT_EXPORTS: set[str] = {
    "/staff/reports/saved/<name>",  # the annual workbook the scheduler saved: build_annual_workbook, tested above
    # 点对点 passenger lists: models.programme.batches writes them with append_row; the staged world has no batch
    "/staff/batches/<int:batch_id>/passengers.xlsx", "/api/v1/batches/<int:batch_id>/passengers.xlsx",
}


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))  # not data_only: a formula would show as its formula text
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield cell


@pytest.mark.parametrize("rule", sorted(EXPORTS))
def test_no_export_holds_a_formula(staged, rule):
    url, evil = EXPORTS[rule]
    headers = {"Authorization": f"Bearer {staged['token']}"} if rule.startswith("/api/") else {}
    response = staged["client"].get(url(staged), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    cells = list(_cells(response.data))
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for cell in cells:
        assert cell.data_type != "f", (rule, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (rule, cell.coordinate, cell.value)
    for value in evil:  # the evil text is there, as text, so the test really saw it
        assert any(value in text for text in texts), (rule, value, texts[:40])


def test_every_export_route_is_checked(staged):
    routes = {r.rule for r in staged["app"].url_map.iter_rules() if r.rule.endswith((".xlsx", ".csv"))}
    assert routes - NOT_EXPORTS == set(EXPORTS), routes ^ set(EXPORTS)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_safe_cell_and_csv(value):
    assert safe_cell(value) == "'" + value
    import csv

    assert next(csv.reader(io.StringIO(csv_rows([[value, 5, "普通文字"]]))))[0] == "'" + value
    assert safe_cell("普通文字") == "普通文字" and safe_cell(-3) == -3 and safe_cell(None) is None
