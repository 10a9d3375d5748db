"""One error format for the whole API: ``{"error": {"code", "message", "field"}}``.

Views raise :class:`ApiError` (or any ``werkzeug`` HTTP exception), and the domain actions raise
``models.errors.ActionError`` (its ``kind`` gives the status: invalid 422, forbidden 403, not_found 404,
conflict 409); the handlers registered here turn
every failure under ``/api/v1`` into that JSON body with the right status, including unknown routes
(404), wrong methods (405) and unexpected exceptions (500, logged, never a traceback to the client).
Messages are in Chinese; ``code`` is a stable English token clients can branch on.
"""
from __future__ import annotations

import logging
import re
import traceback

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from models.errors import ActionError

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

#: Default code and Chinese message for each status the API uses.
STATUS_TEXT: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确。"),
    401: ("unauthorized", "需要有效的 API 令牌（Authorization: Bearer <令牌>）。"),
    403: ("forbidden", "没有权限执行此操作。"),
    404: ("not_found", "找不到该资源。"),
    405: ("method_not_allowed", "该地址不支持此请求方法。"),
    409: ("conflict", "与现有数据冲突。"),
    413: ("payload_too_large", "请求内容过大。"),
    415: ("unsupported_media_type", "请求内容必须是 JSON。"),
    422: ("validation_error", "数据校验未通过。"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试。"),
    500: ("internal_error", "服务器内部错误，请稍后再试。"),
}


#: The message for a number the store cannot hold (pages say the same).
TOO_LARGE = "请求中的数字太大（整数最多 18 位）。"


class ApiError(Exception):
    """An error response: ``status`` (HTTP), ``code`` (token), Chinese ``message``, optional ``field``."""

    def __init__(self, status: int, message: str | None = None, *, code: str | None = None,
                 field: str | None = None, headers: dict | None = None) -> None:
        default_code, default_message = STATUS_TEXT.get(status, ("error", "请求失败。"))
        super().__init__(message or default_message)
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.field = field
        self.headers = headers or {}


def error_response(status: int, message: str | None = None, *, code: str | None = None,
                   field: str | None = None, headers: dict | None = None) -> Response:
    """Build the JSON error response for ``status``."""
    err = ApiError(status, message, code=code, field=field, headers=headers)
    return _to_response(err)


def _to_response(err: ApiError) -> Response:
    response = jsonify({"error": {"code": err.code, "message": err.message, "field": err.field}})
    response.status_code = err.status
    for name, value in err.headers.items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _from_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {}
    if status == 405:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            headers["Allow"] = ", ".join(sorted(allowed))
    if status == 429 and exc.response is not None and exc.response.headers.get("Retry-After"):
        headers["Retry-After"] = exc.response.headers["Retry-After"]
    return error_response(status, headers=headers)


_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask anything that looks like a resident ID or mobile number (tracebacks may quote values)."""
    return _PHONE.sub(r"\1****\2", _ID_NUMBER.sub(r"\1********\2", text))


def is_api_request() -> bool:
    """True when the current request addresses the JSON API."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def register(bp: Blueprint) -> None:
    """Attach the error handlers to the API blueprint (and the routing-error hook to the app)."""

    @bp.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        return _to_response(err)

    @bp.errorhandler(ActionError)
    def _action_error(err: ActionError) -> Response:
        """A refused domain action: its kind's status, its Chinese message, the field it is about."""
        return error_response(err.status, err.message, field=err.field)

    @bp.errorhandler(OverflowError)
    def _overflow(_exc: OverflowError) -> Response:
        """A number too large for the store (an id, a page, a salary) is the caller's mistake, not a 500."""
        return error_response(400, TOO_LARGE, code="number_too_large")

    @bp.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return _from_http(exc)

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.error("API 500 on %s %s\n%s", request.method, request.path, scrub(
            "".join(traceback.format_exception(exc))))
        return error_response(500)

    @bp.after_request
    def _no_store(response: Response) -> Response:
        """API answers carry personal data: never cache them."""
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @bp.before_app_request
    def _api_routing_errors() -> Response | None:
        """Unknown /api/v1 routes and wrong methods never reach a view: answer them here in JSON.

        Routing errors are raised only when the request is dispatched, after the before-request
        hooks, so this hook sees them first and no HTML error page is ever rendered for the API.
        """
        exc = request.routing_exception
        if exc is None or not is_api_request():
            return None
        if isinstance(exc, HTTPException) and (exc.code or 500) >= 400:
            return _from_http(exc)
        return None

