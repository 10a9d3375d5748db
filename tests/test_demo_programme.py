"""The demo data set carries the programme: 点对点 batches with arrivals, subsidies claimed and paid, signed
务工证明 (``app.demo.seed_programme``, a step of ``flask --app app demo load``), and a second run adds nothing.

Run on a small store (40 workers of two partner counties, jobs in two cities) with the demo's own placement
history, instead of the whole demo load (minutes on two cores; ``tests/test_demo_data.py`` runs that)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from freezegun import freeze_time

sys.path.insert(0, str(Path(__file__).parent))
from placement_factory import make_job, make_user, make_worker


@freeze_time("2026-12-02 02:00:00")
def test_seed_programme_makes_batches_subsidies_and_certificates(db):
    from app import demo

    make_user(db, "staff")
    for i in range(40):
        county = ("东乡族自治县", "622926", "甘肃省") if i % 2 else ("酉阳土家族苗族自治县", "500242", "重庆市")
        make_worker(db, f"工人{i}", external_id=f"W{i:05d}", province=county[2], county=county[0],
                    hukou_county_code=county[1])
    for i in range(6):
        make_job(db, "普工", employer=f"企业{i % 3}", city=("青岛", "烟台")[i % 2], external_id=f"J{i:04d}")
    today = date(2026, 12, 2)
    assert demo.seed_placement_history(db, today) > 0
    summary = demo.seed_programme(db, today)
    assert summary.startswith("输送批次"), summary

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    figures = {"batches": count("SELECT COUNT(*) FROM transport_batches"),
               "arrived": count("SELECT COUNT(*) FROM batch_passengers WHERE arrived_on IS NOT NULL"),
               "claimed": count("SELECT COUNT(*) FROM subsidy_claims WHERE status = 'claimed'"),
               "paid": count("SELECT COUNT(*) FROM subsidy_claims WHERE status = 'paid'"),
               "signed": count("SELECT COUNT(*) FROM certificate_signoffs")}
    assert all(figures.values()), figures
    # one batch still to leave, so a worker's job page in its city has something to show
    assert count("SELECT COUNT(*) FROM transport_batches WHERE depart_date > '2026-12-02'") == 1
    # every passenger is hired in the batch's city and comes from its departure county
    assert count("SELECT COUNT(*) FROM batch_passengers bp JOIN transport_batches b ON b.id = bp.batch_id"
                 " JOIN placements p ON p.id = bp.placement_id JOIN workers w ON w.id = bp.worker_id"
                 " WHERE p.city != b.city OR w.hukou_county_code != b.departure_county_code") == 0
    assert demo.seed_programme(db, today) == "已存在，未重复创建"
    assert count("SELECT COUNT(*) FROM transport_batches") == figures["batches"]
