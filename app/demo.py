"""The demo data set, in one place: what ``flask --app app demo load`` (and so ``make run``) seeds after
importing ``data/demo/*.jsonl`` through the ordinary ledger import.

- ``seed_accounts``: one sign-in per role (password :data:`DEMO_PASSWORD`, listed in the README);
- ``seed_placement_history``: placements with follow-up histories (stable, left, overdue, at risk);
- ``seed_applications``: the demo employer's pipeline (applications in every stage, one staff recommendation);
- ``seed_programme``: 点对点 batches, subsidies claimed and paid, signed 务工证明.

Every step is idempotent (does nothing when its data is already there). Demo only: never on a real store.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from matching.service import candidates_for_job, jobs_for_worker
from models.actions import applications as application_actions
from models.hiring import applications as application_store
from models.people.users import create_user, get_user_by_username
from models.placement.follow_ups import record_follow_up
from models.placement.placements import add_months, create_placement, end_placement, milestone_dates
from models.store.clock import today as clock_today

#: The demo accounts ``make run`` creates (listed in the README). Demo only: never on a real store.
DEMO_PASSWORD = "tongbang2026"
DEMO_ACCOUNTS = (
    # username, role, display name, what it links to
    ("worker", "worker", "演示求职者", {"worker_external_id": "W00001"}),
    ("employer", "employer", "演示用人单位", {"job_external_id": "J0001"}),
    ("staff", "staff", "演示工作人员", {"scope": ["*"]}),
    ("admin", "admin", "演示管理员", {}),
)



def seed_accounts(db) -> list[str]:
    """One account per role for the demo (password :data:`DEMO_PASSWORD`). Idempotent."""
    made = []
    for username, role, display, link in DEMO_ACCOUNTS:
        if get_user_by_username(db, username) is not None:
            continue
        worker_id = employer_id = None
        if "worker_external_id" in link:
            row = db.execute("SELECT id FROM workers WHERE external_id = ?",
                             (link["worker_external_id"],)).fetchone()
            if row is None:
                continue
            worker_id = row[0]
        if "job_external_id" in link:
            row = db.execute("SELECT employer_id FROM jobs WHERE external_id = ?",
                             (link["job_external_id"],)).fetchone()
            if row is None:
                continue
            employer_id = row[0]
        create_user(db, username, DEMO_PASSWORD, role, display_name=display, worker_id=worker_id,
                    employer_id=employer_id, scope_counties=link.get("scope"), scope_cities=link.get("scope"))
        made.append(username)
    return made


def seed_placement_history(db, today: date | None = None, *, count: int = 40, seed: int = 7) -> int:
    """Create demo placements with follow-up histories as of ``today``; return how many were made.

    A mix that exercises every page: stable at 3/6/12 months, left (back in the queue), overdue follow-ups,
    and at-risk workers (said they might leave, low satisfaction, repeated short jobs, an employer that
    keeps few people). Does nothing when placements already exist (so ``demo load`` can run twice).
    """
    if today is None:
        today = clock_today()
    if db.execute("SELECT COUNT(*) FROM placements").fetchone()[0]:
        return 0
    rng = random.Random(seed)
    # Workers with a demo sign-in stay job-seeking, so the demo shows their 推荐岗位 and applications.
    workers = [r[0] for r in db.execute(
        "SELECT id FROM workers WHERE id NOT IN (SELECT worker_id FROM users WHERE worker_id IS NOT NULL)"
        " ORDER BY id LIMIT ?", (count,))]
    jobs = [r[0] for r in db.execute("SELECT id FROM jobs ORDER BY id")]
    if not workers or not jobs:
        return 0
    staff = db.execute("SELECT id FROM users WHERE role IN ('staff', 'admin') ORDER BY id LIMIT 1").fetchone()
    staff_id = staff[0] if staff else None
    # One employer keeps nobody long, so the retention table and the risk signal show something.
    bad_jobs = jobs[:2]
    channels = ["电话", "电话", "微信", "上门", "单位反馈"]
    made = 0
    for i, worker_id in enumerate(workers):
        kind = ["stable", "stable", "left", "overdue", "risk", "new"][i % 6]
        job_id = bad_jobs[i % 2] if kind == "left" else rng.choice(jobs)
        months_ago = {"stable": rng.choice([4, 7, 8, 13]), "left": rng.choice([2, 4, 5]),
                      "overdue": rng.choice([2, 4, 7]), "risk": rng.choice([2, 4]),
                      "new": 0}[kind]
        start = add_months(today, -months_ago) - timedelta(days=rng.randint(0, 20))
        if kind == "new":
            start = today - timedelta(days=rng.randint(3, 25))
        if i % 11 == 5:  # an earlier short job for some, to show the 'short jobs' risk reason
            early = add_months(start, -5)
            pid0 = create_placement(db, worker_id, job_id=bad_jobs[0], start_date=early, created_by=staff_id)
            end_placement(db, pid0, end_date=early + timedelta(days=40), reason="工作太累", user_id=staff_id)
        pid = create_placement(db, worker_id, job_id=job_id, start_date=start, created_by=staff_id)
        dues = [d for m, d in milestone_dates(start).items()]
        done = [d for d in dues if d <= today]
        if kind == "overdue" and done:
            done = done[:-1]  # the latest milestone was missed
        for n, due in enumerate(done):
            on = min(today, due + timedelta(days=rng.randint(0, 5)))
            last = n == len(done) - 1
            if kind == "left" and last:
                record_follow_up(db, pid, date=on, channel=rng.choice(channels), still_employed=False,
                                 leave_reason=rng.choice(["工资低于预期", "家里有事回乡", "不适应倒班"]),
                                 satisfaction=2, staff_user_id=staff_id, today=today)
                break
            risky = kind == "risk" and last
            record_follow_up(db, pid, date=on, channel=rng.choice(channels), still_employed=True,
                             satisfaction=2 if risky else rng.choice([3, 4, 4, 5]), might_leave=risky,
                             note="说想回老家附近找活" if risky else "工作稳定", staff_user_id=staff_id,
                             today=today)
        made += 1
    return made




def seed_applications(db) -> int:
    """The demo employer's pipeline and the demo worker's inbox, through the same actions as every door.

    The best-ranked candidates of the demo employer's first open postings apply (demo workers have no
    sign-in, so their applications are written as a ledger would); staff recommend one candidate per posting
    and record the worker's phone consent for the first; one application is at 面试. The demo worker (W00001)
    gets a staff recommendation waiting for their answer. Needs the index. Does nothing once the employer
    has applications.
    """
    employer = get_user_by_username(db, "employer")
    staff = get_user_by_username(db, "staff")
    demo_worker = get_user_by_username(db, "worker")
    if employer is None or staff is None or employer.get("employer_id") is None:
        return 0
    if db.execute("SELECT COUNT(*) FROM applications a JOIN jobs j ON j.id = a.job_id WHERE j.employer_id = ?",
                  (employer["employer_id"],)).fetchone()[0]:
        return 0
    skip = {demo_worker["worker_id"]} if demo_worker else set()
    job_ids = [r[0] for r in db.execute("SELECT id FROM jobs WHERE employer_id = ? AND status = 'open' ORDER BY id"
                                        " LIMIT 3", (employer["employer_id"],))]
    made = 0
    for n, job_id in enumerate(job_ids):
        picks = [m.worker_id for m in candidates_for_job(db, job_id, k=5) if m.worker_id not in skip][:3]
        for i, worker_id in enumerate(picks):
            if i == 2:
                app_id = application_actions.recommend(db, staff, worker_id, job_id, note="符合岗位要求，推荐面试")
                if n == 0:
                    application_actions.record_consent(db, staff, app_id, "已电话联系本人，同意去面试")
            else:
                app_id = application_store.insert(db, worker_id, job_id, source="worker", status="待处理",
                                                  consent_via="worker")
                if n == 0 and i == 0:
                    application_actions.change_status(db, employer, app_id, "面试", "约了周三上午面试")
            made += 1
    if demo_worker is not None:
        for match in jobs_for_worker(db, demo_worker["worker_id"], k=5):
            if not db.execute("SELECT 1 FROM applications WHERE worker_id = ? AND job_id = ?",
                              (demo_worker["worker_id"], match.job_id)).fetchone():
                application_actions.recommend(db, staff, demo_worker["worker_id"], match.job_id,
                                              note="这家包吃住、按时发工资，适合您，愿意去的话点“接受推荐”")
                made += 1
                break
    return made


def seed_programme(db, today: date | None = None) -> str:
    """点对点 batches, subsidy states and signed 务工证明 on the demo placements, through the same actions as
    every door (as the demo staff account). Does nothing once a batch exists.

    - a batch per busiest (departure county → city) route of the recent placements, leaving the day before the
      first of them started, its passengers those placements, arrival confirmed for all but one; and one batch
      still to leave next week on the busiest route (what a worker sees on a job page in that city);
    - of the placements whose subsidies are due: every third one claimed, every sixth one also paid (500 元);
    - the 务工证明 of the first five placements with a due subsidy signed off.
    """
    from models.actions import batches as batch_actions
    from models.actions import certificates as certificate_actions
    from models.actions import subsidies as subsidy_actions

    today = today or clock_today()
    staff = get_user_by_username(db, "staff")
    if staff is None or db.execute("SELECT COUNT(*) FROM transport_batches").fetchone()[0]:
        return "已存在，未重复创建"
    routes = db.execute(
        "SELECT w.hukou_county_code, p.city, MIN(p.start_date), COUNT(*) FROM placements p"
        " JOIN workers w ON w.id = p.worker_id WHERE p.status = '在岗' AND p.start_date >= ?"
        " AND w.hukou_county_code IS NOT NULL AND p.city IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) >= 2"
        " ORDER BY 4 DESC, 1, 2 LIMIT 3", (add_months(today, -8).isoformat(),)).fetchall()
    escorts = ["王志强 13800138001", "李秀兰 13800138002"]
    modes = ["bus", "train", "bus"]
    batches = passengers = 0
    for n, (code, city, first_start, _count) in enumerate(routes):
        depart = date.fromisoformat(first_start) - timedelta(days=1)
        batch = batch_actions.create(db, staff, departure_county=code, city=city, depart_date=depart, mode=modes[n],
                                     carrier="县客运公司包车" if modes[n] == "bus" else "铁路团体票",
                                     escorts=escorts[: 1 + n % 2], pickup_note=f"{city}站出站口集合，单位派车接站",
                                     housing_note="单位宿舍，四人间，包吃住")
        batches += 1
        hired = db.execute("SELECT w.external_id FROM placements p JOIN workers w ON w.id = p.worker_id"
                           " WHERE p.status = '在岗' AND p.city = ? AND w.hukou_county_code = ? ORDER BY p.start_date"
                           " LIMIT 12", (city, code)).fetchall()
        for i, (external_id,) in enumerate(hired):
            batch_actions.add_passenger(db, staff, batch["id"], worker_external_id=external_id)
            passengers += 1
            if i < len(hired) - 1 or n:
                batch_actions.confirm_arrival(db, staff, batch["id"], worker_external_id=external_id,
                                              arrived_on=min(today, depart + timedelta(days=1)))
    if routes:
        code, city = routes[0][0], routes[0][1]
        batch_actions.create(db, staff, departure_county=code, city=city, depart_date=today + timedelta(days=7),
                             mode="bus", carrier="县客运公司包车", escorts=escorts[:1],
                             pickup_note=f"{city}站出站口集合，单位派车接站", housing_note="单位宿舍，包吃住")
        batches += 1
    due = subsidy_actions.list_for(db, staff, state="due")
    claimed = paid = signed = 0
    seen: set[int] = set()
    for i, row in enumerate(due):
        if i % 3 == 0 and row["placement_id"] not in seen:
            seen.add(row["placement_id"])
            subsidy_actions.mark_claimed(db, staff, row["placement_id"], row["subsidy_key"],
                                         claimed_on=today - timedelta(days=20))
            claimed += 1
            if i % 6 == 0:
                subsidy_actions.mark_paid(db, staff, row["placement_id"], row["subsidy_key"], amount_yuan=500,
                                          paid_on=today - timedelta(days=5))
                paid += 1
    for placement_id in sorted({r["placement_id"] for r in due})[:5]:
        certificate_actions.sign(db, staff, placement_id, note="已与用人单位核对")
        signed += 1
    return (f"输送批次 {batches} 个（乘车 {passengers} 人）；补贴已申领 {claimed} 项，其中已发放 {paid} 项；"
            f"签发务工证明 {signed} 份")
