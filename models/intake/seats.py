"""How far a job is from a worker's home: straight-line distance between division seats, and a rough travel time.

Seat coordinates (the government seat of each province, prefecture and county-level division) are
``data/county-seats/seats.csv``, made by ``scripts/refresh_county_seats.py`` from the ``cpca`` package (MIT
licence; provenance in ``data/county-seats/README.md``). Its codes are a few years older than
``data/admin-divisions`` (梁平县 500228 before it became 梁平区 500155), so a county is found by code, else by
name within its province (suffix-free: 梁平区 finds 梁平县), else its prefecture's seat is used — a worker is
never shown a distance from the wrong place, at worst from their prefecture's seat (the ``approx`` flag).

The job end: the posting's district within its Shandong city when given and known, else the city's seat.

Travel time is an estimate a person can plan with, not a timetable: road and rail distance is taken as 1.3×
the straight line (the usual detour index of China's road network for long trips is 1.2–1.4), covered at
60 km/h on average including transfers and waits (a sleeper train or long-distance bus with a change or two:
酉阳 → 青岛 is about a day and a half by ordinary train, which this gives). Shown rounded: hours under a day,
half-days above.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SEATS_FILE = Path(__file__).resolve().parents[2] / "data" / "county-seats" / "seats.csv"
#: Road/rail distance over straight-line distance (detour index) for long trips.
DETOUR = 1.3
#: Average door-to-door speed of a long trip by bus or ordinary train, transfers included (km/h).
SPEED_KMH = 60.0
EARTH_RADIUS_KM = 6371.0088
_SUFFIXES = ("土家族苗族自治县", "苗族土家族自治县", "族自治县", "自治县", "县", "区", "市", "旗")


@dataclass(frozen=True)
class Seat:
    code: str
    name: str
    lng: float
    lat: float


@lru_cache(maxsize=1)
def _seats() -> dict[str, Seat]:
    with SEATS_FILE.open(encoding="utf-8") as handle:
        return {r["code"]: Seat(r["code"], r["name"], float(r["lng"]), float(r["lat"])) for r in csv.DictReader(handle)}


def _core(name: str) -> str:
    name = (name or "").strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _by_name(prefix: str, name: str) -> Seat | None:
    core = _core(name)
    if not core:
        return None
    found = [s for code, s in _seats().items() if code.startswith(prefix) and not code.endswith("00")
             and _core(s.name) == core]
    return found[0] if len(found) == 1 else None


def county_seat(code: str | None, name: str | None = None) -> tuple[Seat | None, bool]:
    """(the seat of county ``code``/``name``, whether it is only approximate: the prefecture's seat)."""
    seats = _seats()
    code = (code or "").strip()
    if code in seats:
        return seats[code], False
    if code[:2] and name:
        seat = _by_name(code[:2], name)
        if seat:
            return seat, False
    for fallback in (code[:4] + "00", code[:2] + "0000") if len(code) >= 4 else ():
        if fallback in seats and seats[fallback].name not in ("市辖区", "县"):
            return seats[fallback], True
    return None, False


def job_seat(city: str | None, district: str | None = None) -> Seat | None:
    """The seat of a posting's district within its Shandong city (else of the city); None for an unknown city."""
    city = (city or "").strip().removesuffix("市")
    if not city:
        return None
    prefecture = next((s for code, s in _seats().items() if code.startswith("37") and code.endswith("00")
                       and not code.endswith("0000") and s.name.removesuffix("市") == city), None)
    if prefecture is None:
        return None
    if district:
        seat = _by_name(prefecture.code[:4], district)
        if seat:
            return seat
    return prefecture


def distance_km(a: Seat, b: Seat) -> float:
    """Great-circle distance between two seats (haversine), in km."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lng - a.lng)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def travel_hours(km: float) -> float:
    """Rough door-to-door hours for a trip of ``km`` straight-line kilometres (see the module docstring)."""
    return km * DETOUR / SPEED_KMH


def travel_text(hours: float) -> str:
    """What a person reads: 约3小时, 约1天, 约1天半."""
    if hours < 1:
        return "不到1小时"
    if hours < 20:
        return f"约{round(hours)}小时"
    halves = max(2, math.ceil(hours / 12))
    days, half = divmod(halves, 2)
    return f"约{days}天{'半' if half else ''}"


def job_distance(worker: dict, job: dict) -> dict | None:
    """From the worker's home county seat to the job: ``{"from", "to", "km", "hours", "travel", "approx"}``
    (places by their short names: 酉阳, 黄岛), or None when either end is unknown."""
    home, approx = county_seat(worker.get("hukou_county_code"), worker.get("hukou_county"))
    there = job_seat(job.get("city"), job.get("district"))
    if home is None or there is None:
        return None
    km = distance_km(home, there)
    hours = travel_hours(km)
    return {"from": _core(home.name), "to": _core(there.name), "km": round(km), "hours": round(hours, 1),
            "travel": travel_text(hours), "approx": approx}
