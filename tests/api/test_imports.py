"""/api/v1/imports: the staff import page's action through the API — the report of every row, files refused
as a whole (nothing written), and each report visible only to the one who ran it and admins."""
from __future__ import annotations

from io import BytesIO

import pytest


def upload(call, role, data: bytes, name: str, kind: str = "workers"):
    return call(role, "POST", "/api/v1/imports", data={"kind": kind, "file": (BytesIO(data), name)},
                content_type="multipart/form-data")


LEDGER = ("编号,姓名,联系电话,户籍省份,户籍区县,帮扶身份,文化程度,意向工种\r\n"
          "L-1,张一,13700000001,重庆市,酉阳县,脱贫享受政策人口,初中,电焊工\r\n"
          "L-2,张二,12345,重庆市,酉阳,一般农村劳动力,高中,叉车司机\r\n").encode("gbk")


def test_staff_import_a_ledger_and_read_the_report(call, world, db):
    response = upload(call, "staff", LEDGER, "三月台账.csv")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()["data"]
    assert (report["filename"], report["added"], report["rejected"]) == ("三月台账.csv", 1, 1)
    assert [(r["row_number"], r["external_id"], r["field"]) for r in report["rejections"]] == [(3, "L-2", "phone")]
    assert response.headers["Location"].endswith(f"/api/v1/imports/{report['id']}")
    assert db.execute("SELECT hukou_county FROM workers WHERE external_id = 'L-1'").fetchone()[0] == \
        "酉阳土家族苗族自治县"
    listed = call("staff", "GET", "/api/v1/imports").get_json()["data"]
    assert [b["id"] for b in listed] == [report["id"]] and "rejections" not in listed[0]
    assert call("admin", "GET", f"/api/v1/imports/{report['id']}").status_code == 200
    # another staff member does not even learn that the report exists
    assert call("staff_cq", "GET", f"/api/v1/imports/{report['id']}").status_code == 404
    assert call("staff_cq", "GET", "/api/v1/imports").get_json()["data"] == []
    assert call("worker_a", "GET", f"/api/v1/imports/{report['id']}").status_code == 403


@pytest.mark.parametrize("data, name, kind, field, words", [
    (b"", "ledger.csv", "workers", "file", "空"),
    ("编号,姓名\r\n".encode("gbk"), "ledger.csv", "workers", "file", "没有数据行"),
    (b"a,b\n1,2\n", "ledger.txt", "workers", "file", "不支持"),
    (LEDGER, "ledger.csv", "people", "kind", "workers"),
])
def test_files_refused_as_a_whole_write_nothing(call, world, db, data_dir, data, name, kind, field, words):
    response = upload(call, "staff", data, name, kind)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == field and words in error["message"], error
    assert db.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0] == 0
    assert not list((data_dir / "imports").glob("*/*")) if (data_dir / "imports").exists() else True


def test_only_staff_import(call, world, db):
    assert upload(call, "employer_x", LEDGER, "ledger.csv").status_code == 403
    assert call("worker_a", "GET", "/api/v1/imports").status_code == 403
    assert db.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0] == 0
