"""Every number behind placement stability, in one place: milestones and risk weights (subsidies: data/subsidies.toml).

Change a policy here and nowhere else. Each constant says where it comes from or why it has its value.
Nothing here touches the database; ``models.placement.placements``, ``models.placement.follow_ups`` and ``models.placement.stability``
read these names.
"""
from __future__ import annotations

# --- Milestones ---------------------------------------------------------------------------------------
# Follow-ups are due 1, 3, 6 and 12 months after the start date (同帮共富 tracks stable employment at
# 3/6/12 months; the 1-month call catches early drop-outs while they can still be helped).
# Month arithmetic: the same day of the month N months later, clamped to the last day of that month when
# the month is shorter (2024-01-31 + 1 month = 2024-02-29, 2023-01-31 + 1 month = 2023-02-28,
# 2024-02-29 + 12 months = 2025-02-28). A milestone is reached ON that date ("exactly 3 months").
MILESTONE_MONTHS: tuple[int, ...] = (1, 3, 6, 12)

# "Stable at N months" (SCHEMA.md): a follow-up dated on or after the N-month milestone confirms the
# worker is still employed, and the placement had not ended before that date.
STABLE_MONTHS: tuple[int, ...] = (3, 6, 12)

# A milestone follow-up is "overdue" the day after its due date. The queue shows due-today and overdue.
# The queue also lists follow-ups falling due within this many days, so staff can plan visits ahead.
UPCOMING_DAYS = 7

# A previous job that ended within this many days counts as a "short job" (a drop-out before the first
# stable milestone at 3 months is the pattern field staff describe as 干不长).
SHORT_JOB_DAYS = 90


# --- Subsidies ------------------------------------------------------------------------------------------
# The transport subsidy (甘人社通〔2024〕155号) and every other subsidy are configuration now:
# data/subsidies.toml, read and checked by models.programme.subsidies (``transport()`` is this one).


# --- Risk of leaving ------------------------------------------------------------------------------------
# Points add up to a score clipped to 0..100. The weights are judgement, not a fitted model (there is no
# outcome data yet): the strongest signal is the worker saying so, then what staff observe directly,
# then history. Revisit once a year of follow-ups exists.
RISK_MIGHT_LEAVE = 40          # the worker told us they might leave: the most direct evidence there is
RISK_LOW_SATISFACTION = 25     # satisfaction 1-2 of 5 at the latest follow-up: unhappy workers leave
RISK_MID_SATISFACTION = 10     # satisfaction 3: lukewarm
RISK_OVERDUE = 15              # follow-up overdue: we do not know how they are, and nobody is helping
RISK_OVERDUE_PER_WEEK = 5      # ... plus this per full week overdue,
RISK_OVERDUE_MAX = 30          # ... up to this much in total
RISK_SHORT_JOB = 12            # each earlier job that ended within SHORT_JOB_DAYS: a pattern of drop-outs
RISK_SHORT_JOB_MAX = 24        # ... but history alone should not make a worker "high risk"
RISK_EMPLOYER = 20             # employer keeps fewer than half of its people to 3 months (rate scaled)
RISK_EMPLOYER_BELOW = 0.5      # retention below this counts against the employer
RISK_EMPLOYER_MIN_KNOWN = 3    # ... only with at least this many known 3-month outcomes (small samples lie)

RISK_HIGH = 50                 # score >= this: 高
RISK_MEDIUM = 25               # score >= this: 中, else 低

# Employer retention is offered to matching only with at least this many known outcomes.
RETENTION_MIN_KNOWN = 2
