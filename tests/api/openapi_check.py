"""A small validator for the OpenAPI 3.0 schema subset the API's document uses.

Enough to check a real response against the served document: ``$ref``, ``type``, ``nullable``,
``properties``, ``required``, ``additionalProperties: false``, ``items``, ``enum``.
"""
from __future__ import annotations

from typing import Any

_TYPES = {
    "object": dict, "array": list, "string": str, "boolean": bool,
    "integer": int, "number": (int, float),
}


def resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def validate(doc: dict, schema: dict, value: Any, path: str = "$") -> list[str]:
    """Return a list of problems (empty when ``value`` fits ``schema``)."""
    schema = resolve(doc, schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{path}: null not allowed"]
    kind = schema.get("type")
    if kind:
        expected = _TYPES[kind]
        if not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool)):
            return [f"{path}: expected {kind}, got {type(value).__name__}"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in {schema['enum']}")
    if kind == "object":
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{path}: missing required {name}")
        for name, item in value.items():
            if name in props:
                problems += validate(doc, props[name], item, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{path}: unexpected property {name}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            problems += validate(doc, schema["items"], item, f"{path}[{i}]")
    return problems


def response_schema(doc: dict, path: str, method: str, status: int) -> dict:
    """The JSON schema the document declares for ``method path`` answering ``status``."""
    op = doc["paths"][path][method.lower()]
    return op["responses"][str(status)]["content"]["application/json"]["schema"]
