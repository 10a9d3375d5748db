"""Reasons are true and specific (issue 10), checked over the whole demo set (data/demo: 2,000 workers x 500
postings) with the real ranker, the real occupation normaliser and the shipped static encoder.

For every worker's first 20 jobs (main list and 其他在招岗位):
- every certificate a reason says the worker holds is one their record holds (``holds_certificate``);
- every skill a reason names, every experience it quotes and every wish it quotes is in the worker's record;
- no reason is the old generic line, and two jobs get the same list only when the evidence behind them
  (occupation agreement, certificates, experience, skills, city, pay, needs) is the same.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from models.intake.certificates import holds_certificate
from models.intake.records import clean_job, clean_worker

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
TOP = 20
CANDIDATES = 120
GENERIC = "岗位内容与求职意向和经历相近"


def _rows(name: str) -> list[dict]:
    with (DEMO / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def ranked_demo(monkeypatch_module):
    from matching.encoder import StaticEncoder
    from matching.features import job_occupations, prepare_worker
    from matching.ranker import rank_jobs, semantic_scaler
    from matching.text import job_text, worker_text

    jobs = []
    for i, row in enumerate(_rows("jobs.jsonl"), start=1):
        record, errors = clean_job(row)
        assert record is not None, errors
        jobs.append(record | {"id": i, "employer_id": i})
    workers = []
    for i, row in enumerate(_rows("workers.jsonl"), start=1):
        record, errors = clean_worker(row)
        assert record is not None, errors
        workers.append(record | {"id": i})
    encoder = StaticEncoder()
    sims = np.asarray(encoder.encode([worker_text(w) for w in workers])) @ np.asarray(
        encoder.encode([job_text(j) for j in jobs])).T
    families = [{o.code[:7] for o in job_occupations(j)[:1]} for j in jobs]
    out = []
    for wi, worker in enumerate(workers):
        # the service's two channels at demo scale: the closest postings by text, and every posting of a
        # family the worker wants or did (scaled against all postings, as the service scales its pool)
        worker = prepare_worker(worker)
        codes = {o.code[:7] for o in worker["_desired_occ"]} | {o.code[:7] for o, _ in worker["_experience_occ"]}
        chosen = set(np.argsort(-sims[wi])[:CANDIDATES].tolist())
        chosen |= {ji for ji, fam in enumerate(families) if fam & codes}
        ranked = rank_jobs(worker, [(jobs[ji], float(sims[wi, ji])) for ji in sorted(chosen)],
                           scale=semantic_scaler(sims[wi].tolist()), explain_top=TOP)
        out.append((worker, ranked[:TOP]))
    return out


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _record_text(worker: dict) -> str:
    return " ".join([worker.get("experience") or "", worker.get("desired_jobs") or "",
                     " ".join(worker.get("skills") or []), " ".join(worker.get("certificates") or [])])


def _quoted(reason: str) -> list[str]:
    return [q.rstrip("…") for q in re.findall(r"“([^”]+)”", reason)]


def test_every_named_certificate_skill_and_experience_is_in_the_workers_record(ranked_demo):
    checked = 0
    for worker, ranked in ranked_demo:
        text = _record_text(worker)
        experience = worker.get("experience") or ""
        for scored in ranked:
            for reason in scored.reasons:
                if reason.startswith("持有"):
                    assert holds_certificate(worker.get("certificates") or [], reason[2:]), (worker["external_id"],
                                                                                           reason)
                elif reason.startswith("技能相符："):
                    for skill in reason.split("：", 1)[1].split("、"):
                        assert skill in text, (worker["external_id"], reason, text)
                elif reason.startswith(("相关技能：", "技能对口：")):
                    skill = reason.split("：", 1)[1].split("（")[0]
                    assert skill in (worker.get("skills") or []), (worker["external_id"], reason)
                elif reason.startswith(("经历相关：", "经历对口：")):
                    quote = reason.split("：", 1)[1].split("（相关工种")[0].rstrip("…")
                    assert quote in experience, (worker["external_id"], reason)
                for quote in _quoted(reason):
                    assert quote in text, (worker["external_id"], reason)
                checked += 1
            if scored.signals.experience_phrase:
                assert scored.signals.experience_phrase in experience
    assert checked > 20_000


def test_different_jobs_share_a_reason_list_only_for_the_same_evidence(ranked_demo):
    def evidence(scored):
        s = scored.signals
        job = scored.record
        return (s.occupation_kind, s.occupation_name, s.occupation_phrase, tuple(s.held_certificates),
                s.experience_phrase, tuple(s.skills_named), s.city_match, s.salary_note, job.get("salary_min"),
                job.get("salary_max"), tuple(s.needs_met))

    for worker, ranked in ranked_demo:
        seen: dict[tuple, tuple] = {}
        for scored in ranked:
            assert GENERIC not in scored.reasons
            key = tuple(scored.reasons)
            if key in seen:
                assert seen[key] == evidence(scored), (worker["external_id"], key)
            seen[key] = evidence(scored)


def test_the_seamstress_is_not_told_a_welding_job_is_her_kind_of_work(ranked_demo):
    seamstresses = [(w, r) for w, r in ranked_demo if "缝纫" in " ".join(w.get("skills") or [])
                    and not re.search(r"焊", _record_text(w))]
    assert len(seamstresses) > 20
    for worker, ranked in seamstresses:
        for scored in ranked:
            if "焊" in (scored.record.get("title") or ""):
                assert scored.other, (worker["external_id"], scored.record["title"], scored.reasons)
                assert not any(r.startswith(("岗位与求职意向一致", "与求职意向", "符合求职意向", "技能相符", "经历相关"))
                               for r in scored.reasons)
