"""The rulebook's test world: one actor of every role and objects in and out of each staff scope, built once
per test session into a template SQLite file through the real store functions, and copied for every test
(a file copy, not a rebuild).

Places: partner counties 酉阳 (重庆) and 东乡 (甘肃); Shandong cities 青岛 and 烟台.

Actors (``World.users`` / ``World.tokens`` by key): ``worker`` (A, 酉阳 welder), ``other_worker`` (B, 东乡
seamstress), ``employer`` (X, 青岛), ``other_employer`` (Y, 烟台), ``county_staff`` (酉阳 only),
``city_staff`` (青岛 only), ``admin``; plus ``anonymous`` (no account). Every account has an API token.

Objects (``World.workers`` / ``jobs`` / ``applications`` / ``placements`` by key):

- workers A (酉阳, 焊工证, seeking; account ``worker``), B (东乡, seeking; account ``other_worker``),
  C (酉阳, seeking, no account), D (东乡, placed, not seeking);
- postings X1 (青岛, 电焊工, needs 焊工证, open), X2 (青岛, 叉车司机, needs 叉车证, open), X3 (青岛,
  closed), Y1 (烟台, 缝纫工, open), Y2 (烟台, 普工, open);
- applications ``A-X1`` (A applied, 待处理), ``B-Y1`` (B applied, 待处理), ``rec-A-Y2`` (county staff
  recommended Y2 to A, 推荐待确认: A has not answered), ``C-Y2`` (C applied, 待处理);
- placements ``D-X1`` (D at X1 in 青岛: city staff's, not county staff's), ``C-out`` (C at a job found
  outside the platform in 烟台: county staff's, not city staff's);
- messages ``A-rec`` (A's unread message about the recommendation ``rec-A-Y2``); a pending 忘记密码 request of
  A's account (``resets["A"]``) and a pending 我已找到工作 report of C (``claims["C"]``): county staff's.
- the county staff's import batch (``batch``: C's ledger row, unchanged) and list comparison (``comparison``: a
  防止返贫监测对象 list naming C, not yet applied).

So county staff cover A, C, ``A-X1``, ``rec-A-Y2``, ``C-Y2``, ``C-out``; city staff cover X1–X3, ``A-X1``,
``D-X1``; neither covers B, ``B-Y1`` or Y1/Y2.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "pass-Word-123"


def id_with_check_digit(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


ID_A = id_with_check_digit("50024219900101003")   # 酉阳, 1990
ID_B = id_with_check_digit("62292619950315002")   # 东乡, 1995
ID_C = id_with_check_digit("50024219850601005")   # 酉阳, 1985
ID_D = id_with_check_digit("62292619800202007")   # 东乡, 1980

WORKERS = {
    "A": {"external_id": "W-A", "name": "冉大山", "id_number": ID_A, "phone": "13812345678",
          "hukou_province": "重庆市", "hukou_county": "酉阳", "assistance_status": "脱贫享受政策人口",
          "education": "初中", "skills": "电焊、气保焊", "certificates": "焊工证",
          "experience": "在工地干过三年钢结构焊接", "desired_jobs": "电焊工", "desired_cities": "青岛",
          "expected_salary": "7000", "needs": "包吃住"},
    "B": {"external_id": "W-B", "name": "马小花", "id_number": ID_B, "phone": "13987654321",
          "hukou_province": "甘肃省", "hukou_county": "东乡县", "assistance_status": "防止返贫监测对象",
          "education": "小学", "skills": "缝纫", "experience": "在服装厂踩过缝纫机", "desired_jobs": "缝纫工",
          "desired_cities": "烟台", "expected_salary": "5000", "needs": "长白班"},
    "C": {"external_id": "W-C", "name": "白云秀", "id_number": ID_C, "phone": "13700001111",
          "hukou_province": "重庆市", "hukou_county": "酉阳县", "assistance_status": "低保对象",
          "education": "初中", "skills": "包装", "desired_jobs": "普工", "expected_salary": "4500"},
    "D": {"external_id": "W-D", "name": "马德福", "id_number": ID_D, "phone": "13600002222",
          "hukou_province": "甘肃省", "hukou_county": "东乡县", "assistance_status": "脱贫享受政策人口",
          "education": "初中", "certificates": "焊工证", "desired_jobs": "电焊工"},
}
EMPLOYERS = {"X": ("青岛鑫达焊接有限公司", "青岛"), "Y": ("烟台锦绣服饰有限公司", "烟台")}
JOBS = {
    "X1": {"external_id": "J-X1", "employer_name": EMPLOYERS["X"][0], "title": "电焊工", "city": "青岛",
           "description": "钢结构焊接，二保焊", "salary_min": "8000", "salary_max": "12000", "headcount": "5",
           "age_min": "18", "age_max": "55", "required_certificates": "焊工证", "benefits": "包吃住、五险一金"},
    "X2": {"external_id": "J-X2", "employer_name": EMPLOYERS["X"][0], "title": "叉车司机", "city": "青岛",
           "salary_min": "6000", "salary_max": "7500", "required_certificates": "叉车证", "benefits": "包住"},
    "X3": {"external_id": "J-X3", "employer_name": EMPLOYERS["X"][0], "title": "装配工", "city": "青岛",
           "salary_min": "5000", "salary_max": "6500", "status": "closed"},
    "Y1": {"external_id": "J-Y1", "employer_name": EMPLOYERS["Y"][0], "title": "缝纫工", "city": "烟台",
           "description": "服装厂平车工，计件，长白班", "salary_min": "5000", "salary_max": "8000",
           "benefits": "包吃住、夫妻房"},
    "Y2": {"external_id": "J-Y2", "employer_name": EMPLOYERS["Y"][0], "title": "普工", "city": "烟台",
           "description": "包装、搬运", "salary_min": "4500", "salary_max": "6000", "benefits": "包吃住"},
}
ACTORS = ("anonymous", "worker", "other_worker", "employer", "other_employer", "county_staff", "city_staff",
          "admin")


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, int] = field(default_factory=dict)
    employers: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)
    placements: dict[str, int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    resets: dict[str, int] = field(default_factory=dict)
    claims: dict[str, int] = field(default_factory=dict)
    #: The county staff's import batch (a ledger row of C) and list comparison (a 监测对象 list naming C).
    batch: int = 0
    comparison: int = 0
    #: Training (issue 13): courses K-QD (青岛, 叉车证: city staff's) and K-YY (酉阳, 低压电工证: county staff's);
    #: enrolment B-KQD (worker B in K-QD, 已报名).
    courses: dict[str, int] = field(default_factory=dict)
    enrolments: dict[str, int] = field(default_factory=dict)
    #: Brand 酉阳焊工 (酉阳: county staff's), no workers or employers linked yet.
    brands: dict[str, int] = field(default_factory=dict)
    #: 维权 case C-wages: C's wages owed at C-out (烟台), assigned to county staff (nobody names 烟台).
    cases: dict[str, int] = field(default_factory=dict)
    #: What a signed-in session must carry besides the user id, per actor (e.g. the account's session version).
    session_extra: dict[str, dict] = field(default_factory=dict)

    def user(self, db, key: str) -> dict | None:
        """The ``users`` row of actor ``key`` (None for anonymous): what actions take as ``actor``."""
        from models.people.users import get_user

        return None if key == "anonymous" else get_user(db, self.users[key])


def build(db) -> World:
    """Write the world into ``db`` through the real store functions."""
    from models.hiring import applications as application_store
    from models.hiring.jobs import get_job_by_external_id, upsert_job
    from models.intake.records import clean_job, clean_worker
    from models.people.api_tokens import create_token
    from models.people.employers import get_or_create_employer, update_employer
    from models.people.users import create_user
    from models.people.workers import get_worker_by_external_id, set_worker_seeking, upsert_worker
    from models.placement.placements import create_placement

    w = World()
    for key, (name, city) in EMPLOYERS.items():
        w.employers[key] = get_or_create_employer(db, name)
        update_employer(db, w.employers[key], city=city)
    for key, raw in WORKERS.items():
        record, errors = clean_worker(raw)
        assert not errors, errors
        upsert_worker(db, record)
        w.workers[key] = get_worker_by_external_id(db, raw["external_id"])["id"]
    for key, raw in JOBS.items():
        record, errors = clean_job({"status": "open", **raw})
        assert not errors, errors
        upsert_job(db, record)
        w.jobs[key] = get_job_by_external_id(db, raw["external_id"])["id"]

    users = {
        "worker": {"role": "worker", "worker_id": w.workers["A"]},
        "other_worker": {"role": "worker", "worker_id": w.workers["B"]},
        "employer": {"role": "employer", "employer_id": w.employers["X"]},
        "other_employer": {"role": "employer", "employer_id": w.employers["Y"]},
        "county_staff": {"role": "staff", "scope_counties": ["酉阳土家族苗族自治县"]},
        "city_staff": {"role": "staff", "scope_cities": ["青岛"]},
        "admin": {"role": "admin"},
    }
    for key, fields in users.items():
        role = fields.pop("role")
        w.users[key] = create_user(db, key, PASSWORD, role, display_name=key, **fields)
        w.tokens[key] = create_token(db, w.users[key], "tests")[1]

    staff = w.users["county_staff"]
    w.applications["A-X1"] = application_store.insert(db, w.workers["A"], w.jobs["X1"], source="worker",
                                                      status="待处理", consent_via="worker",
                                                      consent_by=w.users["worker"])
    w.applications["B-Y1"] = application_store.insert(db, w.workers["B"], w.jobs["Y1"], source="worker",
                                                      status="待处理", consent_via="worker",
                                                      consent_by=w.users["other_worker"])
    w.applications["rec-A-Y2"] = application_store.insert(db, w.workers["A"], w.jobs["Y2"], source="staff",
                                                          status="推荐待确认", recommended_by=staff,
                                                          note="包吃住，离老乡近")
    w.applications["C-Y2"] = application_store.insert(db, w.workers["C"], w.jobs["Y2"], source="worker",
                                                      status="待处理", consent_via="worker")
    w.placements["D-X1"] = create_placement(db, w.workers["D"], job_id=w.jobs["X1"], start_date="2026-06-01",
                                            created_by=w.users["admin"])
    w.placements["C-out"] = create_placement(db, w.workers["C"], employer_name="烟台某食品厂", city="烟台",
                                             title="包装工", start_date="2026-08-01", created_by=staff)
    set_worker_seeking(db, w.workers["C"], True)  # C still seeking more work; D is not
    from models.people.messages import tell_recommended

    w.messages["A-rec"] = tell_recommended(db, w.applications["rec-A-Y2"])  # A's unread message about rec-A-Y2
    from datetime import date

    from models.actions.resets import request_reset
    from models.placement import claims

    w.resets["A"] = request_reset(db, None, "worker")  # A forgot the password (county staff's to handle)
    w.claims["C"] = claims.create(db, w.workers["C"], employer_name="酉阳某茶厂", title="采茶工", city=None,
                                  start_date="2026-10-08", today=date(2026, 11, 1), user_id=None)
    from models.actions import comparisons, imports

    county_staff = w.user(db, "county_staff")
    # C's own row, as the county's ledger holds it: the batch changes nothing (C is unchanged)
    w.batch = imports.import_upload(db, county_staff, "workers", "酉阳台账.jsonl",
                                    json.dumps(WORKERS["C"], ensure_ascii=False).encode())
    w.comparison = comparisons.run(db, county_staff, "酉阳监测名单.csv", f"身份证号,姓名\n{ID_C},白云秀\n".encode(),
                                   "防止返贫监测对象").batch_id
    _programme(db, w)
    return w


COURSES = {
    "K-QD": {"title": "叉车司机培训班", "provider": "青岛市技师学院", "occupation": "叉车司机", "certificate": "叉车证",
             "city": "青岛", "start_date": "2026-11-01", "end_date": "2027-01-20", "seats": 20, "cost_yuan": 0,
             "living_allowance_yuan": 1500},
    "K-YY": {"title": "低压电工培训班", "provider": "酉阳县职业教育中心", "occupation": "电工", "certificate": "低压电工证",
             "county": "酉阳", "start_date": "2026-11-10", "end_date": "2027-01-10", "seats": 2, "cost_yuan": 800},
}


def _programme(db, w: World) -> None:
    """Courses and an enrolment (issue 13), through the store functions."""
    from models.programme import brands, cases, training

    w.brands["酉阳焊工"] = brands.create_brand(db, brands.clean_brand(
        {"name": "酉阳焊工", "county": "酉阳", "trade": "电焊工", "description": "酉阳县职教中心培养的焊工"}),
        created_by=w.users["admin"])
    for key, raw in COURSES.items():
        w.courses[key] = training.create_course(db, training.clean_course(raw), created_by=w.users["admin"])
    w.cases["C-wages"] = cases.open_case(
        db, worker_id=w.workers["C"], placement_id=w.placements["C-out"], kind="欠薪", summary="十月工资 4200 元未发",
        city="烟台", opened_by=w.users["county_staff"], opened_via="staff", city_staff_id=None,
        county_staff_id=w.users["county_staff"])
    w.enrolments["B-KQD"] = training.enrol(db, w.courses["K-QD"], w.workers["B"], source="worker",
                                           by=w.users["other_worker"])


_NOT_SNAPSHOT = ('audit_log', 'api_tokens', 'rate_limits', 'scheduler_locks', 'job_runs', 'schema_version')


def store_location(db) -> Path | str:
    """Where a store lives, for ``snapshot``: the SQLite file, or the PostgreSQL store's URL."""
    from models.store.db import engine_of

    if engine_of(db) == "postgresql":
        return db.url
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


def snapshot(db_file: Path | str, tables: tuple[str, ...] = ()) -> dict[str, list]:
    """Every row of every table, or of ``tables`` (for "a refused attempt changes nothing"), audit log and
    the bookkeeping of tokens and login limits aside. ``db_file``: a SQLite file, or a PostgreSQL store's URL
    (``store_location``)."""
    if str(db_file).startswith("postgresql://"):
        from models.store import pg

        db = pg.connect(str(db_file))
        try:
            tables = tables or [t for t in db.table_names() if t not in _NOT_SNAPSHOT]
            return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
        finally:
            db.close()
    conn = sqlite3.connect(str(db_file))
    try:
        tables = tables or [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            f" AND name NOT IN {_NOT_SNAPSHOT[:-1]!r}")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    finally:
        conn.close()


def copy_store(template: Path, target: Path) -> None:
    """Replace the SQLite file at ``target`` by the template (no WAL files left behind)."""
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, target)
