"""Request parsing and response envelopes shared by every API resource.

Responses: one object as ``{"data": {...}}``; a list as ``{"data": [...], "meta": {page, per_page, total}}``.
Bodies and query strings are parsed by the marshmallow schemas of ``app.api.schemas``; a malformed body
is a 400, a well-formed body that breaks a rule is a 422, both naming the offending ``field``.
"""
from __future__ import annotations

import json
import math
from typing import Any

from flask import Response, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import EXCLUDE, Schema, ValidationError

from app.api.errors import ApiError
from models.intake.spreadsheets import nesting_exceeds

MAX_PER_PAGE = 100
#: How deep a request body may nest objects and lists (the API's records are two levels deep).
MAX_JSON_DEPTH = 32
#: The most digits an integer in a request body may have (SQLite's INTEGER is 64-bit: 19 digits).
MAX_INT_DIGITS = 18


class BodyError(ValueError):
    """A request body the API will not read; ``args[0]`` says why, in Chinese."""


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BodyError(f"数字 {text[:12]}… 太大（整数最多 {MAX_INT_DIGITS} 位）")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or len(text) > 40:
        raise BodyError(f"数字 {text[:12]} 超出范围")
    return value


def _no_constant(text: str) -> None:
    raise BodyError(f"不支持 {text}")


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading bodies defensively: at most :data:`MAX_JSON_DEPTH` levels of nesting, integers of at
    most :data:`MAX_INT_DIGITS` digits, finite floats, no NaN/Infinity. Anything else raises
    :class:`BodyError` (a ``ValueError``) with a Chinese reason, which the API answers as a 400."""

    def loads(self, s: str | bytes, **kwargs):
        if isinstance(s, bytes):
            try:
                s = s.decode("utf-8")
            except UnicodeDecodeError:
                raise BodyError("不是 UTF-8 编码") from None
        if nesting_exceeds(s, MAX_JSON_DEPTH):
            raise BodyError(f"嵌套超过 {MAX_JSON_DEPTH} 层")
        try:
            return json.loads(s, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant,
                              **kwargs)
        except BodyError:
            raise
        except (ValueError, RecursionError):
            raise BodyError("格式有误") from None


def _first_error(messages: Any, prefix: str = "") -> tuple[str | None, str]:
    """The first (field, message) of a marshmallow error dict."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}{key}" if key != "_schema" else (prefix.rstrip(".") or None)
            if isinstance(value, dict):
                return _first_error(value, f"{name}." if name else "")
            text = value[0] if isinstance(value, list) and value else str(value)
            return name, _translate(str(text))
    if isinstance(messages, list) and messages:
        return None, _translate(str(messages[0]))
    return None, "数据校验未通过。"


_TRANSLATIONS = {
    "Missing data for required field.": "缺少必填字段。",
    "Unknown field.": "未知字段。",
    "Not a valid integer.": "必须是整数。",
    "Not a valid string.": "必须是字符串。",
    "Not a valid boolean.": "必须是布尔值。",
    "Not a valid date.": "日期格式应为 YYYY-MM-DD。",
    "Field may not be null.": "不能为空。",
    "Not a valid list.": "必须是列表。",
    "Invalid input type.": "输入类型不正确。",
}


def _translate(message: str) -> str:
    if message in _TRANSLATIONS:
        return _TRANSLATIONS[message]
    if message.startswith("Must be one of:"):
        return "取值必须是以下之一：" + message.removeprefix("Must be one of:").strip().rstrip(".")
    if message.startswith("Must be greater than or equal to"):
        return "取值超出允许范围。"
    if message.startswith(("Length must be", "Longer than")):
        return "长度不符合要求。"
    return message


def load_body(schema: Schema) -> dict:
    """Parse the JSON request body with ``schema`` (``partial`` as the schema instance says):
    415/400 when it is not a JSON object, 422 naming the field on a broken rule."""
    if not request.is_json:
        raise ApiError(415)
    try:
        payload = current_app.json.loads(request.get_data(cache=True))
    except ValueError as exc:
        raise ApiError(400, f"请求体不是有效的 JSON：{exc.args[0] if isinstance(exc, BodyError) else '格式有误'}。",
                       code="invalid_json") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "请求体必须是 JSON 对象。")
    try:
        return schema.load(payload)
    except ValidationError as exc:
        field, message = _first_error(exc.messages)
        raise ApiError(422, message, field=field) from None


def load_query(schema: Schema) -> dict:
    """Parse the query string with ``schema`` (unknown parameters are ignored); 400 naming the field."""
    try:
        return schema.load(request.args.to_dict(), unknown=EXCLUDE)
    except ValidationError as exc:
        field, message = _first_error(exc.messages)
        raise ApiError(400, message, field=field) from None


def page_window(args: dict) -> tuple[int, int, int]:
    """``(page, per_page, offset)`` from parsed query args; per_page is clamped to 1..100."""
    page = args.get("page", 1)
    per_page = args.get("per_page", 20)
    if per_page < 1:
        raise ApiError(400, "每页条数必须大于 0。", field="per_page")
    per_page = min(per_page, MAX_PER_PAGE)
    return page, per_page, (page - 1) * per_page


def data_response(obj: Any, schema: Schema, status: int = 200, headers: dict | None = None) -> Response:
    """``{"data": <obj serialised by schema>}``."""
    response = jsonify({"data": schema.dump(obj)})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def list_response(items: list, schema: Schema, *, page: int, per_page: int, total: int) -> Response:
    """``{"data": [...], "meta": {"page", "per_page", "total"}}``."""
    return jsonify({
        "data": schema.dump(items, many=True),
        "meta": {"page": page, "per_page": per_page, "total": total},
    })
