"""What a (worker, job) pair is made of for ranking: the soft signals, each with its evidence.

The hard requirements that decide whether a job may be shown at all are
``models.hiring.eligibility.check_hard`` (a domain rule every door obeys); ranking calls it first.

Soft signals - ``soft_signals`` - are each in 0..1 (0.5 = no information) and carry the evidence the
reasons are written from. Gender is never read here.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from matching import weights as W
from models.hiring.eligibility import HardCheck

# Needs a worker states -> benefit words (or description phrases) that satisfy them.
NEED_SYNONYMS: dict[str, tuple[str, ...]] = {
    "包吃住": ("包吃住", "包食宿", "管吃住", "吃住全包", "免费食宿"),
    "包住": ("包住", "包吃住", "包食宿", "管住", "提供住宿", "免费住宿", "宿舍", "吃住全包", "免费食宿"),
    "包吃": ("包吃", "包吃住", "包食宿", "管吃", "工作餐", "包三餐", "吃住全包", "免费食宿", "食堂"),
    "夫妻房": ("夫妻房", "夫妻宿舍", "夫妻间"),
    "长白班": ("长白班", "常白班", "白班"),
    "五险一金": ("五险一金",),
    "交通补贴": ("交通补贴", "车补", "班车"),
}
# Words in a posting that contradict a need (a 长白班 seeker vs 两班倒).
NEED_CONTRADICTIONS: dict[str, tuple[str, ...]] = {
    "长白班": ("两班倒", "三班倒", "倒班", "夜班"),
}
_SPLIT = re.compile(r"[，,。；;、\n/|]+|\s+|或者|或|和|及")


# --- soft signals ---------------------------------------------------------------------------------------

@dataclass
class Occupation:
    """An occupation code with its display name."""

    code: str
    name: str
    score: float = 0.0
    phrase: str = ""           # the worker's own words it was read from (desired occupations only)


def display_name(name: str) -> str:
    """An occupation name as a worker reads it: without the 大典's L/S marks (绿色/数字职业)."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[LS]+$", "", (name or "").strip())


@lru_cache(maxsize=50_000)
def _classify(text: str) -> tuple[Occupation, ...]:
    return _classify_many([text])[0]


def _classify_many(texts: list[str]) -> list[tuple[Occupation, ...]]:
    """``_classify`` of many texts in one call of the normaliser's batch path (same results, faster)."""
    from models.intake.occupations import get_normaliser

    texts = [text.strip() for text in texts]
    found = get_normaliser().classify_many(texts, k=W.OCCUPATION_TOP_K)
    return [tuple(Occupation(m.code, display_name(m.name), float(getattr(m, "score", 0.0) or 0.0)) for m in matches
                  if float(getattr(m, "score", 1.0) or 0.0) >= W.OCCUPATION_MIN_SCORE) if text else ()
            for text, matches in zip(texts, found)]


def split_phrases(text: str | None) -> list[str]:
    """Split free text (求职意向, 工作经历) into short phrases: 焊工、钢筋工或者普工 -> [焊工, 钢筋工, 普工]."""
    if not text:
        return []
    return [p.strip() for p in re.split(r"[，,。；;、\n/|！!？?]+", text) if p.strip()]


def prepare_worker(worker: dict) -> dict:
    """A copy of the worker with what every pair needs computed once (occupations, words).

    Idempotent: an already prepared worker is returned as it is."""
    if "_word_bigrams" in worker:
        return worker
    prepared = dict(worker)
    prepared["_desired_occ"] = desired_occupations(worker)
    prepared["_experience_occ"] = experience_occupations(worker)
    prepared["_words"] = _worker_words(worker)
    prepared["_word_bigrams"] = _bigrams(prepared["_words"])
    prepared["_vague"] = is_vague(worker, prepared["_desired_occ"])
    prepared["_couple"] = is_couple(worker)
    return prepared


# A seeker who says any job will do (啥活都行, 有活就干, 力气大能吃苦, 工资高点就行): no trade to match, so the
# broad manual jobs (production, loading, sorting, packing, building labour) are what they asked for.
_VAGUE = re.compile(r"啥活|什么活|什么都|啥都|干啥都|都行|都可以|都能干|有活就|力气|能吃苦|挣钱多|工资高|钱多|不挑")
_COUPLE = re.compile(r"两口子|夫妻|和老婆|和老公|跟老婆|跟老公|和爱人|带家属")


def is_vague(worker: dict, desired: list[Occupation] | None = None) -> bool:
    """Whether the worker's 求职意向 says any (manual) job will do and names no specific trade."""
    text = worker.get("desired_jobs") or ""
    if not _VAGUE.search(text):
        return False
    desired = desired_occupations(worker) if desired is None else desired
    return all(is_broad(o.code) for o in desired)


def is_couple(worker: dict) -> bool:
    """A couple looking for work together: 夫妻房 among the needs, or 两口子/夫妻 in the wish."""
    return "夫妻房" in (worker.get("needs") or []) or bool(_COUPLE.search(worker.get("desired_jobs") or ""))


def is_broad(code: str) -> bool:
    """A code that only names a major or middle group (6-00-00-00 生产制造及有关人员): not a trade."""
    parts = code.split("-")
    return len(parts) < 3 or parts[2] == "00"


# The broad manual work of this market, as 职业分类大典 codes (prefixes): production and building work
# (major group 6, except its auxiliary office/safety/QC roles), loading and carrying, sorting and
# warehouse handling, and farm labour. Used for vague seekers only.
MANUAL_PREFIXES = ("6-", "4-02-05-01", "4-02-06-02", "4-02-07-09", "4-02-07-01", "5-0")
NOT_MANUAL_PREFIXES = ("6-31-99", "6-31-06", "6-31-03", "6-29-02-00")


def is_manual(code: str) -> bool:
    return code.startswith(MANUAL_PREFIXES) and not code.startswith(NOT_MANUAL_PREFIXES)


def desired_occupations(worker: dict) -> list[Occupation]:
    """Top occupation of each phrase of the worker's 求职意向 (in order, de-duplicated)."""
    if "_desired_occ" in worker:
        return worker["_desired_occ"]
    out: dict[str, Occupation] = {}
    for phrase in split_phrases(worker.get("desired_jobs")):
        for part in _SPLIT.split(phrase):
            found = _classify(part) if part else ()
            if found and found[0].code not in out:
                out[found[0].code] = replace(found[0], phrase=part.strip())
    return list(out.values())


def experience_occupations(worker: dict) -> list[tuple[Occupation, str]]:
    """Top occupation of each phrase of the worker's 工作经历 and skills, with the phrase it came from."""
    if "_experience_occ" in worker:
        return worker["_experience_occ"]
    out: dict[str, tuple[Occupation, str]] = {}
    phrases = split_phrases(worker.get("experience")) + list(worker.get("skills") or [])
    for phrase in phrases:
        found = _classify(phrase)
        if found and found[0].code not in out:
            out[found[0].code] = (found[0], phrase)
    return list(out.values())


def job_occupations(job: dict) -> list[Occupation]:
    """Occupation codes of a posting's title (top ``OCCUPATION_TOP_K``)."""
    return list(title_occupations(job.get("title") or ""))


# Titles already classified in this process: title -> occupations. Postings are classified when the job
# index syncs them (``classify_titles``), so ranking a candidate only looks its title up here. Bounded:
# emptied when it passes this many titles (a 100k market has ~47k distinct titles, ~15k distinct after
# ``clean_title``), after which titles are looked up again through the persistent cache.
TITLE_CACHE_ENTRIES = 200_000
_titles: dict[str, tuple[Occupation, ...]] = {}


def title_occupations(title: str) -> tuple[Occupation, ...]:
    """The occupations of one posting title (remembered per title in the process)."""
    found = _titles.get(title)
    if found is None:
        found = _classify(title)
        if len(_titles) >= TITLE_CACHE_ENTRIES:
            _titles.clear()
        _titles[title] = found
    return found


def _title_key(title: str) -> str:
    """What ``classify`` actually reads of a title: its cleaned parts (``clean_title``, first six).

    '急招电焊工（长期）' and '电焊工' share the key, so each distinct trade phrase is classified once.
    """
    from models.intake.occupations import clean_title

    return "\x1f".join(clean_title(title or "")[:6])


def classify_titles(titles) -> dict[str, tuple[Occupation, ...]]:
    """Occupations of many posting titles at once: each distinct cleaned title classified once, ever.

    Looks titles up in the process, then in the persistent label cache (``matching.cache``, keyed by
    the normaliser's version), and classifies only what neither knows; remembers the results in both.
    """
    out: dict[str, tuple[Occupation, ...]] = {}
    todo: dict[str, list[str]] = {}
    for title in dict.fromkeys(t or "" for t in titles):
        found = _titles.get(title)
        if found is not None:
            out[title] = found
        else:
            todo.setdefault(_title_key(title), []).append(title)
    if not todo:
        return out
    known: dict[str, tuple[Occupation, ...]] = {}
    try:
        from matching.cache import get_cache

        cache, version = get_cache(), classifier_version()
        known = {key: tuple(Occupation(*item) for item in value)
                 for key, value in cache.lookup_labels(version, list(todo)).items()}
    except Exception:
        logging.getLogger(__name__).warning("occupation label cache unavailable", exc_info=True)
        cache = None
    unknown = [key for key in todo if key not in known]
    fresh = dict(zip(unknown, _classify_many([todo[key][0] if key else "" for key in unknown])))
    for key, group in todo.items():
        occs = known[key] if key in known else fresh[key]
        for title in group:
            out[title] = occs
    if len(_titles) + len(out) > TITLE_CACHE_ENTRIES:
        _titles.clear()
    _titles.update(out)
    if fresh and cache is not None:
        try:
            cache.store_labels(version, {k: [[o.code, o.name, o.score] for o in v] for k, v in fresh.items()})
        except Exception:
            logging.getLogger(__name__).warning("could not store %d occupation labels", len(fresh), exc_info=True)
    return out


@lru_cache(maxsize=1)
def classifier_version() -> str:
    """Names the classifier and its data (code, csv files, ``OCCUPATION_TOP_K``/``MIN_SCORE``): part of
    every persistent label key, so a new occupation list or rule never returns an old label."""
    import hashlib
    from pathlib import Path

    from models.intake import occupations

    digest = hashlib.sha256(f"{W.OCCUPATION_TOP_K}:{W.OCCUPATION_MIN_SCORE}".encode())
    for path in (Path(occupations.__file__), Path(occupations.CSCO_PATH), Path(occupations.COLLOQUIAL_PATH)):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"-")
    return digest.hexdigest()[:16]


def _family(a: str, b: str) -> float:
    """1.0 same code, 0.6 same minor group (X-XX-XX), 0.3 same middle group (X-XX), else 0.0."""
    from models.intake.occupations import same_family

    return float(same_family(a, b))


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def _cjk_bigrams(text: str) -> set[str]:
    """Pairs of adjacent Chinese characters only (numbers such as the 10 of 干了10年 / 月10000 say nothing)."""
    out: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


# Generic bigrams that say nothing about the trade.
_GENERIC = {"工作", "师傅", "员工", "招聘", "长期", "普工", "工人", "操作", "有限", "公司", "经验", "以上",
            "年以", "熟练", "优先", "岗位", "做过", "干过", "几年", "一年", "两年", "三年", "多年"}


def experience_clauses(text: str | None) -> list[str]:
    """Split 工作经历 into clauses, keeping lists inside one clause (二保焊、手工焊都会)."""
    if not text:
        return []
    return [p.strip() for p in re.split(r"[，,。；;\n！!？?]+", text) if p.strip()]


def experience_phrase(worker: dict, job: dict) -> str | None:
    """The clause of the worker's experience that best matches the posting, to quote in a reason."""
    phrases = experience_clauses(worker.get("experience"))
    if not phrases:
        return None
    target = _cjk_bigrams((job.get("title") or "") + "".join(job.get("skills") or [])) - _GENERIC
    job_codes = {o.code for o in job_occupations(job)[:1]}
    best, best_score = None, 0.0
    for phrase in phrases:
        score = float(len(_cjk_bigrams(phrase) & target))
        codes = {o.code for o in _classify(phrase)[:1]}
        if codes & job_codes:
            score += 1.5
        if score > best_score:
            best, best_score = phrase, score
    return best if best_score >= 1 else None


@dataclass
class Signals:
    """Soft signals of one feasible pair (each 0..1; semantic filled in by the ranker) and their evidence."""

    semantic_raw: float = 0.0
    semantic: float = W.NEUTRAL
    occupation: float = 0.0
    occupation_name: str = ""
    occupation_kind: str = ""          # desired broad family experience(_family) skill(_family) manual or ''
    occupation_phrase: str = ""        # the worker's own words the agreement was read from
    experience_phrase: str | None = None
    skills: float = W.NEUTRAL
    skills_matched: list[str] = field(default_factory=list)
    skills_named: list[str] = field(default_factory=list)   # of those, as the worker's record words them
    city: float = W.NEUTRAL
    city_match: str | None = None
    salary: float = W.NEUTRAL
    salary_note: str = ""              # 'above' | 'meets' | 'partial' | 'below' | ''
    needs: float = W.NEUTRAL
    needs_met: list[str] = field(default_factory=list)
    needs_missing: list[str] = field(default_factory=list)
    stability: float | None = None
    held_certificates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        """The weighted signals by name (for scoring and debugging)."""
        d = {"semantic": self.semantic, "occupation": self.occupation, "skills": self.skills,
             "city": self.city, "salary": self.salary, "needs": self.needs}
        if self.stability is not None:
            d["stability"] = self.stability
        return d


def occupation_signal(worker: dict, job: dict, signals: Signals) -> None:
    """Occupation agreement: the job title's code against the worker's desired, then experienced occupations.

    Graded by how close (``weights``): the desired code itself; the same minor group (related trade: 电焊工 /
    切割工; the middle group is too wide: 车工 and 焊工 share 6-18, and 平车工 reads as 车工); experience of the code itself or of its minor group (transferable
    experience); a desired code that only names a broad group (生产制造及有关人员, from 普工/进厂) counts as
    broad agreement; and for a vague seeker any broad manual job does.
    """
    job_occ = job_occupations(job)
    if not job_occ:
        return
    occ = job_occ[0]
    desired = desired_occupations(worker)
    best, kind, name, said = 0.0, "", "", ""

    def take(value: float, what: str, label: str, words: str = "") -> None:
        nonlocal best, kind, name, said
        if value > best:
            best, kind, name, said = value, what, label, words

    for want in desired:
        if want.code == occ.code:
            if is_broad(occ.code):
                take(W.OCCUPATION_BROAD_SAME, "broad", occ.name, want.phrase)
            else:
                take(1.0, "desired", occ.name, want.phrase)
            continue
        if is_broad(want.code):
            if occ.code.startswith(want.code.split("-")[0] + "-") and is_manual(occ.code):
                take(W.OCCUPATION_BROAD, "broad", occ.name, want.phrase)
            continue
        if _family(occ.code, want.code) >= 0.6:
            take(W.OCCUPATION_SAME_FAMILY, "family", occ.name, want.phrase)
    skills = set(worker.get("skills") or [])
    for had, phrase in experience_occupations(worker):
        source = "skill" if phrase in skills else "experience"     # a phrase of the skills list, or of 工作经历
        if had.code == occ.code and not is_broad(occ.code):
            take(W.OCCUPATION_FROM_EXPERIENCE, source, occ.name, phrase)
        elif not is_broad(had.code) and _family(occ.code, had.code) >= 0.6:
            take(W.OCCUPATION_EXPERIENCE_FAMILY, source + "_family", occ.name, phrase)
    if worker.get("_vague", False) and is_manual(occ.code):
        take(W.OCCUPATION_VAGUE_MANUAL, "manual", occ.name, (worker.get("desired_jobs") or "").strip())
    signals.occupation, signals.occupation_kind, signals.occupation_name = best, kind, name
    signals.occupation_phrase = said


def _worker_words(worker: dict) -> str:
    return " ".join([worker.get("experience") or "", worker.get("desired_jobs") or "",
                     " ".join(worker.get("skills") or []), " ".join(worker.get("certificates") or [])])


def skill_signal(worker: dict, job: dict, signals: Signals) -> None:
    """Share of the posting's preferred skills the worker shows (in skills, certificates or experience)."""
    wanted = [s for s in (job.get("skills") or []) if s]
    if not wanted:
        return
    mine = {s for s in (worker.get("skills") or [])}
    words = worker.get("_words") or _worker_words(worker)
    word_bigrams = worker.get("_word_bigrams") or _bigrams(words)
    matched, named = [], []
    for skill in wanted:
        if skill in mine or skill in words:
            matched.append(skill)
            named.append(skill)
            continue
        inside = [m for m in mine if m and (m in skill or skill in m)]
        if inside:
            matched.append(skill)
            named.extend(inside[:1])          # the worker's own word (焊接 for 焊接工艺), never the posting's
        elif len(skill) >= 3 and (_bigrams(skill) & word_bigrams) - _GENERIC:
            matched.append(skill)             # counts for the score; too loose to be named as a skill they have
    signals.skills_matched = matched
    signals.skills_named = list(dict.fromkeys(named))
    signals.skills = len(matched) / len(wanted)


def city_signal(worker: dict, job: dict, signals: Signals) -> None:
    """Desired city: 1 in one of them, 0 elsewhere, neutral when the worker has none (= anywhere)."""
    desired = [c for c in (worker.get("desired_cities") or []) if c]
    if not desired:
        return
    city = job.get("city") or ""
    if city and any(city == c or city in c or c in city for c in desired):
        signals.city, signals.city_match = 1.0, city
    else:
        signals.city = 0.0
        signals.warnings.append(f"不在意向城市（意向：{'、'.join(desired)}）")


def salary_signal(worker: dict, job: dict, signals: Signals) -> None:
    """Salary against the worker's minimum expectation."""
    expected = worker.get("expected_salary")
    low, high = job.get("salary_min"), job.get("salary_max")
    if not expected or (low is None and high is None):
        return
    low = low if low is not None else high
    high = high if high is not None else low
    if low > expected:
        signals.salary, signals.salary_note = 1.0, "above"
    elif low == expected:
        signals.salary, signals.salary_note = 1.0, "meets"
    elif high >= expected:
        signals.salary, signals.salary_note = W.SALARY_PARTIAL, "partial"
    else:
        floor = expected * W.SALARY_FLOOR_RATIO
        share = (high - floor) / (expected - floor) if expected > floor else 0.0
        signals.salary, signals.salary_note = max(0.0, min(share, 1.0)) * W.SALARY_PARTIAL, "below"
        signals.warnings.append(f"月薪低于期望（期望{expected}元）")


def need_met(need: str, job: dict) -> bool:
    """Whether the posting offers what the worker needs (benefits, or said in the description)."""
    benefits = " ".join(job.get("benefits") or [])
    text = benefits + " " + (job.get("description") or "") + " " + (job.get("title") or "")
    for bad in NEED_CONTRADICTIONS.get(need, ()):
        if bad in text:
            return False
    for word in NEED_SYNONYMS.get(need, (need,)):
        if word in text:
            return True
    return False


def needs_signal(worker: dict, job: dict, signals: Signals) -> None:
    """Share of the worker's needs (包吃住, 夫妻房, 长白班 …) the posting meets."""
    needs = [n for n in (worker.get("needs") or []) if n]
    if not needs:
        return
    met = [n for n in needs if need_met(n, job)]
    signals.needs_met = met
    signals.needs_missing = [n for n in needs if n not in met]
    signals.needs = len(met) / len(needs)


def stability_signal(job: dict, stability: dict | None, signals: Signals) -> None:
    """Employer retention share (PLACEMENTS), neutral when unknown for this employer."""
    if stability is None:
        return
    value = stability.get(job.get("employer_id"))
    signals.stability = float(value) if value is not None else W.NEUTRAL


def soft_signals(worker: dict, job: dict, hard: HardCheck, stability: dict | None = None) -> Signals:
    """Every soft signal of a pair that passed ``check_hard`` (semantic is set later by the ranker).

    The quoted experience phrase is evidence for reasons only; the ranker finds it for the top ``k``.
    """
    signals = Signals(held_certificates=list(hard.held_as or hard.held_certificates), warnings=list(hard.warnings))
    occupation_signal(worker, job, signals)
    skill_signal(worker, job, signals)
    city_signal(worker, job, signals)
    salary_signal(worker, job, signals)
    needs_signal(worker, job, signals)
    stability_signal(job, stability, signals)
    return signals
