"""Personal data: ID numbers encrypted at rest, looked up by keyed hash, shown masked, never logged."""
from __future__ import annotations

import logging
import sys

import pytest

from tests.ledger_factory import standin_records, worker_row, write_ledger


@pytest.fixture(autouse=True)
def records_module(monkeypatch):
    try:
        import models.intake.records as real  # noqa: F401
    except ImportError:
        import models

        mod = standin_records()
        monkeypatch.setitem(sys.modules, "models.intake.records", mod)
        monkeypatch.setattr(models, "records", mod, raising=False)


def _db_bytes(data_dir) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.glob("tongbang.db*"))


def test_id_number_encrypted_masked_and_found_by_keyed_hash(db, data_dir):
    from models.people import pii
    from models.people.workers import find_worker_by_id_number, get_worker_by_external_id, upsert_worker

    row = worker_row(1)
    from models.intake.records import clean_worker

    record, errors = clean_worker(row)
    assert not errors
    upsert_worker(db, record)
    number = record["id_number"]
    stored = db.execute("SELECT id_number_enc, id_hash, id_masked FROM workers").fetchone()
    assert number not in stored[0] and pii.decrypt_id(stored[0]) == number
    assert stored[1] == pii.id_hash(number) and len(stored[1]) == 64
    assert stored[2] == pii.mask_id(number)
    db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = _db_bytes(data_dir)
    assert number.encode() not in raw and number[6:14].encode() not in raw  # not even the birth date
    worker = get_worker_by_external_id(db, "W00001")
    assert number not in repr(worker) and worker["id_masked"] == pii.mask_id(number)
    assert find_worker_by_id_number(db, number)["external_id"] == "W00001"
    key_file = data_dir / "keys.json"
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600


def test_keys_from_environment_change_the_hash(monkeypatch, data_dir):
    from models.people import pii

    before = pii.id_hash("500242198501010031")
    monkeypatch.setenv("TONGBANG_FERNET_KEY", "x" * 43 + "=")
    monkeypatch.setenv("TONGBANG_HASH_KEY", "another-secret")
    pii._keys_for.cache_clear()
    try:
        assert pii.id_hash("500242198501010031") != before
    finally:
        pii._keys_for.cache_clear()


def test_no_id_or_phone_in_logs_output_or_rejections(db, data_dir, tmp_path, caplog, capsys, runner):
    good = worker_row(1)
    bad_id = good["id_number"][:17] + ("1" if good["id_number"][17] != "1" else "2")
    bad_phone = "1234567890123"
    rows = [good, worker_row(2, id_number=bad_id), worker_row(3, phone=bad_phone), worker_row(4)]
    path = write_ledger(tmp_path / "w.csv", "workers", rows, chinese=True)
    secrets = [good["id_number"], bad_id, good["phone"], bad_phone, worker_row(4)["phone"],
               worker_row(4)["id_number"], worker_row(2)["phone"]]
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    from models.access import EVERYTHING
    from models.intake.ledger import import_file

    result = import_file(db, "workers", path, scope=EVERYTHING, progress=True)
    assert result.added == 2 and result.rejected == 2
    cli = runner.invoke(args=["import", "workers", str(path)])
    assert cli.exit_code == 0
    captured = capsys.readouterr()
    texts = [caplog.text, captured.out, captured.err, cli.output, repr(result.rejections)]
    texts += [" ".join(str(v) for v in r) for r in db.execute("SELECT * FROM import_rejections")]
    texts += [" ".join(str(v) for v in r) for r in db.execute("SELECT * FROM import_batches")]
    texts += [" ".join(str(v) for v in r) for r in db.execute("SELECT * FROM audit_log")]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert any(f == "id_number" for _n, f, _r in result.rejections)


def test_scrub_masks_numbers_in_messages():
    from models.intake.ledger import scrub

    assert scrub("身份证号 50024219850101003X 校验位错误") == "身份证号 500242********003X 校验位错误"
    assert "13912345678" not in scrub("手机号 13912345678 不对")
    assert scrub("月薪 8000 太低") == "月薪 8000 太低"
