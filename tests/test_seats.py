"""Distance from a worker's home county seat to a job (models.intake.seats), on the shipped seat data."""
from __future__ import annotations

import pytest

from models.intake.seats import county_seat, job_distance, job_seat, travel_text


def test_distance_between_real_seats():
    d = job_distance({"hukou_county_code": "500242", "hukou_county": "酉阳土家族苗族自治县"}, {"city": "青岛"})
    # 酉阳 (108.77E, 28.84N) to 青岛 (120.38E, 36.07N): about 1,370 km on the sphere.
    assert d["from"] == "酉阳" and d["to"] == "青岛" and 1330 <= d["km"] <= 1410 and not d["approx"]
    assert d["travel"] == "约1天半"
    near = job_distance({"hukou_county_code": "370283", "hukou_county": "平度市"}, {"city": "青岛市"})
    assert 70 <= near["km"] <= 100 and near["travel"] == "约2小时"


def test_renamed_and_unknown_divisions():
    seat, approx = county_seat("500155", "梁平区")        # was 梁平县 500228 in the seat data: found by name
    assert seat.code == "500228" and not approx
    seat, approx = county_seat("622999", "不存在县")      # unknown county of 临夏州: the prefecture's seat, flagged
    assert seat.code == "622900" and approx
    assert county_seat(None)[0] is None
    assert job_seat("青岛", "黄岛").name == "黄岛区" and job_seat("青岛", "某工业园").name == "青岛市"
    assert job_seat("成都") is None                       # not a Shandong city: no distance rather than a wrong one
    assert job_distance({"hukou_county_code": ""}, {"city": "青岛"}) is None


@pytest.mark.parametrize("hours,text", [(0.5, "不到1小时"), (3.4, "约3小时"), (19, "约19小时"), (23.7, "约1天"),
                                        (28.9, "约1天半"), (40, "约2天")])
def test_travel_text(hours, text):
    assert travel_text(hours) == text
