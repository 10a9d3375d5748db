"""Marshmallow schemas of the programme resources (subsidies, batches, certificates): the same role as
``app.api.schemas`` (responses whitelisted, bodies validated, OpenAPI components), kept apart so the
programme's resources stay in files of their own."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.schemas import StrList
from models.vocabulary import SUBSIDY_STATES, TRANSPORT_MODES


class SubsidyRowSchema(Schema):
    """One subsidy on one placement: due (computed), claimed or paid (recorded), or excluded."""

    subsidy_key = fields.String(required=True)
    subsidy_name = fields.String(required=True)
    recipient = fields.String()
    payer = fields.String()
    placement_id = fields.Integer(required=True)
    worker_external_id = fields.String(required=True)
    name = fields.String()
    id_masked = fields.String(metadata={"description": "脱敏身份证号"})
    hukou_province = fields.String(allow_none=True)
    hukou_county = fields.String(allow_none=True)
    assistance_status = fields.String(allow_none=True)
    employer_name = fields.String()
    city = fields.String(allow_none=True)
    title = fields.String()
    start_date = fields.String()
    due_from = fields.String(metadata={"description": "可申领日期：入职 + 规定月数"})
    confirmed_on = fields.String(allow_none=True)
    state = fields.String(validate=validate.OneOf(SUBSIDY_STATES))
    state_label = fields.String()
    reason = fields.String()
    amount_yuan = fields.Integer(allow_none=True)
    claimed_on = fields.String(allow_none=True)
    paid_on = fields.String(allow_none=True)


class SubsidyQuerySchema(Schema):
    key = fields.String(metadata={"description": "补贴 key（data/subsidies.toml）"})
    state = fields.String(metadata={"description": "due / claimed / paid / excluded"})


class SubsidyStepSchema(Schema):
    """Body of POST /placements/<id>/subsidies/<key>/claim and /paid."""

    date = fields.Date(allow_none=True, metadata={"description": "申领或发放日期，默认今天"})
    amount_yuan = fields.Integer(allow_none=True, metadata={"description": "金额（元）；发放时未配置当地金额则必填"})
    note = fields.String(allow_none=True)


class EligibleSubsidySchema(Schema):
    """A subsidy the worker receives, and from when (``models.programme.subsidies.eligible_for``)."""

    key = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String()
    payer = fields.String()
    amount_yuan = fields.Integer(allow_none=True)
    amount_text = fields.String()
    evidence = fields.List(fields.String())
    document = fields.String()
    verified = fields.Boolean()
    min_months = fields.Integer()
    from_date = fields.String(allow_none=True)
    from_text = fields.String()
    state = fields.String()
    placement_id = fields.Integer(allow_none=True)


class CertificateSchema(Schema):
    """The fields of a 务工证明."""

    placement_id = fields.Integer(required=True)
    certificate_no = fields.String(required=True)
    worker_name = fields.String()
    worker_external_id = fields.String()
    id_masked = fields.String()
    hukou = fields.String()
    assistance_status = fields.String()
    employer_name = fields.String()
    credit_code = fields.String()
    workplace = fields.String()
    start_date = fields.String()
    months_worked = fields.Integer()
    still_employed = fields.Boolean()
    end_date = fields.String(allow_none=True)
    employment = fields.String()
    pay_range = fields.String()
    signed = fields.String()
    signed_by = fields.String(allow_none=True)
    signed_on = fields.String(allow_none=True)
    issued_on = fields.String()


class CertificateSignSchema(Schema):
    note = fields.String(allow_none=True)


class CountyQuerySchema(Schema):
    county = fields.String(required=True, metadata={"description": "户籍区县，如 酉阳县、甘肃省东乡县"})


class PassengerSchema(Schema):
    worker_external_id = fields.String(required=True)
    name = fields.String()
    phone = fields.String(allow_none=True)
    id_masked = fields.String(allow_none=True)
    hukou = fields.String()
    employer_name = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    placement_id = fields.Integer(allow_none=True)
    arrived_on = fields.String(allow_none=True)


class BatchSchema(Schema):
    """A 点对点 transport batch (with its passengers when read one at a time)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    departure_province = fields.String(allow_none=True)
    departure_county = fields.String(required=True)
    city = fields.String(required=True)
    depart_date = fields.String(required=True)
    mode = fields.String(validate=validate.OneOf(tuple(TRANSPORT_MODES)))
    mode_label = fields.String()
    carrier = fields.String(allow_none=True)
    escorts = fields.List(fields.String())
    pickup_note = fields.String(allow_none=True)
    housing_note = fields.String(allow_none=True)
    passengers = fields.Integer()
    arrived = fields.Integer()
    passenger_list = fields.List(fields.Nested(PassengerSchema))


class BatchInSchema(Schema):
    """Body of POST /batches."""

    departure_county = fields.String(required=True, metadata={"description": "出发区县（酉阳、甘肃省东乡 或代码）"})
    city = fields.String(required=True, metadata={"description": "山东到达城市"})
    depart_date = fields.Date(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(tuple(TRANSPORT_MODES)))
    name = fields.String(allow_none=True)
    carrier = fields.String(allow_none=True)
    escorts = StrList(load_default=list)
    pickup_note = fields.String(allow_none=True)
    housing_note = fields.String(allow_none=True)


class PassengerInSchema(Schema):
    worker_external_id = fields.String(required=True)


class ArrivalInSchema(Schema):
    arrived_on = fields.Date(allow_none=True, metadata={"description": "到达日期，默认今天"})


class BatchSummarySchema(Schema):
    batches = fields.Integer()
    passengers = fields.Integer()
    arrived = fields.Integer()
    routes = fields.List(fields.Dict())


class ExchangeCountySchema(Schema):
    province = fields.String()
    county = fields.String()
    code = fields.String()
