"""The SQLite store: opening a connection and applying the schema's forward migrations.

``connect()`` returns a ``sqlite_utils.Database`` in WAL mode with foreign keys on, after bringing
its schema up to date. The schema version lives in ``PRAGMA user_version``; each entry of
``MIGRATIONS`` moves the database one version forward and runs inside one transaction, so a
database made by an older Tongbang opens and upgrades without loss.

To change the schema, append a new function to ``MIGRATIONS``; never edit one that has shipped.

Conventions every table follows:
- ``id`` INTEGER PRIMARY KEY, ``created_at`` and ``updated_at`` as ISO-8601 UTC text.
- list fields (skills, certificates, benefits, ...) are JSON arrays stored as text;
  ``models.store.db.loads_list`` reads them back.
- ``workers.rev`` and ``jobs.rev`` are bumped by triggers on every insert and update, so a
  derived index can ask "what changed since revision N" cheaply.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from models.store import pg
from models.store.config import database_url, sqlite_path
from models.store.sqlscript import split_statements
from models.vocabulary import (
    APPLICATION_STATUSES,
    CASE_KINDS,
    CASE_STATUSES,
    COURSE_STATUSES,
    ENROLMENT_STATUSES,
)


def utcnow() -> str:
    """Current time as ISO-8601 UTC text with seconds, the format of every timestamp column."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def loads_list(value: str | list | None) -> list:
    """Read a JSON list column back into a Python list (``None`` and ``''`` give ``[]``)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return json.loads(value)


def rev_triggers(engine: str, table: str) -> list[str]:
    """The statements that keep ``table.rev`` in step: every insert, and every update that does not set ``rev``
    itself, gives the row ``MAX(rev) + 1``. On PostgreSQL the trigger takes a transaction-scoped advisory lock
    per table first, so revisions are handed out in commit order even with several writers (an index that has
    seen revision N never misses a row that commits later with a smaller one)."""
    if engine == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION {table}_bump_rev() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND NEW.rev IS DISTINCT FROM OLD.rev THEN
                    RETURN NEW;
                END IF;
                PERFORM pg_advisory_xact_lock(hashtext('tongbang_rev_{table}'));
                NEW.rev := (SELECT COALESCE(MAX(rev), 0) + 1 FROM {table});
                RETURN NEW;
            END $$""",
            (f"CREATE TRIGGER {table}_rev BEFORE INSERT OR UPDATE ON {table}"
             f" FOR EACH ROW EXECUTE FUNCTION {table}_bump_rev()"),
            f"CREATE INDEX idx_{table}_rev ON {table}(rev)",
        ]
    return split_statements(_sqlite_rev_triggers(table))


def _sqlite_rev_triggers(table: str) -> str:
    return f"""
    CREATE TRIGGER {table}_rev_insert AFTER INSERT ON {table}
    BEGIN
        UPDATE {table} SET rev = (SELECT COALESCE(MAX(rev), 0) + 1 FROM {table}) WHERE id = NEW.id;
    END;
    CREATE TRIGGER {table}_rev_update AFTER UPDATE ON {table} WHEN NEW.rev IS OLD.rev
    BEGIN
        UPDATE {table} SET rev = (SELECT COALESCE(MAX(rev), 0) + 1 FROM {table}) WHERE id = NEW.id;
    END;
    CREATE INDEX idx_{table}_rev ON {table}(rev);
    """


def _v1_base(conn: Migrator) -> None:
    """Version 1: every core table of the platform."""
    conn.executescript(
        """
        CREATE TABLE employers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            credit_code TEXT,
            city TEXT,
            district TEXT,
            contact_name TEXT,
            contact_phone TEXT,
            description TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            external_id TEXT NOT NULL UNIQUE,
            employer_id INTEGER NOT NULL REFERENCES employers(id),
            title TEXT NOT NULL,
            description TEXT,
            city TEXT,
            district TEXT,
            salary_min INTEGER,
            salary_max INTEGER,
            headcount INTEGER NOT NULL DEFAULT 1,
            age_min INTEGER,
            age_max INTEGER,
            education_min TEXT,
            required_certificates TEXT NOT NULL DEFAULT '[]',
            skills TEXT NOT NULL DEFAULT '[]',
            benefits TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'filled')),
            content_hash TEXT,
            rev INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_jobs_employer ON jobs(employer_id);
        CREATE INDEX idx_jobs_status_city ON jobs(status, city);

        CREATE TABLE workers (
            id INTEGER PRIMARY KEY,
            external_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            id_number_enc TEXT,
            id_hash TEXT,
            id_masked TEXT,
            phone TEXT,
            gender TEXT,
            birth_year INTEGER,
            hukou_province TEXT,
            hukou_county TEXT,
            hukou_county_code TEXT,
            assistance_status TEXT,
            education TEXT,
            skills TEXT NOT NULL DEFAULT '[]',
            certificates TEXT NOT NULL DEFAULT '[]',
            experience TEXT,
            desired_jobs TEXT,
            desired_cities TEXT NOT NULL DEFAULT '[]',
            expected_salary INTEGER,
            needs TEXT NOT NULL DEFAULT '[]',
            training_wanted TEXT,
            seeking INTEGER NOT NULL DEFAULT 1,
            content_hash TEXT,
            rev INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_workers_id_hash ON workers(id_hash);
        CREATE INDEX idx_workers_county ON workers(hukou_province, hukou_county);
        CREATE INDEX idx_workers_name ON workers(name);

        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('worker', 'employer', 'staff', 'admin')),
            display_name TEXT,
            phone TEXT,
            worker_id INTEGER REFERENCES workers(id),
            employer_id INTEGER REFERENCES employers(id),
            scope_counties TEXT NOT NULL DEFAULT '[]',
            scope_cities TEXT NOT NULL DEFAULT '[]',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            token_hash TEXT NOT NULL UNIQUE,
            name TEXT,
            last_used_at TEXT,
            revoked_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE applications (
            id INTEGER PRIMARY KEY,
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            status TEXT NOT NULL DEFAULT '待处理'
                CHECK (status IN ('待处理', '已联系', '面试', '录用', '不合适')),
            source TEXT NOT NULL DEFAULT 'worker' CHECK (source IN ('worker', 'staff')),
            recommended_by INTEGER REFERENCES users(id),
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (worker_id, job_id)
        );
        CREATE INDEX idx_applications_job ON applications(job_id);

        CREATE TABLE placements (
            id INTEGER PRIMARY KEY,
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            job_id INTEGER REFERENCES jobs(id),
            employer_id INTEGER REFERENCES employers(id),
            employer_name TEXT NOT NULL,
            city TEXT,
            title TEXT NOT NULL,
            start_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '在岗' CHECK (status IN ('在岗', '离职')),
            end_date TEXT,
            leave_reason TEXT,
            application_id INTEGER REFERENCES applications(id),
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_placements_worker ON placements(worker_id);
        CREATE INDEX idx_placements_employer ON placements(employer_id);

        CREATE TABLE follow_ups (
            id INTEGER PRIMARY KEY,
            placement_id INTEGER NOT NULL REFERENCES placements(id),
            date TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('电话', '上门', '微信', '单位反馈')),
            still_employed INTEGER NOT NULL,
            leave_reason TEXT,
            satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
            might_leave INTEGER NOT NULL DEFAULT 0,
            note TEXT,
            staff_user_id INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_follow_ups_placement ON follow_ups(placement_id);

        CREATE TABLE import_batches (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            filename TEXT NOT NULL,
            file_sha256 TEXT,
            total_rows INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            user_id INTEGER REFERENCES users(id),
            finished_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE import_rejections (
            id INTEGER PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES import_batches(id),
            row_number INTEGER NOT NULL,
            external_id TEXT,
            field TEXT,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_import_rejections_batch ON import_rejections(batch_id);

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            user_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            entity TEXT,
            entity_id INTEGER,
            detail TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_audit_log_entity ON audit_log(entity, entity_id);
        """
    )
    for table in ("jobs", "workers"):
        for statement in rev_triggers(conn.engine, table):
            conn.execute(statement)


def _v2_placements(conn: Migrator) -> None:
    """Version 2 (PLACEMENTS): notifier outbox, scheduler locks and job runs, assistance-list
    comparisons, and the nightly risk / employer-retention snapshots."""
    conn.executescript(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL DEFAULT 'outbox',
            user_id INTEGER REFERENCES users(id),
            subject TEXT NOT NULL,
            body TEXT,
            link TEXT,
            dedupe_key TEXT UNIQUE,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'done')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            sent_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_outbox_user_status ON outbox(user_id, status);

        CREATE TABLE scheduler_locks (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            acquired_at TEXT NOT NULL
        );

        CREATE TABLE job_runs (
            id INTEGER PRIMARY KEY,
            job TEXT NOT NULL,
            period TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            owner TEXT,
            result TEXT,
            error TEXT,
            started_at TEXT,
            finished_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (job, period)
        );

        CREATE TABLE comparison_batches (
            id INTEGER PRIMARY KEY,
            filename TEXT NOT NULL,
            list_status TEXT NOT NULL,
            total_rows INTEGER NOT NULL DEFAULT 0,
            matched INTEGER NOT NULL DEFAULT 0,
            changed INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0,
            mismatched INTEGER NOT NULL DEFAULT 0,
            bad INTEGER NOT NULL DEFAULT 0,
            applied_at TEXT,
            applied_by INTEGER REFERENCES users(id),
            user_id INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE comparison_rows (
            id INTEGER PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES comparison_batches(id),
            row_number INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('matched', 'changed', 'new', 'dropped', 'mismatched', 'bad')),
            worker_id INTEGER REFERENCES workers(id),
            name TEXT,
            id_masked TEXT,
            old_status TEXT,
            new_status TEXT,
            detail TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_comparison_rows_batch ON comparison_rows(batch_id, kind);

        CREATE TABLE placement_risk (
            placement_id INTEGER PRIMARY KEY REFERENCES placements(id),
            score INTEGER NOT NULL,
            level TEXT NOT NULL,
            reasons TEXT NOT NULL DEFAULT '[]',
            computed_at TEXT NOT NULL
        );

        CREATE TABLE employer_retention (
            employer_id INTEGER PRIMARY KEY REFERENCES employers(id),
            known_3 INTEGER NOT NULL DEFAULT 0,
            stable_3 INTEGER NOT NULL DEFAULT 0,
            known_6 INTEGER NOT NULL DEFAULT 0,
            stable_6 INTEGER NOT NULL DEFAULT 0,
            computed_at TEXT NOT NULL
        );

        CREATE INDEX idx_placements_start ON placements(start_date);
        CREATE INDEX idx_follow_ups_date ON follow_ups(date);
        """
    )


def _v3_consent_and_scope(conn: Migrator) -> None:
    """Version 3 (the rulebook): a staff recommendation waits for the worker's consent, the worker can
    withdraw or decline, and staff scope is explicit.

    - ``applications.status`` gains 推荐待确认 (a recommendation not yet accepted), 撤回 and 已谢绝;
      ``consent_at``/``consent_via``/``consent_by`` record who agreed, when and how. A recommendation still at
      待处理 becomes 推荐待确认 (nobody asked the worker); one further along keeps its status and is recorded
      as agreed before this rule (``consent_via = 'before_rule'``). A worker's own application is its consent.
    - Staff accounts with neither counties nor cities covered everything; they now say so explicitly
      (``*`` in both lists), because an empty list now covers nothing (``models.access``).
    """
    statuses = ", ".join(f"'{s}'" for s in APPLICATION_STATUSES)
    scope_rule = """
        UPDATE users SET scope_counties = '["*"]', scope_cities = '["*"]'
            WHERE role = 'staff' AND COALESCE(scope_counties, '[]') = '[]' AND COALESCE(scope_cities, '[]') = '[]';
    """
    if conn.engine == "postgresql":
        # PostgreSQL alters a CHECK constraint in place; SQLite (below) has to rebuild the table.
        conn.executescript(
            f"""
            ALTER TABLE applications DROP CONSTRAINT applications_status_check;
            UPDATE applications SET status = '推荐待确认' WHERE source = 'staff' AND status = '待处理';
            ALTER TABLE applications ADD CONSTRAINT applications_status_check CHECK (status IN ({statuses}));
            ALTER TABLE applications ADD COLUMN consent_at TEXT;
            ALTER TABLE applications ADD COLUMN consent_via TEXT
                CHECK (consent_via IN ('worker', 'staff_phone', 'before_rule'));
            ALTER TABLE applications ADD COLUMN consent_by INTEGER REFERENCES users(id);
            UPDATE applications SET
                consent_at = CASE WHEN source = 'worker' THEN created_at
                                  WHEN status = '推荐待确认' THEN NULL ELSE updated_at END,
                consent_via = CASE WHEN source = 'worker' THEN 'worker'
                                   WHEN status = '推荐待确认' THEN NULL ELSE 'before_rule' END;
            CREATE INDEX idx_applications_status ON applications(status);
            """ + scope_rule
        )
        return
    conn.executescript(
        f"""
        CREATE TABLE applications_v3 (
            id INTEGER PRIMARY KEY,
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            status TEXT NOT NULL DEFAULT '待处理' CHECK (status IN ({statuses})),
            source TEXT NOT NULL DEFAULT 'worker' CHECK (source IN ('worker', 'staff')),
            recommended_by INTEGER REFERENCES users(id),
            note TEXT,
            consent_at TEXT,
            consent_via TEXT CHECK (consent_via IN ('worker', 'staff_phone', 'before_rule')),
            consent_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (worker_id, job_id)
        );
        INSERT INTO applications_v3 (id, worker_id, job_id, status, source, recommended_by, note, consent_at,
                                     consent_via, created_at, updated_at)
            SELECT id, worker_id, job_id,
                   CASE WHEN source = 'staff' AND status = '待处理' THEN '推荐待确认' ELSE status END,
                   source, recommended_by, note,
                   CASE WHEN source = 'worker' THEN created_at
                        WHEN status = '待处理' THEN NULL ELSE updated_at END,
                   CASE WHEN source = 'worker' THEN 'worker'
                        WHEN status = '待处理' THEN NULL ELSE 'before_rule' END,
                   created_at, updated_at
            FROM applications;
        DROP TABLE applications;
        ALTER TABLE applications_v3 RENAME TO applications;
        CREATE INDEX idx_applications_job ON applications(job_id);
        CREATE INDEX idx_applications_status ON applications(status);
        """ + scope_rule
    )


_v3_consent_and_scope.rebuilds_tables = True  # type: ignore[attr-defined]


def _programme_transport_subsidies(conn: sqlite3.Connection) -> None:
    """The programme around the match (issue 13, first half): subsidy claims per placement (due is computed from
    ``data/subsidies.toml``; a row here means claimed, then paid), 务工证明 sign-offs, and 点对点 transport
    batches with their passengers and arrivals."""
    conn.executescript(
        """
        CREATE TABLE subsidy_claims (
            id INTEGER PRIMARY KEY,
            subsidy_key TEXT NOT NULL,
            placement_id INTEGER NOT NULL REFERENCES placements(id),
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            status TEXT NOT NULL CHECK (status IN ('claimed', 'paid')),
            amount_yuan INTEGER,
            claimed_on TEXT NOT NULL,
            claimed_by INTEGER REFERENCES users(id),
            paid_on TEXT,
            paid_by INTEGER REFERENCES users(id),
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (subsidy_key, placement_id)
        );
        CREATE INDEX idx_subsidy_claims_worker ON subsidy_claims(worker_id);

        CREATE TABLE certificate_signoffs (
            id INTEGER PRIMARY KEY,
            placement_id INTEGER NOT NULL REFERENCES placements(id),
            signed_by INTEGER REFERENCES users(id),
            signer_name TEXT NOT NULL,
            signed_on TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_certificate_signoffs_placement ON certificate_signoffs(placement_id);

        CREATE TABLE transport_batches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            departure_province TEXT,
            departure_county TEXT NOT NULL,
            departure_county_code TEXT,
            city TEXT NOT NULL,
            depart_date TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('bus', 'train', 'flight')),
            carrier TEXT,
            escorts TEXT NOT NULL DEFAULT '[]',
            pickup_note TEXT,
            housing_note TEXT,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_transport_batches_city_date ON transport_batches(city, depart_date);

        CREATE TABLE batch_passengers (
            id INTEGER PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES transport_batches(id),
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            placement_id INTEGER REFERENCES placements(id),
            arrived_on TEXT,
            arrival_confirmed_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (batch_id, worker_id)
        );
        CREATE INDEX idx_batch_passengers_worker ON batch_passengers(worker_id);
        """
    )


def _account_sessions_and_limits(conn: sqlite3.Connection) -> None:
    """Sessions that end, login limits every process shares, and internal numbers without personal data.

    - ``users.session_version``: a signed-in browser session carries the version it was made under; signing
      out or changing the password raises it, so every other session of that account ends on its next request.
    - ``rate_limits``: one row per counted attempt (``key`` like ``login-addr:1.2.3.4``, ``at`` in epoch
      seconds), read by every process on this machine (Redis replaces it when ``TONGBANG_REDIS_URL`` is set).
    - Self-registered workers were numbered ``SELF-<full phone>``; they become ``SELF-YYYYMMDD-NNNN`` (the
      registration date and a running number within that day), as new registrations are numbered.
    """
    conn.executescript(
        """
        ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE rate_limits (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX idx_rate_limits_key_at ON rate_limits(key, at);
        """
    )
    rows = conn.execute(
        "SELECT id, created_at FROM workers WHERE external_id LIKE 'SELF-1__________' ORDER BY created_at, id").fetchall()
    taken = {r[0] for r in conn.execute("SELECT external_id FROM workers WHERE external_id LIKE 'SELF-%'")}
    counters: dict[str, int] = {}
    for worker_id, created_at in rows:
        day = (created_at or "")[:10].replace("-", "") or "00000000"
        while True:
            counters[day] = counters.get(day, 0) + 1
            number = f"SELF-{day}-{counters[day]:04d}"
            if number not in taken:
                break
        taken.add(number)
        conn.execute("UPDATE workers SET external_id = ? WHERE id = ?", (number, worker_id))


def _worker_messages_and_contacts(conn: sqlite3.Connection) -> None:
    """The worker's side (issue 12): messages to a worker, who to call, self-service, what a job page answers.

    - ``messages``: one row per message to a worker (kind, text, link, read or not); ``dedupe_key`` makes posting
      the same event twice a no-op. ``outbox_deliveries``: every attempt to send an outbox row through a sender
      (SMS gateway, WeChat), with its outcome.
    - ``workers.contact_user_id``: the responsible staff member when staff chose one (else the county's);
      ``users.work_phone`` / ``users.office``: what a worker sees of that staff member; ``users.wechat_openid``
      for WeChat 订阅消息.
    - ``password_resets``: 忘记密码 requests, handled by the responsible staff member (``via = 'staff'``) or, once a
      gateway exists, by an SMS code (``via = 'sms'``, ``code_hash``, ``expires_at``).
    - ``placement_claims``: 我已找到工作, waiting for staff to confirm it into a placement.
    - ``jobs``: work address, meals, housing, shifts and pay day, as a job page answers them.
    """
    conn.executescript(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            link TEXT,
            dedupe_key TEXT UNIQUE,
            read_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_messages_worker ON messages(worker_id, read_at);

        CREATE TABLE outbox_deliveries (
            id INTEGER PRIMARY KEY,
            outbox_id INTEGER NOT NULL REFERENCES outbox(id),
            channel TEXT NOT NULL,
            ok INTEGER NOT NULL,
            detail TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_outbox_deliveries_outbox ON outbox_deliveries(outbox_id);

        ALTER TABLE workers ADD COLUMN contact_user_id INTEGER REFERENCES users(id);
        ALTER TABLE users ADD COLUMN work_phone TEXT;
        ALTER TABLE users ADD COLUMN office TEXT;
        ALTER TABLE users ADD COLUMN wechat_openid TEXT;

        CREATE TABLE password_resets (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')),
            via TEXT NOT NULL DEFAULT 'staff' CHECK (via IN ('staff', 'sms')),
            contact_user_id INTEGER REFERENCES users(id),
            code_hash TEXT,
            expires_at TEXT,
            handled_by INTEGER REFERENCES users(id),
            handled_at TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_password_resets_status ON password_resets(status);

        CREATE TABLE placement_claims (
            id INTEGER PRIMARY KEY,
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            job_id INTEGER REFERENCES jobs(id),
            employer_name TEXT NOT NULL,
            city TEXT,
            title TEXT NOT NULL,
            start_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
            placement_id INTEGER REFERENCES placements(id),
            handled_by INTEGER REFERENCES users(id),
            handled_at TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_placement_claims_worker ON placement_claims(worker_id, status);

        ALTER TABLE jobs ADD COLUMN work_address TEXT;
        ALTER TABLE jobs ADD COLUMN meals TEXT;
        ALTER TABLE jobs ADD COLUMN housing TEXT;
        ALTER TABLE jobs ADD COLUMN shifts TEXT;
        ALTER TABLE jobs ADD COLUMN pay_day TEXT;
        """
    )


def _training_brands_cases(conn: sqlite3.Connection) -> None:
    """Training courses and enrolments (技能协作), labour brands (劳务品牌) with their workers and employers,
    and rights-protection cases (维权) with their notes (issue 13)."""
    course_statuses = ", ".join(f"'{s}'" for s in COURSE_STATUSES)
    enrolment_statuses = ", ".join(f"'{s}'" for s in ENROLMENT_STATUSES)
    case_kinds = ", ".join(f"'{s}'" for s in CASE_KINDS)
    case_statuses = ", ".join(f"'{s}'" for s in CASE_STATUSES)
    conn.executescript(
        f"""
        CREATE TABLE brands (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            hukou_province TEXT NOT NULL,
            hukou_county TEXT NOT NULL,
            trade TEXT NOT NULL,
            description TEXT,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE brand_workers (
            brand_id INTEGER NOT NULL REFERENCES brands(id),
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (brand_id, worker_id)
        );
        CREATE TABLE brand_employers (
            brand_id INTEGER NOT NULL REFERENCES brands(id),
            employer_id INTEGER NOT NULL REFERENCES employers(id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (brand_id, employer_id)
        );

        CREATE TABLE courses (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            provider TEXT NOT NULL,
            occupation TEXT,
            certificate TEXT NOT NULL,
            city TEXT,
            county TEXT,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            seats INTEGER NOT NULL CHECK (seats > 0),
            cost_yuan INTEGER NOT NULL DEFAULT 0 CHECK (cost_yuan >= 0),
            living_allowance_yuan INTEGER NOT NULL DEFAULT 0 CHECK (living_allowance_yuan >= 0),
            description TEXT,
            brand_id INTEGER REFERENCES brands(id),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({course_statuses})),
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_courses_certificate ON courses(certificate);
        CREATE TABLE enrolments (
            id INTEGER PRIMARY KEY,
            course_id INTEGER NOT NULL REFERENCES courses(id),
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            status TEXT NOT NULL DEFAULT '已报名' CHECK (status IN ({enrolment_statuses})),
            source TEXT NOT NULL CHECK (source IN ('worker', 'staff')),
            enrolled_by INTEGER REFERENCES users(id),
            completed_on TEXT,
            completed_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (course_id, worker_id)
        );
        CREATE INDEX idx_enrolments_worker ON enrolments(worker_id);

        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            worker_id INTEGER NOT NULL REFERENCES workers(id),
            placement_id INTEGER REFERENCES placements(id),
            kind TEXT NOT NULL CHECK (kind IN ({case_kinds})),
            summary TEXT NOT NULL,
            city TEXT,
            status TEXT NOT NULL DEFAULT '待处理' CHECK (status IN ({case_statuses})),
            opened_by INTEGER REFERENCES users(id),
            opened_via TEXT NOT NULL CHECK (opened_via IN ('worker', 'staff')),
            city_staff_id INTEGER REFERENCES users(id),
            county_staff_id INTEGER REFERENCES users(id),
            outcome TEXT,
            closed_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_cases_worker ON cases(worker_id);
        CREATE INDEX idx_cases_placement ON cases(placement_id);
        CREATE TABLE case_notes (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            author_id INTEGER REFERENCES users(id),
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_case_notes_case ON case_notes(case_id);
        """
    )


def _unique_identity_and_import_jobs(conn: sqlite3.Connection) -> None:
    """One person, one record; imports as jobs with true progress (issue 9).

    - ``workers.id_hash`` becomes UNIQUE (workers without an ID number, NULL, are excepted: SQL's UNIQUE
      ignores NULLs). Rows that already share a hash (two imports that ran at once before this rule) keep
      the oldest worker's hash; the later ones move theirs to ``held_id_hash`` and wait in the 疑似重复
      queue for staff to merge (``models.actions.duplicates``). ``workers.birth_date`` (from the ID number,
      filled whenever a worker is written) lets the queue match name + birth date + county.
    - ``duplicate_dismissals``: pairs staff checked and found to be two people (never proposed again).
    - ``import_batches`` gains ``status`` (queued / running / done / failed / interrupted), ``done_rows``
      (rows handled so far, committed with the rows themselves), ``heartbeat_at`` (the runner's last sign of
      life: a running batch whose heartbeat is stale was interrupted), ``upload_path`` (an uploaded file
      kept only until its import finishes) and ``error`` (why a whole file failed).
    """
    conn.executescript(
        """
        ALTER TABLE workers ADD COLUMN held_id_hash TEXT;
        ALTER TABLE workers ADD COLUMN birth_date TEXT;
        UPDATE workers SET held_id_hash = id_hash, id_hash = NULL
            WHERE id_hash IS NOT NULL
              AND id > (SELECT MIN(w2.id) FROM workers w2 WHERE w2.id_hash = workers.id_hash);
        DROP INDEX idx_workers_id_hash;
        CREATE UNIQUE INDEX idx_workers_id_hash ON workers(id_hash);
        CREATE INDEX idx_workers_held_id_hash ON workers(held_id_hash);
        CREATE INDEX idx_workers_phone ON workers(phone);
        CREATE INDEX idx_workers_name_county ON workers(name, hukou_county);

        CREATE TABLE duplicate_dismissals (
            id INTEGER PRIMARY KEY,
            worker_a INTEGER NOT NULL REFERENCES workers(id),
            worker_b INTEGER NOT NULL REFERENCES workers(id),
            user_id INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (worker_a, worker_b)
        );

        ALTER TABLE import_batches ADD COLUMN status TEXT NOT NULL DEFAULT 'done';
        ALTER TABLE import_batches ADD COLUMN done_rows INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE import_batches ADD COLUMN heartbeat_at TEXT;
        ALTER TABLE import_batches ADD COLUMN upload_path TEXT;
        ALTER TABLE import_batches ADD COLUMN error TEXT;
        UPDATE import_batches SET done_rows = total_rows WHERE finished_at IS NOT NULL;
        UPDATE import_batches SET status = 'interrupted' WHERE finished_at IS NULL;
        """
    )


# Each function moves the schema one version forward. Append only.
MIGRATIONS: list[Callable[[Migrator], None]] = [
    _v1_base,
    _v2_placements,
    _v3_consent_and_scope,
    _programme_transport_subsidies,
    _account_sessions_and_limits,
    _worker_messages_and_contacts,
    _training_brands_cases,
    _unique_identity_and_import_jobs,
]


def engine_of(db) -> str:
    """``'sqlite'`` or ``'postgresql'``: which engine a store (or one of its connections) runs on."""
    return getattr(db, "engine", "sqlite")


def conn_of(db):
    """The connection of a store (``sqlite_utils.Database`` or ``PgDatabase``); a connection is returned as is."""
    return db.conn if isinstance(db, (sqlite_utils.Database, pg.PgDatabase)) else db


def store_id(db) -> str:
    """A stable name of the store a connection reads (the SQLite file, or PostgreSQL's host/database/schema):
    caches and index stamps key on it so two stores never share entries."""
    if isinstance(db, pg.PgDatabase):
        return db.store_id
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return file
    return f"memory:{id(conn_of(db))}"


def schema_version(db) -> int:
    """Return the schema version recorded in the store (SQLite: ``PRAGMA user_version``; PostgreSQL: the
    one row of ``schema_version``, 0 when the table does not exist yet)."""
    if engine_of(db) == "postgresql":
        if db.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
            return 0
        row = db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db) -> int:
    """Apply every pending migration, each in its own transaction; return the new version.

    Raises ``RuntimeError`` when the store was made by a newer Tongbang than this one.
    """
    if engine_of(db) == "postgresql":
        return _migrate_postgres(db)
    conn = db.conn
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"数据库版本 {current} 比程序支持的版本 {len(MIGRATIONS)} 新，请升级 Tongbang。"
        )
    for version in range(current + 1, len(MIGRATIONS) + 1):
        step = MIGRATIONS[version - 1]
        # A migration that rebuilds a table (SQLite cannot alter a CHECK constraint) runs with foreign keys
        # off, as SQLite's own procedure says, and checks every reference before it commits.
        rebuilds = getattr(step, "rebuilds_tables", False)
        if rebuilds:
            conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript() would commit the open transaction first, so run statements one by one.
            step(Migrator(conn, "sqlite"))
            if rebuilds and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise RuntimeError(f"数据库升级到版本 {version} 后外键引用不完整，已回滚。")
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            if rebuilds:
                conn.execute("PRAGMA foreign_keys = ON")
    return len(MIGRATIONS)


def _migrate_postgres(db) -> int:
    """The same migrations on PostgreSQL, whose DDL is transactional: each version in one transaction that
    holds an advisory lock, so two app nodes starting together migrate once."""
    conn = db.conn
    if schema_version(db) == len(MIGRATIONS):
        return len(MIGRATIONS)
    for version in range(1, len(MIGRATIONS) + 1):
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (pg.MIGRATE_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, store_uid TEXT)")
            current = schema_version(db)
            if current > len(MIGRATIONS):
                raise RuntimeError(
                    f"数据库版本 {current} 比程序支持的版本 {len(MIGRATIONS)} 新，请升级 Tongbang。")
            if current < version:
                MIGRATIONS[version - 1](Migrator(conn, "postgresql"))
                if conn.execute("UPDATE schema_version SET version = ?", (version,)).rowcount == 0:
                    conn.execute("INSERT INTO schema_version (version, store_uid) VALUES (?, ?)",
                                 (version, uuid.uuid4().hex))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)


class Migrator:
    """What a migration function receives: ``execute``/``executescript`` inside the migration's transaction,
    and ``engine`` (``'sqlite'`` or ``'postgresql'``) for the rare step only one engine needs done its way
    (README: "Writing SQL that runs on both")."""

    def __init__(self, conn, engine: str = "sqlite") -> None:
        self._conn = conn
        self.engine = engine

    def executescript(self, script: str) -> None:
        for statement in split_statements(script):
            self._conn.execute(statement)

    def execute(self, sql: str, params: tuple | dict = ()):
        return self._conn.execute(sql, params)


_NoCommit = Migrator  # the name older code and tests know


def connect(path: str | Path | None = None, *, migrate_schema: bool = True):
    """Open the store, migrated: the SQLite file at ``path``, or else the one ``TONGBANG_DATABASE_URL``
    names (unset or ``sqlite:///…``: SQLite, by default ``db_path()``; ``postgresql://…``: PostgreSQL).

    SQLite opens in WAL mode with foreign keys on, shareable across threads (``check_same_thread=False``);
    each Flask request and each CLI command should still open its own store and close it
    (``db.conn.close()``).
    """
    if path is None:
        url = database_url()
        if url.startswith(("postgresql://", "postgres://")):
            db = pg.connect(url)
            if migrate_schema:
                migrate(db)
            return db
        path = sqlite_path(url)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 30000")
    db = sqlite_utils.Database(conn)
    if migrate_schema:
        migrate(db)
    return db


#: Raised by either engine when a write breaks a UNIQUE, NOT NULL, CHECK or foreign-key rule.
IntegrityError = (sqlite3.IntegrityError, pg.IntegrityError)


class transaction:
    """``with transaction(db):`` runs the block in one ``BEGIN IMMEDIATE`` transaction: the only writer
    until it ends (SQLite's write lock; on PostgreSQL an advisory lock, see ``models.store.pg``).

    Note: sqlite-utils' own write helpers (``insert_all``, ``upsert`` ...) commit when they
    finish, so inside this block prefer plain ``db.execute`` statements.

    Nesting is allowed: inside an open transaction the block simply joins it (the outermost block
    commits or rolls back), so a model function using ``transaction`` can be called from another one.
    """

    def __init__(self, db) -> None:
        self.conn = conn_of(db)
        self._outer = False

    def __enter__(self):
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._outer = True
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._outer:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def audit(db: sqlite_utils.Database, action: str, *, user_id: int | None = None,
          entity: str | None = None, entity_id: int | None = None, detail: dict | None = None) -> None:
    """Append one row to ``audit_log``. ``detail`` must never hold an unmasked ID number or phone."""
    now = utcnow()
    db.execute(
        "INSERT INTO audit_log (user_id, action, entity, entity_id, detail, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_id, action, entity, entity_id,
         json.dumps(detail, ensure_ascii=False) if detail else None, now, now),
    )


def select_page(db: sqlite_utils.Database, sql: str, params: list | tuple = (), *, order: str,
                limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    """Rows of ``sql`` (a SELECT with its WHERE) as dicts, ordered by ``order``, one page of ``limit`` from
    ``offset`` (every row when ``limit`` is None), and the total without the page: (rows, total)."""
    params = list(params)
    total = db.execute(f"SELECT COUNT(*) FROM ({sql}) AS page", params).fetchone()[0]
    sql += f" ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    cur = db.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()], total
