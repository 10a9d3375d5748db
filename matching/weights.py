"""Every number behind the ranking, in one place, each with the reason it has the value it has.

The score of a feasible (worker, job) pair is a weighted mean of soft signals, each in 0..1:

    score = sum(w_i * s_i) / sum(w_i)   - penalties for unverifiable requirements

so the weights below are relative. Hard requirements (open job, certificates, age, education) are
not weighted at all: they are filters in ``matching.features`` and can never be traded for score.
Gender is never a signal. Values were set on the dev set in ``data/eval/`` *after* its labels were
written (``scripts/bench_matching_quality.py`` prints the effect).
"""
from __future__ import annotations

# --- candidate generation -----------------------------------------------------------------------------
# How many nearest postings the FAISS channel returns before filtering. Hard filters remove a share of
# them (certificates, age) and preferences re-order the rest, so we need several times k; 300 covers
# every posting of one trade in a city-sized market and costs < 2 ms on a flat index of 100k.
SEMANTIC_CANDIDATES = 300
# The lexical (jieba + BM25) channel: postings that share rare words (二保焊, N1, 扎钢筋) with the worker.
# Off (0) by default: on the dev set it adds nothing once the semantic channel returns >= 10 postings
# (grade-2 candidate recall 1.000 with or without it; +0.012 only when cut to 5), while a BM25 index over
# 100k postings must be rebuilt (jieba over every posting) whenever one changes. ``bench --channels``.
LEXICAL_CANDIDATES = 0
# The occupation-code channel: open postings whose title classifies into one of the worker's desired
# occupation codes, those in the worker's desired cities first, capped so a very common code (普工)
# cannot flood the candidate set. Cheap (an in-memory map kept in step by the job index's sync,
# matching.occmap: no scan, no classification at query time) and it
# guarantees the same-trade postings in the right city are scored even when the embedding ranks
# them below the first SEMANTIC_CANDIDATES in a large market.
OCCUPATION_CANDIDATES = 200

# --- soft signals (relative weights) ------------------------------------------------------------------
# Meaning of the whole text (desired jobs + experience vs title + description). The broadest signal,
# and the one that understands 会烧电焊 ~ 焊工; but m3e-small's scale is compressed (unrelated trades
# still score ~0.67), so it is rescaled within the candidate set before weighting (see ranker).
W_SEMANTIC = 0.40  # dev set: 0.30 -> 0.40 raised NDCG 0.911 -> 0.916 with the real occupation normaliser
# Occupation agreement via 职业分类大典 codes: the sharpest "same kind of work" signal when the
# classifier is confident; a job in the worker's desired occupation is what users judge first.
W_OCCUPATION = 0.25
# Skills the posting prefers that the worker has (in skills, certificates or experience words).
W_SKILLS = 0.10
# Desired city: a preference, not a filter. Weighted enough that, among jobs of the same trade, the
# one in the city the worker asked for comes first, but not enough to lift another trade above it.
W_CITY = 0.20  # dev set: 0.08 gave 0.891, 0.15 0.911, 0.25 0.916
# Salary against expectation: people leave jobs that pay below what they asked for.
W_SALARY = 0.07  # dev set: 0.05 slightly better than 0.10 (0.918 vs 0.911)
# Needs against benefits (包吃住, 夫妻房, 长白班): decisive for migrant workers, but a preference.
W_NEEDS = 0.07
# Employer stability (share of placed workers still employed at 3 months, from PLACEMENTS): a small
# nudge towards employers who keep their people; only applied when the caller passes it.
W_STABILITY = 0.03

# --- how each signal is graded --------------------------------------------------------------------------
# Occupation: same code as a desired occupation = 1; same family (e.g. 电焊工 vs 气焊工) = this much;
# matches only something in the experience text (did it before, did not ask for it) = EXPERIENCE.
OCCUPATION_SAME_FAMILY = 0.7   # issue 10, tune half: 0.55 -> 0.7 gave 0.724 -> 0.729, dev 0.960 either way
OCCUPATION_FROM_EXPERIENCE = 0.6
# Related trades (issue 10): the same middle group of a desired code is not counted (6-18 holds 车工 and
# 焊工, and the classifier reads a seamstress's 平车工 as 车工: 0.35 for it gave tune 0.724, dev 0.961 against
# 0.728 / 0.967 without, and told her 焊工 was a related trade); experience whose minor group is the job's (焊工 experience, 切割工 job)
# transfers; a desired code that only names a broad group (普工 -> 生产制造及有关人员) agrees with every
# manual job of that group, weakly; a vague seeker (啥活都行) agrees with every broad manual job.
OCCUPATION_EXPERIENCE_FAMILY = 0.4
OCCUPATION_BROAD = 0.5
OCCUPATION_BROAD_SAME = 0.75      # the broad group itself (普工 wanted, 普工 posted)
OCCUPATION_VAGUE_MANUAL = 0.6
# How many occupation codes to take from the classifier for a text, and the minimum classifier score
# for a code to count (below it the classifier is guessing).
OCCUPATION_TOP_K = 3
# 0.5: read off the classifier's scores, not tuned for NDCG. Trade phrases and titles it knows score
# 0.69-1.0 (电焊工 1.0, 电子厂普工 0.76, 普工就行 0.69); below 0.5 it is matching stray characters:
# 啥活都行 -> 全媒体运营师 0.39, 想要长白班 -> 机要员 0.38, 大棚种菜 -> 餐厅服务员 0.25, titles 采茶工 -> 茶艺师
# 0.45, 蔬菜大棚管理员 -> 物业管理师 0.29. Such a code gave a false "岗位与求职意向一致" reason and a full
# occupation score to the wrong trade; without it the pair simply has no occupation evidence
# (semantic and skills still rank it). Dev set: 0.921 -> 0.9215 (0.3 changes nothing, 0.4-0.6 the same).
OCCUPATION_MIN_SCORE = 0.5

# Salary: job pays at least the expectation at its lower bound = 1; only its upper bound reaches the
# expectation = PARTIAL; below = falls linearly to 0 at SALARY_FLOOR_RATIO of the expectation.
SALARY_PARTIAL = 0.7
SALARY_FLOOR_RATIO = 0.7
# Signals with no data on one side (no expectation, no needs, no desired cities, no stability figure)
# are neutral rather than 0 or 1, so missing data neither helps nor hurts.
NEUTRAL = 0.5

# Semantic rescaling: z-score of the similarity within the candidate set, clipped to +-Z_CLIP and
# mapped to 0..1. z-scoring (not min-max) keeps one outlier from squashing everyone else.
Z_CLIP = 2.5  # dev set: 1.5 -> 0.908, 2.0 -> 0.911, 3.0 -> 0.916

# Missing data to check a hard requirement (no birth year when the job has an age range, no education
# when it has a minimum): the job is kept and flagged for staff, with this score penalty so that
# verified fits of the same quality come first.
PENALTY_UNVERIFIED = 0.05

# --- relevance floor (issue 10: "show fewer jobs rather than wrong ones") ---------------------------------
# A job enters the worker's main list only with evidence that it is their kind of work: any occupation
# agreement above (desired, related, experienced, broad/manual), a preferred skill the worker has, or a
# semantic closeness well above the candidate pool's (rescaled semantic >= SEMANTIC_FLOOR, i.e. a z-score
# of at least +1.75 with Z_CLIP 2.5). Everything else is still a job they can take: it is listed after the
# main list, apart, as 其他在招岗位 (``Scored.other``), never mixed into it.
SEMANTIC_FLOOR = 0.85          # tune half: 0.65 0.7115, 0.75 0.7164, 0.85 0.7242 (dev 0.960 throughout)
SEMANTIC_FLOOR_CODED = 0.9        # z >= +2: the worker's own occupations already say what their work is
# A couple (夫妻房 among the needs) cannot move into a job without a room for two: such jobs lose this much.
PENALTY_NO_COUPLE_ROOM = 0.06
# A vague seeker's own words are pay and housing: those signals weigh this many times more for them.
VAGUE_NEEDS_FACTOR = 2.0

# Seeker keyword filter: the share of keywords that must appear in the posting (1.0 = all of them).
KEYWORD_MIN_SHARE = 1.0


def soft_weights(with_stability: bool) -> dict[str, float]:
    """The weight of each soft signal by name (stability only when the caller supplies it)."""
    weights = {
        "semantic": W_SEMANTIC,
        "occupation": W_OCCUPATION,
        "skills": W_SKILLS,
        "city": W_CITY,
        "salary": W_SALARY,
        "needs": W_NEEDS,
    }
    if with_stability:
        weights["stability"] = W_STABILITY
    return weights
