"""The OpenAPI 3 document, generated from the code at ``GET /api/v1/openapi.json``.

Each view declares what it takes and returns with :func:`doc`, naming the same marshmallow schemas
it uses to parse and serialise. The document is built from ``app.url_map`` (every ``api.*`` rule, via
apispec's FlaskPlugin) plus those declarations, so a route cannot exist without appearing here and a
schema cannot differ between the document and the responses.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask, current_app, jsonify
from marshmallow import Schema, fields

from app.api import bp
from app.api.schemas import ErrorSchema, MetaSchema

API_VERSION = "1.0.0"
ERROR_STATUSES = {
    400: "请求格式不正确", 401: "未认证或令牌无效", 403: "无权限", 404: "不存在", 405: "方法不允许",
    409: "冲突", 415: "请求体必须是 JSON", 422: "校验未通过", 429: "请求过于频繁", 500: "服务器错误",
}


def doc(summary: str, *, tags: tuple[str, ...] = (), query: type[Schema] | None = None,
        body: type[Schema] | Schema | None = None, response: type[Schema] | None = None, many: bool = False,
        paged: bool = False, status: int = 200, errors: tuple[int, ...] = (),
        public: bool = False, description: str = "") -> Callable:
    """Declare a view's contract for the OpenAPI document (the view itself uses the same schemas).

    ``body`` may be a schema instance, e.g. ``WorkerInSchema(partial=True)`` for a PATCH.
    """

    def decorator(view: Callable) -> Callable:
        view.api_doc = {  # type: ignore[attr-defined]
            "summary": summary, "tags": tags, "query": query, "body": body, "response": response,
            "many": many, "paged": paged, "status": status, "errors": errors, "public": public,
            "description": description,
        }
        return view

    return decorator


_envelopes: dict[tuple[str, str], type[Schema]] = {}


def _envelope(schema: type[Schema], kind: str) -> type[Schema]:
    """``{"data": X}``, ``{"data": [X]}`` or ``{"data": [X], "meta": Meta}`` as a named schema."""
    key = (schema.__name__, kind)
    if key not in _envelopes:
        name = schema.__name__.removesuffix("Schema")
        if kind == "one":
            attrs = {"data": fields.Nested(schema, required=True)}
            cls_name = f"{name}Response"
        elif kind == "list":
            attrs = {"data": fields.List(fields.Nested(schema), required=True)}
            cls_name = f"{name}ListResponse"
        else:
            attrs = {"data": fields.List(fields.Nested(schema), required=True),
                     "meta": fields.Nested(MetaSchema, required=True)}
            cls_name = f"{name}PageResponse"
        _envelopes[key] = Schema.from_dict(attrs, name=cls_name)
    return _envelopes[key]


def envelope_schema(schema: type[Schema], *, many: bool = False, paged: bool = False) -> type[Schema]:
    """The response envelope schema class used for ``schema`` (tests validate responses with it)."""
    return _envelope(schema, "paged" if paged else "list" if many else "one")


def _methods(rule: Any) -> list[str]:
    return sorted(m for m in (rule.methods or ()) if m not in {"HEAD", "OPTIONS"})


def _operation(rule: Any, method: str, view: Callable) -> dict:
    info = getattr(view, "api_doc", None) or {}
    op: dict[str, Any] = {
        "summary": info.get("summary") or (view.__doc__ or "").strip().split("\n")[0],
        "operationId": rule.endpoint.removeprefix("api.") + ("" if len(_methods(rule)) == 1 else f"_{method.lower()}"),
    }
    if info.get("description") or view.__doc__:
        op["description"] = info.get("description") or (view.__doc__ or "").strip()
    if info.get("tags"):
        op["tags"] = list(info["tags"])
    parameters = []
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)
        kind = "integer" if type(converter).__name__ == "IntegerConverter" else "string"
        parameters.append({"in": "path", "name": name, "required": True, "schema": {"type": kind}})
    if info.get("query"):
        parameters.append({"in": "query", "schema": info["query"]})
    if parameters:
        op["parameters"] = parameters
    if info.get("body"):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": info["body"]}}}
    responses: dict[str, Any] = {}
    status = str(info.get("status", 200))
    if info.get("response"):
        schema = envelope_schema(info["response"], many=info["many"], paged=info["paged"])
        responses[status] = {"description": "成功", "content": {"application/json": {"schema": schema}}}
    else:
        responses[status] = {"description": "成功"}
    codes = set(info.get("errors", ())) | {500}
    if not info.get("public"):
        codes |= {401, 429}
    if info.get("body"):
        codes |= {400, 415, 422}
    for code in sorted(codes):
        responses[str(code)] = {"description": ERROR_STATUSES.get(code, "错误"),
                                "content": {"application/json": {"schema": ErrorSchema}}}
    op["responses"] = responses
    if info.get("public"):
        op["security"] = []
    return op


def schema_name(schema: type[Schema] | Schema) -> str:
    """Component name: the class name without ``Schema``; ``...Patch`` for a partial (PATCH) body."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


def build_spec(app: Flask) -> dict:
    """Build the OpenAPI document for every ``api.*`` route of ``app``."""
    spec = APISpec(
        title="Tongbang 通帮 API",
        version=API_VERSION,
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin(schema_name_resolver=schema_name)],
        info={"description": "就业帮扶直通车的 JSON 接口。认证：Authorization: Bearer <API 令牌>。"
                             "错误格式：{\"error\": {\"code\", \"message\", \"field\"}}。"},
        security=[{"bearerAuth": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith(bp.name + ".")),
                   key=lambda r: (r.rule, r.endpoint))
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        if getattr(view, "api_hidden", False):
            continue
        operations = {m.lower(): _operation(rule, m, view) for m in _methods(rule)}
        with app.app_context():
            spec.path(view=view, operations=operations, app=app)
    return spec.to_dict()


@bp.get("/openapi.json")
@doc("OpenAPI 文档（本文件）", tags=("meta",), public=True)
def openapi_json():
    """The OpenAPI 3 document of this API, generated from the routes and schemas."""
    cache = current_app.extensions.setdefault("tongbang_openapi", {})
    if "spec" not in cache:
        cache["spec"] = build_spec(current_app._get_current_object())
    return jsonify(cache["spec"])
