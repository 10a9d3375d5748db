"""Marshmallow schemas of the API: they serialise every response, validate every request body, and
are the components of the OpenAPI document (so the document cannot drift from the code).

Output schemas whitelist fields: a store row passed to ``dump`` never leaks a column that is not
declared here (no ``id_number_enc``, no ``id_hash``, no password hash).
"""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate

from models.vocabulary import APPLICATION_STATUSES, JOB_STATUSES, PLACEMENT_STATUSES

_LIST_SEPARATORS = re.compile(r"[、，,;；\s]+")


class StrList(fields.List):
    """A list of strings; a single string is also accepted and split on 、，,;； and whitespace."""

    def __init__(self, **kwargs) -> None:
        super().__init__(fields.String(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return []
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return [part for part in _LIST_SEPARATORS.split(value) if part]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value if v.strip()]
        raise ValidationError("必须是字符串列表。")


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "稳定的英文错误代码，如 not_found"})
    message = fields.String(required=True, metadata={"description": "中文说明"})
    field = fields.String(allow_none=True, metadata={"description": "出错的字段名（如有）"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class MetaSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1), metadata={"description": "页码，从 1 开始"})
    per_page = fields.Integer(load_default=20, metadata={"description": "每页条数，最多 100"})


# ---- workers ---------------------------------------------------------------------------------

class WorkerSchema(Schema):
    """A worker as the API shows it. ``id_number`` appears only on an audited staff reveal."""

    external_id = fields.String(required=True)
    name = fields.String(required=True)
    id_masked = fields.String(allow_none=True, metadata={"description": "脱敏身份证号"})
    id_number = fields.String(metadata={"description": "完整身份证号：仅工作人员/管理员 ?reveal=id_number 时返回，并记审计日志"})
    phone = fields.String(allow_none=True, metadata={"description": "手机号；无权查看联系方式时为脱敏形式"})
    gender = fields.String(allow_none=True)
    birth_year = fields.Integer(allow_none=True)
    hukou_province = fields.String(allow_none=True)
    hukou_county = fields.String(allow_none=True)
    hukou_county_code = fields.String(allow_none=True)
    assistance_status = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    skills = StrList()
    certificates = StrList()
    experience = fields.String(allow_none=True)
    desired_jobs = fields.String(allow_none=True)
    desired_cities = StrList()
    expected_salary = fields.Integer(allow_none=True)
    needs = StrList()
    training_wanted = fields.String(allow_none=True)
    seeking = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()
    visibility = fields.String(metadata={"description": "调用者能看到的程度：full 全部（身份证号脱敏）、contact 联系方式、"
                                                        "masked 脱敏"})


class WorkerInSchema(Schema):
    """Body of POST/PATCH /workers: SCHEMA.md field names; domain rules come from models.intake.records."""

    external_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True)
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    birth_year = fields.Integer(allow_none=True)
    hukou_province = fields.String(allow_none=True)
    hukou_county = fields.String(allow_none=True)
    assistance_status = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    skills = StrList()
    certificates = StrList()
    experience = fields.String(allow_none=True)
    desired_jobs = fields.String(allow_none=True)
    desired_cities = StrList()
    expected_salary = fields.Raw(allow_none=True, metadata={"description": "整数（元/月），也接受“8千”“0.8万”"})
    needs = StrList()
    training_wanted = fields.String(allow_none=True)
    seeking = fields.Boolean(metadata={"description": "是否正在找工作"})


class WorkerQuerySchema(PageQuerySchema):
    q = fields.String(metadata={"description": "按姓名、编号、手机号、身份证号或其前6位/后4位搜索"})
    county = fields.String(metadata={"description": "户籍区县"})
    status = fields.String(metadata={"description": "帮扶身份"})
    seeking = fields.Boolean(metadata={"description": "true 只看正在找工作的，false 只看已就业/暂不找的"})


class AccountInSchema(Schema):
    """Body of POST /workers/<external_id>/account."""

    username = fields.String(allow_none=True, metadata={"description": "登录名；不填则用求职者的手机号"})
    password = fields.String(required=True, metadata={"description": "初始密码，至少8位"})


class AccountSchema(Schema):
    user_id = fields.Integer(required=True)
    username = fields.String(required=True)
    worker_external_id = fields.String(required=True)


class RevealQuerySchema(Schema):
    reveal = fields.String(validate=validate.OneOf(["id_number"]),
                           metadata={"description": "id_number：返回完整身份证号（仅工作人员/管理员，记审计日志）"})


# ---- jobs ------------------------------------------------------------------------------------

class JobSchema(Schema):
    external_id = fields.String(required=True)
    employer_name = fields.String(allow_none=True)
    employer_credit_code = fields.String(allow_none=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    salary_min = fields.Integer(allow_none=True)
    salary_max = fields.Integer(allow_none=True)
    headcount = fields.Integer(allow_none=True)
    age_min = fields.Integer(allow_none=True)
    age_max = fields.Integer(allow_none=True)
    education_min = fields.String(allow_none=True)
    required_certificates = StrList()
    skills = StrList()
    benefits = StrList()
    status = fields.String(validate=validate.OneOf(JOB_STATUSES))
    created_at = fields.String()
    updated_at = fields.String()


class JobInSchema(Schema):
    """Body of POST/PATCH /jobs. An employer's postings always carry the employer's own name."""

    external_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    employer_name = fields.String(allow_none=True)
    employer_credit_code = fields.String(allow_none=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    salary_min = fields.Raw(allow_none=True)
    salary_max = fields.Raw(allow_none=True)
    headcount = fields.Integer(allow_none=True)
    age_min = fields.Integer(allow_none=True)
    age_max = fields.Integer(allow_none=True)
    education_min = fields.String(allow_none=True)
    required_certificates = StrList()
    skills = StrList()
    benefits = StrList()
    status = fields.String(validate=validate.OneOf(JOB_STATUSES))


class JobQuerySchema(PageQuerySchema):
    q = fields.String(metadata={"description": "关键词"})
    city = fields.String(metadata={"description": "工作城市（山东 16 市之一）"})
    status = fields.String(validate=validate.OneOf(JOB_STATUSES),
                           metadata={"description": "默认 open；其他状态仅本单位或工作人员可见"})
    mine = fields.Boolean(metadata={"description": "用人单位：只看本单位的岗位（含已关闭）"})


# ---- matches ---------------------------------------------------------------------------------

class MatchSchema(Schema):
    """One match, the same object as ``flask match ... --json`` prints."""

    external_id = fields.String(required=True)
    score = fields.Float(required=True)
    reasons = fields.List(fields.String(), required=True)


class MatchQuerySchema(Schema):
    k = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100),
                       metadata={"description": "返回条数，1–100"})


# ---- applications ----------------------------------------------------------------------------

class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    worker_external_id = fields.String(required=True)
    worker_name = fields.String(allow_none=True)
    job_external_id = fields.String(required=True)
    job_title = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    source = fields.String(metadata={"description": "worker：本人投递；staff：工作人员推荐"})
    note = fields.String(allow_none=True)
    consent_via = fields.String(allow_none=True,
                                metadata={"description": "worker：本人投递或接受；staff_phone：工作人员记录电话同意"})
    created_at = fields.String()
    updated_at = fields.String()


class ApplicationInSchema(Schema):
    """Body of POST /applications: a worker applies for themself; staff recommend a worker."""

    job_external_id = fields.String(required=True)
    worker_external_id = fields.String(metadata={"description": "工作人员推荐时必填；求职者本人投递时省略"})
    note = fields.String(allow_none=True, validate=validate.Length(max=500),
                         metadata={"description": "工作人员推荐时写给求职者的说明"})


class ApplicationNoteSchema(Schema):
    """Body of accept/decline/withdraw/consent: an optional note (required for consent)."""

    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class ApplicationUpdateSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class ApplicationQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    job_external_id = fields.String()


# ---- placements ------------------------------------------------------------------------------

class PlacementSchema(Schema):
    id = fields.Integer(required=True)
    worker_external_id = fields.String(required=True)
    worker_name = fields.String(allow_none=True)
    job_external_id = fields.String(allow_none=True)
    employer_name = fields.String(required=True)
    city = fields.String(allow_none=True)
    title = fields.String(required=True)
    start_date = fields.String(required=True)
    status = fields.String(validate=validate.OneOf(PLACEMENT_STATUSES))
    end_date = fields.String(allow_none=True)
    leave_reason = fields.String(allow_none=True)
    created_at = fields.String()


class PlacementInSchema(Schema):
    """Body of POST /placements: a job on the platform, or an employer and title found outside it."""

    worker_external_id = fields.String(required=True)
    job_external_id = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    start_date = fields.Date(required=True, metadata={"description": "上岗日期 YYYY-MM-DD"})


class PlacementQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(PLACEMENT_STATUSES))


class FollowUpInSchema(Schema):
    """Body of POST /placements/<id>/follow-ups (the rules: ``models.actions.placements.record_follow_up``)."""

    date = fields.Date(load_default=None, metadata={"description": "回访日期 YYYY-MM-DD，默认今天"})
    channel = fields.String(required=True, metadata={"description": "电话、上门、微信 或 单位反馈"})
    still_employed = fields.Boolean(required=True, metadata={"description": "是否仍在岗；false 即登记离职"})
    leave_reason = fields.String(allow_none=True, validate=validate.Length(max=200))
    satisfaction = fields.Integer(allow_none=True, metadata={"description": "满意度 1–5"})
    might_leave = fields.Boolean(load_default=False, metadata={"description": "本人表示可能离职"})
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class FollowUpSchema(Schema):
    id = fields.Integer(required=True)
    placement_id = fields.Integer(required=True)
    date = fields.String(required=True)
    channel = fields.String(required=True)
    still_employed = fields.Boolean(required=True)
    leave_reason = fields.String(allow_none=True)
    satisfaction = fields.Integer(allow_none=True)
    might_leave = fields.Boolean()
    note = fields.String(allow_none=True)
    created_at = fields.String()


class PlacementEndSchema(Schema):
    """Body of POST /placements/<id>/end: the worker left (离职)."""

    end_date = fields.Date(required=True, metadata={"description": "离职日期 YYYY-MM-DD"})
    leave_reason = fields.String(allow_none=True, validate=validate.Length(max=200))


# ---- ledger imports and list comparisons (staff) ----------------------------------------------

class ImportRejectionSchema(Schema):
    row_number = fields.Integer(required=True, metadata={"description": "行号（表头为第 1 行）"})
    external_id = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    label = fields.String(metadata={"description": "字段的中文名"})
    reason = fields.String(required=True)


class ImportBatchSchema(Schema):
    """One ledger import's report; ``rejections`` (every refused row) on the report itself, not in lists."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "workers 或 jobs"})
    filename = fields.String(required=True)
    total_rows = fields.Integer()
    added = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    rejections = fields.List(fields.Nested(ImportRejectionSchema))


class ComparisonRowSchema(Schema):
    row_number = fields.Integer(allow_none=True)
    kind = fields.String(required=True, metadata={"description": "matched、changed、new、dropped、mismatched、bad"})
    name = fields.String(allow_none=True)
    id_masked = fields.String(allow_none=True)
    old_status = fields.String(allow_none=True)
    new_status = fields.String(allow_none=True)
    detail = fields.String(allow_none=True)


class ComparisonSchema(Schema):
    """One 数据比对 and its counts; ``rows`` (the findings) on the comparison itself, not in lists."""

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    list_status = fields.String(required=True)
    total_rows = fields.Integer()
    matched = fields.Integer()
    changed = fields.Integer()
    new = fields.Integer()
    dropped = fields.Integer()
    mismatched = fields.Integer()
    bad = fields.Integer()
    applied_at = fields.String(allow_none=True)
    created_at = fields.String()
    rows = fields.List(fields.Nested(ComparisonRowSchema))


class ComparisonApplySchema(Schema):
    applied = fields.Integer(required=True, metadata={"description": "已更新帮扶身份的人数"})
    skipped = fields.Integer(required=True, metadata={"description": "上传后已被修改、未更新的人数"})
    out_of_scope = fields.Integer(required=True, metadata={"description": "不在负责范围、未更新的人数"})


# ---- tokens and the caller -------------------------------------------------------------------

class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(allow_none=True)
    created_at = fields.String()
    last_used_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    active = fields.Boolean()


class MeSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    worker_external_id = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True)

