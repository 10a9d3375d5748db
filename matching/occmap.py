"""The occupation-code channel's inverted map: occupation code -> open postings, kept in step with the job index.

``matching.index.VectorIndex`` (jobs) owns one ``OccupationMap`` and feeds it the very rows it indexes:
all live rows at a rebuild or a verified load, and every changed row at each sync (a new or edited
posting is in the map at once; a closed or filled one leaves it at once). So a match request never
scans the jobs table nor classifies a title: it asks ``hits(codes, cities, n)``.

Each posting is filed under the top occupation of its title (``matching.features.classify_titles``: each
distinct cleaned title classified once, ever, through the persistent label cache) and its city.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable


class OccupationMap:
    """code -> {city -> set of job ids}, plus each job's own (code, city) to move or drop it."""

    def __init__(self) -> None:
        self._of: dict[int, tuple[str, str]] = {}
        self._by_code: dict[str, dict[str, set[int]]] = {}

    def __len__(self) -> int:
        return len(self._of)

    def reset(self, rows: Iterable[dict]) -> None:
        """Hold exactly these (live) rows."""
        self._of.clear()
        self._by_code.clear()
        self.apply(rows, lambda _row: True)

    def apply(self, rows: Iterable[dict], is_live) -> None:
        """File live rows under their title's code (moving edited ones); drop the others."""
        from matching.features import classify_titles

        rows = list(rows)
        live = [r for r in rows if is_live(r)]
        for row in rows:
            if not is_live(row):
                self._drop(int(row["id"]))
        labels = classify_titles(r.get("title") or "" for r in live)
        for row in live:
            job_id = int(row["id"])
            occs = labels.get(row.get("title") or "") or ()
            entry = (occs[0].code, row.get("city") or "") if occs else None
            if self._of.get(job_id) == entry:
                continue
            self._drop(job_id)
            if entry is not None:
                self._of[job_id] = entry
                self._by_code.setdefault(entry[0], {}).setdefault(entry[1], set()).add(job_id)

    def _drop(self, job_id: int) -> None:
        entry = self._of.pop(job_id, None)
        if entry is None:
            return
        cities = self._by_code.get(entry[0])
        if cities is not None:
            ids = cities.get(entry[1])
            if ids is not None:
                ids.discard(job_id)
                if not ids:
                    del cities[entry[1]]
            if not cities:
                del self._by_code[entry[0]]

    def hits(self, codes: list[str], cities: Iterable[str], n: int) -> list[int]:
        """Up to ``n`` postings filed under ``codes``: those in ``cities`` first, newest (highest id) first."""
        if n <= 0:
            return []
        wanted = set(cities or ())
        near: list[int] = []
        far: list[int] = []
        for code in dict.fromkeys(codes):
            for city, ids in self._by_code.get(code, {}).items():
                (near if city in wanted else far).extend(ids)
        near = list(dict.fromkeys(near))
        out = heapq.nlargest(n, near)
        if len(out) < n:
            seen = set(out)
            out += heapq.nlargest(n - len(out), (i for i in dict.fromkeys(far) if i not in seen))
        return out
