"""Matches both ways: the CLI's JSON objects, for the right callers; with the real model on a tiny set."""
from __future__ import annotations

import json

import pytest


def test_match_objects_have_the_cli_shape(call, world, fake_matching):
    response = call("worker_a", "GET", "/api/v1/workers/W-A/matches?k=2")
    assert response.status_code == 200
    items = response.get_json()["data"]
    assert len(items) == 2
    for item in items:
        assert set(item) == {"external_id", "score", "reasons"}
        assert isinstance(item["score"], float) and all(isinstance(r, str) for r in item["reasons"])
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    candidates = call("employer_x", "GET", "/api/v1/jobs/J-X1/matches?k=10").get_json()["data"]
    assert {c["external_id"] for c in candidates} == {"W-A", "W-C"}
    assert all(set(c) == {"external_id", "score", "reasons"} for c in candidates)


def test_k_is_validated(call, world, fake_matching):
    for bad in ("0", "101", "abc"):
        response = call("staff", "GET", f"/api/v1/workers/W-A/matches?k={bad}")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "k"
    assert len(call("staff", "GET", "/api/v1/workers/W-A/matches").get_json()["data"]) == 2  # default k=10


@pytest.mark.model
def test_real_matching_agrees_with_the_cli(api_app, call, world, encoder):
    """With the real encoder on the tiny world: same lists as `flask match ... --json`."""
    pytest.importorskip("matching.service")
    pytest.importorskip("matching.index")
    items = call("worker_a", "GET", "/api/v1/workers/W-A/matches?k=5").get_json()["data"]
    found = [i["external_id"] for i in items]
    assert "J-X2" not in found  # closed
    assert found and found[0] == "J-X1"  # 电焊工 in 青岛 for a welder who wants 青岛
    result = api_app.test_cli_runner().invoke(args=["match", "workers", "W-A", "--k", "5", "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output[result.output.index("{"):])
    assert [m["external_id"] for m in cli["W-A"]] == found
    assert [m["reasons"] for m in cli["W-A"]] == [i["reasons"] for i in items]
    candidates = call("employer_x", "GET", "/api/v1/jobs/J-X1/matches?k=5").get_json()["data"]
    assert all(set(c) == {"external_id", "score", "reasons"} for c in candidates)
