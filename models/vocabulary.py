"""Every value list of the domain, defined once, with the Chinese a person reads for each value.

Pages, the API schemas, the database CHECK constraints (``models.store.db``) and the rules all take their
lists from here; nothing else spells them out.
"""
from __future__ import annotations

# --- postings (岗位) ------------------------------------------------------------------------------------
JOB_STATUSES = ("open", "closed", "filled")
JOB_STATUS_LABELS = {"open": "招聘中", "closed": "已停招", "filled": "已招满"}

# --- applications (投递) and staff recommendations (推荐) ---------------------------------------------------
#: A staff recommendation waits for the worker's consent (``推荐待确认``); when the worker accepts it (or staff
#: record that the worker agreed by phone) it joins the pipeline at ``待处理`` like an application the worker
#: made. ``撤回``: the worker withdrew; ``已谢绝``: the worker declined the recommendation.
APPLICATION_STATUSES = ("推荐待确认", "待处理", "已联系", "面试", "录用", "不合适", "撤回", "已谢绝")
#: The pipeline an employer works through, in order.
PIPELINE_STATUSES = ("待处理", "已联系", "面试", "录用", "不合适")
#: What a pipeline step may be changed to by the employer or staff (录用 is final: it made a placement).
PIPELINE_MOVES = ("待处理", "已联系", "面试", "录用", "不合适")
#: Statuses nothing moves out of.
FINAL_APPLICATION_STATUSES = frozenset({"录用", "撤回", "已谢绝"})
#: What the worker reads for each status (plain words).
WORKER_STATUS_LABELS = {
    "推荐待确认": "工作人员推荐给您，等您确认",
    "待处理": "已投递，等待单位查看",
    "已联系": "单位已联系您",
    "面试": "约了面试",
    "录用": "已录用",
    "不合适": "单位认为暂不合适",
    "撤回": "您已撤回",
    "已谢绝": "您没有接受这个推荐",
}
#: What the employer reads for the statuses that are not pipeline steps.
EMPLOYER_STATUS_LABELS = {"推荐待确认": "工作人员已推荐，等求职者确认", "撤回": "求职者已撤回",
                          "已谢绝": "求职者未接受推荐"}
APPLICATION_SOURCES = ("worker", "staff")
SOURCE_LABELS = {"worker": "自己投递", "staff": "工作人员推荐"}
#: How a worker's consent to a recommendation was given.
CONSENT_VIA = {"worker": "求职者本人确认", "staff_phone": "工作人员电话确认"}

# --- placements (就业记录) and follow-ups (回访) ------------------------------------------------------------
PLACEMENT_STATUSES = ("在岗", "离职")
FOLLOW_UP_CHANNELS = ("电话", "上门", "微信", "单位反馈")

# --- workers (求职者) ------------------------------------------------------------------------------------
#: 帮扶身份, most supported first.
ASSISTANCE_STATUSES = ("脱贫享受政策人口", "防止返贫监测对象", "低保对象", "特困人员", "一般农村劳动力")
#: 学历, ordered (高中 and 中专/技校 are the same level).
EDUCATION_LEVELS = ("小学及以下", "初中", "高中", "中专/技校", "大专", "本科及以上")
#: The statuses a 数据比对 list can confirm.
LIST_STATUSES = ("脱贫享受政策人口", "防止返贫监测对象")

# --- ledgers ---------------------------------------------------------------------------------------------
LEDGER_KINDS = {"workers": "求职者", "jobs": "岗位"}

# --- the programme around the match (补贴、务工证明、点对点输送) ---------------------------------------------
#: Who receives a configured subsidy (``data/subsidies.toml``).
SUBSIDY_RECIPIENTS = {"worker": "务工人员", "employer": "用人单位"}
#: What a subsidy is paid on: a placement (confirmed months of work) or a training course.
SUBSIDY_TRIGGERS = ("placement", "training")
#: The states of a subsidy on a placement (due is computed; claimed and paid are recorded).
SUBSIDY_STATES = ("due", "claimed", "paid", "excluded")
#: 点对点输送: how a batch travels.
TRANSPORT_MODES = {"bus": "包车（大巴）", "train": "火车", "flight": "飞机"}
