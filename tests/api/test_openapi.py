"""The OpenAPI document is generated from the code: every route is in it, and responses fit it."""
from __future__ import annotations

import re

import pytest

from .openapi_check import response_schema, validate


@pytest.fixture
def spec(api_client):
    response = api_client.get("/api/v1/openapi.json")  # public: no token needed
    assert response.status_code == 200
    return response.get_json()


def test_every_api_route_and_method_is_documented(api_app, spec):
    assert spec["openapi"].startswith("3.")
    rules = [r for r in api_app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) >= 15
    for rule in rules:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        assert path in spec["paths"], f"{rule.rule} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            op = spec["paths"][path].get(method.lower())
            assert op, f"{method} {rule.rule} missing"
            assert op["summary"] and op["responses"]
            for name in rule.arguments:
                assert any(p["in"] == "path" and p["name"] == name for p in op.get("parameters", []))
    documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert len(documented) == sum(len(r.methods - {"HEAD", "OPTIONS"}) for r in rules)


def test_document_declares_auth_errors_and_pagination(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    jobs = spec["paths"]["/api/v1/jobs"]["get"]
    names = {p["name"] for p in jobs["parameters"]}
    assert {"page", "per_page", "q", "city", "status"} <= names
    assert "401" in jobs["responses"] and "422" in spec["paths"]["/api/v1/jobs"]["post"]["responses"]
    error = spec["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"code", "message", "field"}
    meta = spec["components"]["schemas"]["Meta"]
    assert set(meta["properties"]) == {"page", "per_page", "total"}
    worker = spec["components"]["schemas"]["Worker"]["properties"]
    assert "id_hash" not in worker and "id_number_enc" not in worker


def _check(spec, response, path, method="get", status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    problems = validate(spec, response_schema(spec, path, method, status), response.get_json())
    assert not problems, problems


def test_responses_validate_against_the_document(spec, call, world, fake_matching):
    _check(spec, call("staff", "GET", "/api/v1/me"), "/api/v1/me")
    _check(spec, call("staff", "GET", "/api/v1/tokens"), "/api/v1/tokens")
    _check(spec, call("staff", "GET", "/api/v1/placements"), "/api/v1/placements")
    _check(spec, call("staff", "GET", "/api/v1/applications"), "/api/v1/applications")
    _check(spec, call("staff", "GET", f"/api/v1/applications/{world.applications['A-JX1']}"),
           "/api/v1/applications/{application_id}")
    _check(spec, call("staff", "GET", "/api/v1/jobs"), "/api/v1/jobs")
    _check(spec, call("staff", "GET", "/api/v1/jobs/J-X1"), "/api/v1/jobs/{external_id}")
    _check(spec, call("staff", "GET", "/api/v1/workers"), "/api/v1/workers")
    _check(spec, call("staff", "GET", "/api/v1/workers/W-A"), "/api/v1/workers/{external_id}")
    _check(spec, call("employer_x", "GET", "/api/v1/workers/W-C"), "/api/v1/workers/{external_id}")
    _check(spec, call("staff", "GET", "/api/v1/jobs/J-X1/matches"), "/api/v1/jobs/{external_id}/matches")
    _check(spec, call("worker_a", "GET", "/api/v1/workers/W-A/matches"),
           "/api/v1/workers/{external_id}/matches")


def test_error_responses_validate_against_the_document(spec, call, world):
    response = call("worker_a", "GET", "/api/v1/workers")
    assert response.status_code == 403
    problems = validate(spec, {"$ref": "#/components/schemas/Error"}, response.get_json())
    assert not problems


def test_document_builds_without_warnings_and_patch_bodies_are_partial(api_app, spec):
    import warnings

    from app.api.openapi import build_spec

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = build_spec(api_app)
    assert built["paths"].keys() == spec["paths"].keys()
    patch = spec["paths"]["/api/v1/workers/{external_id}"]["patch"]["requestBody"]["content"]
    assert patch["application/json"]["schema"]["$ref"].endswith("/WorkerInPatch")
    assert "required" not in spec["components"]["schemas"]["WorkerInPatch"]
    assert spec["components"]["schemas"]["WorkerIn"]["required"] == ["external_id", "name"]
