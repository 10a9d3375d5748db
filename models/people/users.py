"""Accounts: 求职者 (worker), 用人单位 (employer user), 工作人员 (staff, optionally scoped), 管理员 (admin).

Passwords are hashed with werkzeug (scrypt). A worker account links to one ``workers`` row, an employer
account to one ``employers`` row. A staff account has an explicit scope (``models.access.Scope``): partner
counties (``scope_counties``) and/or Shandong cities (``scope_cities``); :func:`normalise_scope` turns what a
person types into what is stored (酉阳 → 酉阳土家族苗族自治县; 青岛市 → 青岛; ``*`` or 全部 → ``*``, all).

Workers mostly get their accounts from staff; a worker may also register with phone + password
(:func:`register_worker`). No SMS is sent here: phone ownership is not verified, which the page says;
a real SMS sender would plug in through ``models.notifier`` before ``register_worker`` is called.
"""
from __future__ import annotations

import json
import re

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from models.access import ALL
from models.errors import ActionError
from models.intake.reference import counties_anywhere
from models.intake.validation import ValidationError, normalise_city, resolve_county_anywhere
from models.store.db import audit, transaction, utcnow

ROLES = ("worker", "employer", "staff", "admin")
ROLE_LABELS = {"worker": "求职者", "employer": "用人单位", "staff": "工作人员", "admin": "管理员"}
MIN_PASSWORD = 8
MIN_STAFF_PASSWORD = 12
MAX_PASSWORD = 128
#: zxcvbn scores (0–4, log10 of the guesses needed: <3, <6, <8, <10, ≥10) a password must reach.
MIN_SCORE = 2
MIN_STAFF_SCORE = 3
#: Common Chinese-pinyin and number passwords that zxcvbn's lists (mostly English) do not know.
COMMON_ZH = frozenset({
    "woaini1314", "woaini520", "woaini123", "woaini1234", "woaini12345", "5201314", "52013145", "520131400",
    "1314520", "13145200", "woaini", "woaiwojia", "iloveyou1314", "aini1314", "wodemima", "mima123456",
    "zhangwei123", "wangwei123", "liuyang123", "zhongguo123", "zhongguo", "beijing2008", "nihao123",
    "abc123456", "a1234567", "qwe123456", "zxc123456", "asd123456", "aa123456", "qq1234567", "qq123456789",
    "123456abc", "123456aa", "1234qwer", "qwer1234", "1qaz2wsx", "147258369", "159357", "741852963",
    "tongbang", "tongbang123", "shandong", "shandong123", "chongqing", "gansu123",
})
#: Fragments that make any password common here (the platform's own name and the love-number pinyin).
COMMON_ZH_PARTS = ("woaini", "5201314", "1314520")
_USERNAME = re.compile(r"^[\w.@\-]{2,40}$")
#: Words that mean "every county" / "every city" in a staff account's scope.
ALL_WORDS = frozenset({ALL, "全部", "所有", "全部区县", "全部城市", "all"})


class UserError(ActionError):
    """An account that cannot be created or changed; ``str(e)`` is a Chinese message."""

    def __init__(self, message: str, field: str | None = None, *, kind: str = "invalid") -> None:
        super().__init__(message, field=field, kind=kind)


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def check_password(password: str, role: str = "worker", inputs: tuple[str | None, ...] = ()) -> None:
    """The password policy; raises :class:`UserError` on ``password`` saying why, in Chinese.

    - Workers and employers: at least :data:`MIN_PASSWORD` characters; staff and admins, who see every ID
      number of their scope, at least :data:`MIN_STAFF_PASSWORD`.
    - Not a common password: the zxcvbn library (Dropbox's estimator; its lists hold the most used passwords,
      words, names and keyboard walks) must rate it at least :data:`MIN_SCORE` (2 of 4: 12345678, qq123456,
      password1, 1qaz2wsx are 0–1), staff and admins 3; plus :data:`COMMON_ZH`, pinyin passwords zxcvbn's
      English lists rate too high (woaini1314, 5201314…).
    - Not built from the account's own name or phone (``inputs``).
    - At most :data:`MAX_PASSWORD` characters (the estimator's time grows with the length).
    """
    password = password or ""
    staff = role in ("staff", "admin")
    minimum = MIN_STAFF_PASSWORD if staff else MIN_PASSWORD
    who = "工作人员和管理员的" if staff else ""
    if len(password) < minimum:
        raise UserError(f"{who}密码至少{minimum}位。", "password")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"密码最多{MAX_PASSWORD}位。", "password")
    lowered = password.lower()
    if lowered in COMMON_ZH or any(word in lowered for word in COMMON_ZH_PARTS):
        raise UserError("这个密码太常见，很容易被猜到，请换一个（可以用几个词加数字，如 “qingdao-hanjie-2026”）。",
                        "password")
    words = [str(v).strip().lower() for v in inputs if v and len(str(v).strip()) >= 4]
    if any(word in lowered for word in words):
        raise UserError("密码不能包含用户名或手机号。", "password")
    score = zxcvbn(password, user_inputs=words)["score"]
    if score < (MIN_STAFF_SCORE if staff else MIN_SCORE):
        raise UserError("这个密码太简单或太常见，很容易被猜到，请换一个更长、不常见的密码"
                        "（可以用几个词加数字，如 “qingdao-hanjie-2026”）。", "password")


def _decode(row: dict | None) -> dict | None:
    if row is None:
        return None
    row = dict(row)
    for key in ("scope_counties", "scope_cities"):
        try:
            row[key] = json.loads(row.get(key) or "[]")
        except ValueError:
            row[key] = []
    return row


def _one(db: sqlite_utils.Database, where: str, params: tuple) -> dict | None:
    cur = db.execute(f"SELECT * FROM users WHERE {where}", params)
    names = [c[0] for c in cur.description]
    row = cur.fetchone()
    return _decode(dict(zip(names, row))) if row else None


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    return _one(db, "id = ?", (user_id,))


def get_user_by_username(db: sqlite_utils.Database, username: str) -> dict | None:
    return _one(db, "username = ?", ((username or "").strip(),))


def user_for_worker(db: sqlite_utils.Database, worker_id: int) -> dict | None:
    return _one(db, "worker_id = ? AND role = 'worker'", (worker_id,))


def list_users(db: sqlite_utils.Database, role: str | None = None) -> list[dict]:
    sql, params = "SELECT * FROM users", ()
    if role:
        sql, params = sql + " WHERE role = ?", (role,)
    cur = db.execute(sql + " ORDER BY id", params)
    names = [c[0] for c in cur.description]
    return [_decode(dict(zip(names, r))) for r in cur.fetchall()]


def _scope_items(values: list[str] | str | None) -> list[str]:
    if isinstance(values, str):
        values = re.split(r"[,，、;；\s]+", values)
    return [str(v).strip() for v in values or () if str(v).strip()]


def _county_entry(text: str, field: str = "scope_counties") -> str:
    """What a staff scope stores for one county: its official name, or its code when counties of other
    provinces have the same official name (so the scope covers that county alone)."""
    county = resolve_county_anywhere(text, field)
    twins = [c for c in counties_anywhere(county.name) if not c.is_development_zone and c.name == county.name]
    return county.code if len(twins) > 1 else county.name


def normalise_scope(counties: list[str] | str | None, cities: list[str] | str | None
                    ) -> tuple[list[str], list[str]]:
    """A staff account's scope as stored: (counties, cities). Each county is resolved to its official name as
    the ledger does (酉阳 → 酉阳土家族苗族自治县; 重庆市酉阳县 and 500242 too), each city to its short name
    (青岛市 → 青岛); ``*`` or 全部 stands for all of them. Raises :class:`UserError` naming the entry that is
    no county (or no Shandong city), on ``scope_counties`` / ``scope_cities``."""
    out: tuple[list[str], list[str]] = ([], [])
    for values, resolve, field, target in ((counties, _county_entry, "scope_counties", out[0]),
                                           (cities, normalise_city, "scope_cities", out[1])):
        for item in _scope_items(values):
            if item.lower() in ALL_WORDS:
                value = ALL
            else:
                try:
                    value = resolve(item, field)
                except ValidationError as exc:
                    label = "负责的区县" if field == "scope_counties" else "负责的城市"
                    raise UserError(f"{label}“{item}”有误：{exc.message}", field) from None
            if value not in target:
                target.append(value)
    return out


def create_user(db: sqlite_utils.Database, username: str, password: str, role: str, *,
                display_name: str | None = None, phone: str | None = None, worker_id: int | None = None,
                employer_id: int | None = None, scope_counties: list[str] | None = None,
                scope_cities: list[str] | None = None, created_by: int | None = None) -> int:
    """Create an account; return its id. Raises :class:`UserError` with the field at fault."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise UserError("用户名为2–40位文字、字母、数字或 _ . @ -（可以用手机号）。", "username")
    if role not in ROLES:
        raise UserError(f"角色只能是：{'、'.join(ROLES)}。", "role")
    check_password(password, role, (username, phone, display_name))
    if role == "worker" and worker_id is None:
        raise UserError("求职者账号需要关联求职者档案。", "worker_id")
    if role == "employer" and employer_id is None:
        raise UserError("用人单位账号需要关联单位。", "employer_id")
    if role != "worker":
        worker_id = None
    if role != "employer":
        employer_id = None
    if role == "staff":
        scope_counties, scope_cities = normalise_scope(scope_counties, scope_cities)
        if not (scope_counties or scope_cities):
            raise UserError("工作人员账号须指定负责的区县（--counties）或城市（--cities）；负责全部的用 *。",
                            "scope_counties")
    elif _scope_items(scope_counties) or _scope_items(scope_cities):
        raise UserError("只有工作人员账号有负责的区县和城市。", "scope_counties")
    with transaction(db):
        if get_user_by_username(db, username) is not None:
            raise UserError("该用户名已被使用。", "username")
        if worker_id is not None and user_for_worker(db, worker_id) is not None:
            raise UserError("该求职者已经有账号。", "worker_id")
        now = utcnow()
        user_id = db.execute(
            "INSERT INTO users (username, password_hash, role, display_name, phone, worker_id, employer_id,"
            " scope_counties, scope_cities, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (username, hash_password(password), role, (display_name or "").strip() or username, phone,
             worker_id, employer_id, json.dumps(scope_counties or [], ensure_ascii=False),
             json.dumps(scope_cities or [], ensure_ascii=False), now, now)).lastrowid
        audit(db, "user.create", user_id=created_by, entity="user", entity_id=user_id, detail={"role": role})
    return user_id


def set_scope(db: sqlite_utils.Database, user_id: int, counties: list[str] | str | None,
              cities: list[str] | str | None, *, by: int | None = None) -> dict:
    """Replace a staff account's scope (normalised as :func:`normalise_scope`); returns the account."""
    user = get_user(db, user_id)
    if user is None or user["role"] != "staff":
        raise UserError("只有工作人员账号有负责的区县和城市。", "role")
    counties, cities = normalise_scope(counties, cities)
    if not (counties or cities):
        raise UserError("工作人员账号须指定负责的区县（--counties）或城市（--cities）；负责全部的用 *。",
                        "scope_counties")
    with transaction(db):
        db.execute("UPDATE users SET scope_counties = ?, scope_cities = ?, updated_at = ? WHERE id = ?",
                   (json.dumps(counties, ensure_ascii=False), json.dumps(cities, ensure_ascii=False), utcnow(),
                    user_id))
        audit(db, "user.scope", user_id=by, entity="user", entity_id=user_id,
              detail={"counties": counties, "cities": cities})
    return get_user(db, user_id)


def authenticate(db: sqlite_utils.Database, username: str, password: str) -> dict | None:
    """The active account with this username and password, or None (same answer for either mistake)."""
    user = get_user_by_username(db, username)
    if user is None or not user["active"]:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user["password_hash"], password or ""):
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def set_password(db: sqlite_utils.Database, user_id: int, password: str, *, by: int | None = None) -> None:
    """Replace the password (policy of :func:`check_password` for the account's role) and end every session of
    the account (:func:`end_sessions`), in one transaction."""
    user = get_user(db, user_id)
    if user is None:
        raise UserError("找不到该账号。", "username", kind="not_found")
    check_password(password, user["role"], (user["username"], user.get("phone"), user.get("display_name")))
    with transaction(db):
        db.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1, updated_at = ?"
                   " WHERE id = ?", (hash_password(password), utcnow(), user_id))
        audit(db, "user.password", user_id=by or user_id, entity="user", entity_id=user_id)


def end_sessions(db: sqlite_utils.Database, user_id: int, *, by: int | None = None) -> int:
    """End every browser session of the account: raise its ``session_version`` (a session made under an older
    version is refused on its next request). Returns the new version."""
    with transaction(db):
        db.execute("UPDATE users SET session_version = session_version + 1, updated_at = ? WHERE id = ?",
                   (utcnow(), user_id))
        audit(db, "user.sessions_ended", user_id=by or user_id, entity="user", entity_id=user_id)
        return db.execute("SELECT session_version FROM users WHERE id = ?", (user_id,)).fetchone()[0]


def phone_taken(db: sqlite_utils.Database, phone: str) -> bool:
    """Whether ``phone`` already belongs to an account (as its login or its phone) or to a worker's record."""
    return db.execute(
        "SELECT 1 FROM users WHERE username = ? OR phone = ? UNION ALL SELECT 1 FROM workers WHERE phone = ?"
        " LIMIT 1", (phone, phone, phone)).fetchone() is not None


def next_self_number(db: sqlite_utils.Database, today: str) -> str:
    """The next 编号 of a self-registered worker: ``SELF-YYYYMMDD-NNNN`` (``today`` is ``YYYY-MM-DD``), a
    running number within the day. Internal numbers never carry personal data (they used to hold the phone).
    Call inside the write transaction, so two registrations at once cannot take the same number."""
    prefix = f"SELF-{today.replace('-', '')}-"
    row = db.execute("SELECT MAX(external_id) FROM workers WHERE external_id LIKE ?", (prefix + "%",)).fetchone()
    last = int(row[0].rsplit("-", 1)[1]) if row and row[0] else 0
    return f"{prefix}{last + 1:04d}"


def set_active(db: sqlite_utils.Database, user_id: int, active: bool, *, by: int | None = None) -> None:
    db.execute("UPDATE users SET active = ?, updated_at = ? WHERE id = ?", (int(active), utcnow(), user_id))
    audit(db, "user.active" if active else "user.disable", user_id=by, entity="user", entity_id=user_id)


def register_worker(db: sqlite_utils.Database, record: dict, password: str) -> tuple[int, int]:
    """Self-registration with phone + password: validate the worker record (``models.intake.records``), store it
    under a new ``SELF-YYYYMMDD-NNNN`` 编号 and create the account (username = phone). Returns
    ``(user_id, worker_id)``. The doors call it through ``models.actions.accounts.register_worker``.

    A phone that already belongs to an account or to a worker's record is refused (``conflict`` on ``phone``):
    the person is told to ask staff, who check who they are and open the account on the existing record
    (``models.actions.workers.create_worker_account``). Raises :class:`UserError`.
    """
    from models.intake.records import clean_worker
    from models.people.workers import DuplicateWorkerError, get_worker_by_external_id, upsert_worker

    phone = (record.get("phone") or "").strip()
    if not phone:
        raise UserError("请填写手机号。", "phone")
    check_password(password, "worker", (phone, record.get("name")))
    record = dict(record, external_id="SELF-00000000-0000")  # the real number is taken inside the transaction
    cleaned, problems = clean_worker(record)
    if problems:
        first = problems[0]
        raise UserError(first.message, first.field)
    phone = cleaned.get("phone") or phone
    with transaction(db):
        if get_user_by_username(db, phone) is not None:
            raise UserError("该手机号已经注册，请直接登录；忘记密码请联系工作人员。", "phone", kind="conflict")
        if phone_taken(db, phone):
            raise UserError("该手机号已登记在求职者档案中，不能再注册。请联系户籍地或务工地的工作人员，"
                            "核实身份后为您开通账号。", "phone", kind="conflict")
        cleaned["external_id"] = next_self_number(db, utcnow()[:10])
        try:
            upsert_worker(db, cleaned)
        except DuplicateWorkerError:
            raise UserError("该身份证号已登记，请联系工作人员开通账号。", "id_number", kind="conflict") from None
        worker = get_worker_by_external_id(db, cleaned["external_id"])
        user_id = create_user(db, phone, password, "worker", display_name=cleaned.get("name"), phone=phone,
                              worker_id=worker["id"])
    return user_id, worker["id"]
