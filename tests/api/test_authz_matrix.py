"""Every role against every API endpoint: the expected status, and nothing leaks.

Roles: anonymous (no header), bogus (an unknown token), revoked (a revoked token), worker A, worker B,
employer X, employer Y, staff (every county and city), staff_cq (酉阳 only), staff_qd (青岛 only), admin — see
``conftest.world``. Worker A (酉阳) applied to X's open posting J-X1 (青岛); X also has a closed posting J-X2;
Y has J-Y1 (烟台), which staff recommended to worker A (rec-A-JY1, waiting for A), where worker B (东乡, no longer seeking) works (placement B-Y). Worker C (平度) is seeking
and related to nobody.

Conventions the table encodes (``models.errors.ActionError`` kinds): 401 without a valid token; 403 when the
caller may see the thing but not do this to it (or the endpoint is not for their role); 404 when the caller
may not even know the record exists (another worker, a worker of another county who stopped seeking,
another employer's closed posting or applications, anything outside a staff member's counties and cities).
A staff member who does not cover a seeking worker sees them masked, as an employer does.
"""
from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace

import pytest

from tests.rulebook_app import site_fixture

from .conftest import ID_A, ID_B, ID_C, ROLES, build_world

UNAUTH = ("anonymous", "bogus", "revoked")
USERS = ("worker_a", "worker_b", "employer_x", "employer_y", "staff", "staff_cq", "staff_qd", "admin")
STAFF = ("staff", "staff_cq", "staff_qd", "admin")
#: Workers and employers: not for them.
NOT_STAFF = {"worker_a": 403, "worker_b": 403, "employer_x": 403, "employer_y": 403}


def _new_worker(role: str) -> dict:
    return {"external_id": f"W-NEW-{role}", "name": "赵六", "hukou_province": "重庆市",
            "hukou_county": "酉阳县", "education": "初中", "desired_cities": ["青岛"]}


def _new_job(role: str) -> dict:
    body = {"external_id": f"J-NEW-{role}", "title": "叉车司机", "city": "青岛", "salary_min": 5000,
            "salary_max": 7000, "headcount": 2}
    if role in STAFF:
        body["employer_name"] = "青岛鑫达焊接有限公司"
    return body


def _apply_body(role: str) -> dict:
    if role in STAFF:
        return {"job_external_id": "J-Y1", "worker_external_id": "W-C"}
    return {"job_external_id": "J-Y1"}


LEDGER = ('{"external_id": "L1", "name": "赵六", "hukou_province": "重庆市", "hukou_county": "酉阳"}\n'
          '{"external_id": "L2"}\n')


#: A 监测对象 list naming worker C (平度): a comparison proposes a change of C's 帮扶身份.
LIST = f"身份证号,姓名\n{ID_C},王五\n".encode()


class Form(dict):
    """A multipart/form-data body (a file as ``(stream, filename)``) instead of JSON."""


def _ledger_upload(role: str) -> Form:
    return Form(kind="workers", file=(BytesIO(LEDGER.encode()), "台账.jsonl"))


def _list_upload(role: str) -> Form:
    return Form(list_status="防止返贫监测对象", file=(BytesIO(LIST), "名单.csv"))


def _placement_body(role: str) -> dict:
    return {"worker_external_id": "W-C", "employer_name": "潍坊某食品厂", "title": "包装工", "city": "潍坊",
            "start_date": "2026-05-01"}


# (name, method, url or url-maker(world), body-maker(role) or None, {role: status}; users not listed → 200)
MATRIX = [
    ("me", "GET", "/api/v1/me", None, {}),
    ("tokens", "GET", "/api/v1/tokens", None, {}),
    ("tokens.create", "POST", "/api/v1/tokens", lambda role: {"name": "脚本"}, {}),
    ("openapi", "GET", "/api/v1/openapi.json", None, {r: 200 for r in UNAUTH}),
    ("workers.list", "GET", "/api/v1/workers", None, NOT_STAFF),
    ("workers.get A", "GET", "/api/v1/workers/W-A", None, {"worker_b": 404}),
    # B works for Y (placement B-Y): Y sees B's contact details; nobody else but staff covering B
    ("workers.get B (placed, not seeking)", "GET", "/api/v1/workers/W-B", None,
     {"worker_a": 404, "employer_x": 404, "staff_cq": 404, "staff_qd": 404}),
    ("workers.get C", "GET", "/api/v1/workers/W-C", None, {"worker_a": 404, "worker_b": 404}),
    ("workers.get unknown", "GET", "/api/v1/workers/W-NOPE", None, {r: 404 for r in USERS}),
    ("workers.reveal A", "GET", "/api/v1/workers/W-A?reveal=id_number", None,
     {"worker_a": 403, "worker_b": 404, "employer_x": 403, "employer_y": 403, "staff_qd": 403}),
    ("workers.create", "POST", "/api/v1/workers", _new_worker,
     {**NOT_STAFF, "staff": 201, "staff_cq": 201, "staff_qd": 403, "admin": 201}),
    ("workers.update C", "PATCH", "/api/v1/workers/W-C", lambda role: {"expected_salary": 7000},
     {**NOT_STAFF, "staff_cq": 403, "staff_qd": 403}),
    ("workers.account C", "POST", "/api/v1/workers/W-C/account", lambda role: {"password": "wangwu-2026"},
     {**NOT_STAFF, "staff": 201, "staff_cq": 403, "staff_qd": 403, "admin": 201}),
    ("workers.matches A", "GET", "/api/v1/workers/W-A/matches?k=3", None,
     {"worker_b": 404, "employer_x": 403, "employer_y": 403, "staff_qd": 403}),
    ("workers.matches B", "GET", "/api/v1/workers/W-B/matches", None,
     {"worker_a": 404, "employer_x": 404, "employer_y": 403, "staff_cq": 404, "staff_qd": 404}),
    ("jobs.list", "GET", "/api/v1/jobs", None, {}),
    ("jobs.list closed", "GET", "/api/v1/jobs?status=closed", None, {"worker_a": 403, "worker_b": 403}),
    ("jobs.get open", "GET", "/api/v1/jobs/J-X1", None, {}),
    ("jobs.get closed of X", "GET", "/api/v1/jobs/J-X2", None,
     {"worker_a": 404, "worker_b": 404, "employer_y": 404, "staff_cq": 404}),
    ("jobs.create", "POST", "/api/v1/jobs", _new_job, {"worker_a": 403, "worker_b": 403,
                                                       "employer_x": 201, "employer_y": 201, "staff": 201,
                                                       "staff_cq": 403, "staff_qd": 201, "admin": 201}),
    ("jobs.update X1", "PATCH", "/api/v1/jobs/J-X1", lambda role: {"salary_max": 9500},
     {"worker_a": 403, "worker_b": 403, "employer_y": 403, "staff_cq": 403}),
    ("jobs.update closed X2", "PATCH", "/api/v1/jobs/J-X2", lambda role: {"salary_max": 9500},
     {"worker_a": 404, "worker_b": 404, "employer_y": 404, "staff_cq": 404}),
    ("jobs.close Y1", "POST", "/api/v1/jobs/J-Y1/close", None,
     {"worker_a": 403, "worker_b": 403, "employer_x": 403, "staff_cq": 403, "staff_qd": 403}),
    ("jobs.matches X1", "GET", "/api/v1/jobs/J-X1/matches?k=3", None,
     {"worker_a": 403, "worker_b": 403, "employer_y": 403}),
    ("jobs.matches closed X2", "GET", "/api/v1/jobs/J-X2/matches", None,
     {"worker_a": 404, "worker_b": 404, "employer_y": 404, "staff_cq": 404}),
    ("applications.list", "GET", "/api/v1/applications", None, {}),
    ("applications.get A-X1", "GET", lambda w: f"/api/v1/applications/{w.applications['A-JX1']}", None,
     {"worker_b": 404, "employer_y": 404}),
    ("applications.update A-X1", "PATCH", lambda w: f"/api/v1/applications/{w.applications['A-JX1']}",
     lambda role: {"status": "已联系", "note": "已电话联系"},
     {"worker_a": 403, "worker_b": 404, "employer_y": 404}),
    ("applications.create", "POST", "/api/v1/applications", _apply_body,
     {"worker_a": 201, "worker_b": 201, "employer_x": 403, "employer_y": 403, "staff": 201, "staff_cq": 404,
      "staff_qd": 404, "admin": 201}),
    # only the worker answers a recommendation or withdraws; whoever may see the application is 403, others 404
    ("applications.accept rec-A-JY1", "POST", lambda w: f"/api/v1/applications/{w.applications['rec-A-JY1']}/accept",
     None, {"worker_b": 404, "employer_x": 404, "employer_y": 403, "staff": 403, "staff_cq": 403, "staff_qd": 404,
            "admin": 403}),
    ("applications.decline rec-A-JY1", "POST",
     lambda w: f"/api/v1/applications/{w.applications['rec-A-JY1']}/decline", None,
     {"worker_b": 404, "employer_x": 404, "employer_y": 403, "staff": 403, "staff_cq": 403, "staff_qd": 404,
      "admin": 403}),
    ("applications.withdraw A-X1", "POST", lambda w: f"/api/v1/applications/{w.applications['A-JX1']}/withdraw",
     None, {"worker_b": 404, "employer_x": 403, "employer_y": 404, "staff": 403, "staff_cq": 403, "staff_qd": 403,
            "admin": 403}),
    # staff covering the worker record phone consent; the worker and the employer may only look
    ("applications.consent rec-A-JY1", "POST",
     lambda w: f"/api/v1/applications/{w.applications['rec-A-JY1']}/consent",
     lambda role: {"note": "11月2日上午电话确认，本人同意"},
     {"worker_a": 403, "worker_b": 404, "employer_x": 404, "employer_y": 403, "staff_qd": 404}),
    ("jobs.reopen closed X2", "POST", "/api/v1/jobs/J-X2/reopen", None,
     {"worker_a": 404, "worker_b": 404, "employer_y": 404, "staff_cq": 404}),
    ("placements.list", "GET", "/api/v1/placements", None, {}),
    ("placements.get B-Y", "GET", lambda w: f"/api/v1/placements/{w.placements['B-Y']}", None,
     {"worker_a": 404, "employer_x": 404, "staff_cq": 404, "staff_qd": 404}),
    ("placements.create", "POST", "/api/v1/placements", _placement_body,
     {**NOT_STAFF, "staff": 201, "staff_cq": 404, "staff_qd": 404, "admin": 201}),
    ("placements.follow_up B-Y", "POST", lambda w: f"/api/v1/placements/{w.placements['B-Y']}/follow-ups",
     lambda role: {"channel": "电话", "still_employed": True},
     {**NOT_STAFF, "staff": 201, "staff_cq": 404, "staff_qd": 404, "admin": 201}),
    ("placements.end B-Y", "POST", lambda w: f"/api/v1/placements/{w.placements['B-Y']}/end",
     lambda role: {"end_date": "2026-05-01", "leave_reason": "回家照顾老人"},
     {**NOT_STAFF, "staff_cq": 404, "staff_qd": 404}),
    ("reports.annual", "GET", "/api/v1/reports/annual/2026.xlsx", None, NOT_STAFF),
    ("reports.subsidy", "GET", "/api/v1/reports/subsidy.xlsx", None, NOT_STAFF),
    ("comparisons.create", "POST", "/api/v1/comparisons", _list_upload, NOT_STAFF),
    ("comparisons.list", "GET", "/api/v1/comparisons", None, NOT_STAFF),
    ("comparisons.get staff's", "GET", lambda w: f"/api/v1/comparisons/{w.comparison}", None,
     {**NOT_STAFF, "staff_cq": 404, "staff_qd": 404}),
    ("comparisons.apply staff's", "POST", lambda w: f"/api/v1/comparisons/{w.comparison}/apply", None,
     {**NOT_STAFF, "staff_cq": 404, "staff_qd": 404}),
    ("imports.create", "POST", "/api/v1/imports", _ledger_upload, NOT_STAFF),
    ("imports.list", "GET", "/api/v1/imports", None, NOT_STAFF),
    ("imports.get staff's", "GET", lambda w: f"/api/v1/imports/{w.batch}", None,
     {**NOT_STAFF, "staff_cq": 404, "staff_qd": 404}),
    # the programme (B-Y: B (甘肃) at Y in 烟台, not 酉阳's, not 青岛's; no batch 999)
    ("subsidies.list", "GET", "/api/v1/subsidies", None, NOT_STAFF),
    ("subsidies.xlsx", "GET", "/api/v1/subsidies.xlsx", None, NOT_STAFF),
    ("subsidies.claim B-Y (not due: no follow-up)", "POST",
     lambda w: f"/api/v1/placements/{w.placements['B-Y']}/subsidies/transport_gansu/claim", lambda role: {},
     {**NOT_STAFF, "staff": 409, "staff_cq": 404, "staff_qd": 404, "admin": 409}),
    ("workers.subsidies A", "GET", "/api/v1/workers/W-A/subsidies", None,
     {"worker_b": 404, "employer_x": 404, "employer_y": 404, "staff_qd": 404}),
    ("certificates.pdf B-Y", "GET", lambda w: f"/api/v1/placements/{w.placements['B-Y']}/certificate.pdf", None,
     {**NOT_STAFF, "staff_cq": 404, "staff_qd": 404}),
    ("certificates.get B-Y", "GET", lambda w: f"/api/v1/placements/{w.placements['B-Y']}/certificate", None,
     {**NOT_STAFF, "staff_cq": 404, "staff_qd": 404}),
    ("certificates.sign B-Y", "POST", lambda w: f"/api/v1/placements/{w.placements['B-Y']}/certificate/sign",
     lambda role: {}, {**NOT_STAFF, "staff": 201, "staff_cq": 404, "staff_qd": 404, "admin": 201}),
    ("certificates.county 酉阳", "GET", "/api/v1/certificates/county.xlsx?county=酉阳", None,
     {**NOT_STAFF, "staff_qd": 403}),
    ("batches.list", "GET", "/api/v1/batches", None, NOT_STAFF),
    ("batches.summary", "GET", "/api/v1/batches/summary", None, NOT_STAFF),
    ("batches.create", "POST", "/api/v1/batches",
     lambda role: {"departure_county": "酉阳", "city": "青岛", "depart_date": "2026-12-10", "mode": "bus"},
     NOT_STAFF),
    ("batches.get missing", "GET", "/api/v1/batches/999", None, {**NOT_STAFF, **{r: 404 for r in STAFF}}),
    ("batches.add passenger missing", "POST", "/api/v1/batches/999/passengers",
     lambda role: {"worker_external_id": "W-A"}, {**NOT_STAFF, **{r: 404 for r in STAFF}}),
    ("batches.arrival missing", "POST", "/api/v1/batches/999/passengers/W-A/arrival", lambda role: {},
     {**NOT_STAFF, **{r: 404 for r in STAFF}}),
    ("batches.passengers.xlsx missing", "GET", "/api/v1/batches/999/passengers.xlsx", None,
     {**NOT_STAFF, **{r: 404 for r in STAFF}}),
    ("exchange.counties", "GET", "/api/v1/exchange/counties", None, NOT_STAFF),
    ("exchange.xlsx 酉阳", "GET", "/api/v1/exchange.xlsx?county=酉阳", None, {**NOT_STAFF, "staff_qd": 403}),
    ("tokens.revoke B's", "DELETE", lambda w: f"/api/v1/tokens/{w.token_ids['worker_b']}", None,
     {"worker_a": 404, "employer_x": 404, "employer_y": 404, "staff": 404, "staff_cq": 404, "staff_qd": 404}),
]

CASES = [pytest.param(entry, role, id=f"{entry[0]}|{role}") for entry in MATRIX for role in ROLES]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def expected_status(entry, role: str) -> int:
    name, method, _url, _body, table = entry
    if role in table:
        return table[role]
    if role in UNAUTH:
        return 401
    return 201 if method == "POST" and name.endswith("create") else 200


def test_matrix_covers_every_api_route(site):
    """A new endpoint must be added to the matrix."""
    rules = {(m, r.endpoint) for r in site.app.url_map.iter_rules() if r.endpoint.startswith("api.")
             for m in r.methods - {"HEAD", "OPTIONS"}}
    endpoints_in_matrix = set()
    adapter = site.app.url_map.bind("localhost")

    fake_world = SimpleNamespace(applications={"A-JX1": 1, "rec-A-JY1": 2}, placements={"B-Y": 1}, token_ids={"worker_b": 1},
                                 batch=1, comparison=1)
    for _name, method, url, _body, _table in MATRIX:
        path = (url(fake_world) if callable(url) else url).split("?")[0]
        endpoint, _args = adapter.match(path, method=method)
        endpoints_in_matrix.add((method, endpoint))
    missing = rules - endpoints_in_matrix
    assert not missing, f"endpoints not in the authorisation matrix: {sorted(missing)}"


def _extras(db, world) -> None:
    """Each user's first token id, and an import batch run by the (all-county) staff account."""
    from models.actions.comparisons import run as compare
    from models.actions.imports import import_ledger
    from models.people.users import get_user
    from models.store.config import data_dir

    world.token_ids = {r: db.execute("SELECT id FROM api_tokens WHERE user_id = ? ORDER BY id LIMIT 1",
                                     (uid,)).fetchone()[0] for r, uid in world.users.items()}
    staff = get_user(db, world.users["staff"])
    ledger = data_dir() / "ledger.jsonl"
    ledger.write_text(LEDGER, encoding="utf-8")
    world.batch = import_ledger(db, staff, "workers", ledger).batch_id
    world.comparison = compare(db, staff, "名单.csv", LIST, "防止返贫监测对象").batch_id


#: One app and one world for the module; each case runs on a fresh copy of the world's SQLite file.
site = site_fixture(_extras, build=build_world)


@pytest.mark.parametrize("entry,role", CASES)
def test_authz_matrix(entry, role, site, fake_matching):
    name, method, url, body, _table = entry
    site.reset()
    world = site.world
    path = url(world) if callable(url) else url
    payload = body(role) if body else None
    kwargs = {} if payload is None else {"data": payload, "content_type": "multipart/form-data"} \
        if isinstance(payload, Form) else {"json": payload}
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
    response = site.app.test_client().open(path, method=method, headers=headers, **kwargs)
    want = expected_status(entry, role)
    assert response.status_code == want, f"{name} as {role}: {response.get_data(as_text=True)[:300]}"
    workbook = response.status_code == 200 and path.split("?")[0].endswith(".xlsx")
    pdf = response.status_code == 200 and path.endswith(".pdf")
    assert response.is_json or workbook or pdf, response.content_type
    text = _cells(response.data) if workbook else _pdf_text(response.data) if pdf else response.get_data(as_text=True)
    if response.status_code >= 400:
        assert set(response.get_json()) == {"error"}
    # The full resident ID number leaves the API only on an explicit reveal by staff covering the worker.
    revealing = "reveal=id_number" in path and role in ("staff", "staff_cq", "admin")
    for number in (ID_A, ID_B, ID_C):
        if not (revealing and number == ID_A):
            assert number not in text, f"{name} as {role} leaked a full ID number"
    # Phones of workers who did not apply to the caller, and do not work for them, never leave unmasked for
    # employers (B works for Y: placement B-Y).
    if role in ("employer_x", "employer_y") and response.status_code < 400:
        for phone in ("13987654321", "13700001111"):
            if not (role == "employer_y" and phone == "13987654321"):
                assert phone not in text
        if role == "employer_y":
            assert "13812345678" not in text
    # Staff see the name and phone of the workers they cover or whose applications came to their postings:
    # 酉阳's staff not B's or C's, 青岛's staff not B's or C's (A applied to a 青岛 posting).
    if role in ("staff_cq", "staff_qd") and response.status_code < 400:
        for phone in ("13987654321", "13700001111"):
            assert phone not in text, f"{name} as {role} leaked a phone"
    if role in ("worker_a", "worker_b") and response.status_code < 400:
        other_phone = "13987654321" if role == "worker_a" else "13812345678"
        assert other_phone not in text and "13700001111" not in text


def _cells(data: bytes) -> str:
    """Every cell of a workbook as text (so the leak checks read a report as its reader does)."""
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)
