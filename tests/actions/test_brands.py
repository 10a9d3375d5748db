"""劳务品牌 actions on the rulebook world: a county's staff create its brand and add its workers; partner
employers by either side; each brand's figures count linked workers in work and stable, brand courses and
their graduates, and placements at partner employers; workers outside the reader's scope are only counted."""
from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from models.actions import ActionError, training
from models.actions import brands as actions
from models.placement.follow_ups import record_follow_up

TODAY = "2026-12-02 02:00:00"


def actor(world, db, key):
    return world.user(db, key)


def refused(kind, func, *args, **kwargs):
    with pytest.raises(ActionError) as err:
        func(*args, **kwargs)
    assert err.value.kind == kind, err.value
    return err.value


@freeze_time(TODAY)
def test_brand_rules_and_figures(rulebook, db):
    county, city, admin = (actor(rulebook, db, k) for k in ("county_staff", "city_staff", "admin"))
    brand = rulebook.brands["酉阳焊工"]
    # creating: the brand's county only; names unique; the county resolved
    err = refused("forbidden", actions.create_brand, db, city, {"name": "酉阳厨师", "county": "酉阳", "trade": "厨师"})
    assert err.field == "county"
    made = actions.create_brand(db, county, {"name": "酉阳厨师", "county": "酉阳县", "trade": "厨师"})
    assert made["hukou_county"] == "酉阳土家族苗族自治县" and made["hukou_province"] == "重庆市"
    assert refused("conflict", actions.create_brand, db, admin,
                   {"name": "酉阳厨师", "county": "酉阳", "trade": "厨师"}).field == "name"
    err = refused("invalid", actions.create_brand, db, admin, {"name": "", "county": "火星县", "trade": ""})
    assert {f for f, _ in err.errors} == {"name", "trade", "county"}
    # workers: covered and of the brand's county
    refused("not_found", actions.link_worker, db, city, brand, worker_external_id="W-A")
    actions.link_worker(db, county, brand, worker_external_id="W-A")
    actions.link_worker(db, county, brand, worker_external_id="W-C")
    err = refused("conflict", actions.link_worker, db, admin, brand, worker_external_id="W-B")
    assert "不是酉阳土家族苗族自治县" in err.message
    # employers: by city staff of the employer's city; not by someone covering neither side
    actions.link_employer(db, city, brand, employer_name="青岛鑫达焊接有限公司")
    refused("forbidden", actions.link_employer, db, city, brand, employer_name="烟台锦绣服饰有限公司")
    refused("not_found", actions.link_employer, db, county, brand, employer_name="不存在的公司")
    # a brand course and a graduate; C (in 烟台 since 2026-08-01) confirmed at 3 months
    course = training.create_course(db, county, {"title": "焊工提升班", "provider": "酉阳县职业教育中心",
                                                 "certificate": "焊工证", "county": "酉阳", "start_date": "2026-11-01",
                                                 "end_date": "2026-12-20", "seats": 5, "brand_id": brand})
    enrolment = training.enrol(db, county, course["id"], worker_external_id="W-C")
    training.complete(db, county, course["id"], enrolment["id"], completed_on="2026-12-01")
    record_follow_up(db, rulebook.placements["C-out"], date="2026-11-02", channel="电话", still_employed=True,
                     today=date(2026, 12, 2))
    figures = actions.get_brand(db, county, brand)["figures"]
    assert figures == {"workers": 2, "working": 1, "stable_3": 1, "courses": 1, "completed": 1, "employers": 1,
                       "at_partners": 0}
    # county staff see both workers by name; city staff only count them
    assert [w["name"] for w in actions.get_brand(db, county, brand)["workers"]] == ["冉大山", "白云秀"]
    seen = actions.get_brand(db, city, brand)
    assert seen["workers"] == [] and seen["workers_not_shown"] == 2
    listed = {b["name"]: b["figures"]["workers"] for b in actions.list_brands(db, city)}
    assert listed == {"酉阳焊工": 2, "酉阳厨师": 0}
    for key in ("worker", "employer", "anonymous"):
        refused("forbidden", actions.list_brands, db, actor(rulebook, db, key))
