"""Messages to workers leave through the real senders (models.senders) to a local fake gateway started here:
an HTTP SMS gateway and WeChat 订阅消息, chosen by configuration; every attempt is recorded in
``outbox_deliveries``, a failure is retried by the scheduler's tick, and a channel that delivered is not sent
again when another one is retried."""
from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from placement_factory import make_user, make_worker

from app import scheduler as sched
from models.people.messages import post
from models.store.clock import tz

EARLY = datetime(2026, 3, 2, 1, 0, tzinfo=tz())   # before any scheduled job is due: the tick only delivers


def tick(db):
    return sched.tick(db, clock=lambda: EARLY)


class FakeGateway:
    """A local HTTP server playing both an SMS gateway (``POST /sms``) and WeChat's API (``GET /cgi-bin/token``,
    ``POST /cgi-bin/message/subscribe/send``). ``fail_sms`` answers the next N texts 503; ``expire_token``
    answers the next N WeChat sends 42001 (token expired)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_sms = 0
        self.expire_token = 0
        self.tokens_issued = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                parts = urlsplit(self.path)
                gateway.requests.append({"method": "GET", "path": parts.path, "query": parse_qs(parts.query)})
                if parts.path == "/cgi-bin/token":
                    gateway.tokens_issued += 1
                    return self._answer(200, {"access_token": f"T{gateway.tokens_issued}", "expires_in": 7200})
                return self._answer(404, {"error": "no such path"})

            def do_POST(self):
                parts = urlsplit(self.path)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                gateway.requests.append({"method": "POST", "path": parts.path, "query": parse_qs(parts.query),
                                         "body": body, "auth": self.headers.get("Authorization")})
                if parts.path == "/sms":
                    if gateway.fail_sms:
                        gateway.fail_sms -= 1
                        return self._answer(503, {"error": "busy"})
                    return self._answer(200, {"id": f"sms-{len(gateway.requests)}"})
                if parts.path == "/cgi-bin/message/subscribe/send":
                    if gateway.expire_token:
                        gateway.expire_token -= 1
                        return self._answer(200, {"errcode": 42001, "errmsg": "access_token expired"})
                    return self._answer(200, {"errcode": 0, "errmsg": "ok", "msgid": 77})
                return self._answer(404, {"error": "no such path"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def posts(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    server = FakeGateway()
    yield server
    server.close()


@pytest.fixture
def worker_account(db):
    """A worker with a phone on their record and an account (no phone on the account) with a WeChat openid."""
    worker = make_worker(db, "马小明", phone="13912345678")
    user = make_user(db, "w_xiaoming", "worker", worker_id=worker)
    db.execute("UPDATE users SET wechat_openid = 'o-openid-1' WHERE id = ?", (user,))
    return worker, user


def outbox_row(db, worker_id):
    return db.execute("SELECT o.id, o.status, o.attempts, o.error FROM outbox o JOIN messages m"
                      " ON o.dedupe_key = 'message:' || m.id WHERE m.worker_id = ? ORDER BY o.id DESC",
                      (worker_id,)).fetchone()


def test_sms_is_sent_by_the_tick_recorded_and_retried_after_a_failure(db, gateway, worker_account, monkeypatch):
    worker, _user = worker_account
    monkeypatch.setenv("TONGBANG_NOTIFY_CHANNELS", "sms")
    monkeypatch.setenv("TONGBANG_SMS_URL", gateway.url + "/sms")
    monkeypatch.setenv("TONGBANG_SMS_TOKEN", "gateway-secret")
    message_id = post(db, worker, "status", "“电焊工”（青岛鑫达）约您面试。", "/me/applications")
    assert message_id and outbox_row(db, worker)[1:3] == ("pending", 0)   # queued, not sent inside the action
    assert gateway.requests == []

    gateway.fail_sms = 1
    tick(db)
    outbox_id, status, attempts, error = outbox_row(db, worker)
    assert (status, attempts) == ("failed", 1) and "503" in error
    tick(db)                                                           # the next tick retries it
    assert outbox_row(db, worker)[1:3] == ("sent", 2)
    texts = gateway.posts("/sms")
    assert len(texts) == 2
    sent = texts[-1]
    assert sent["auth"] == "Bearer gateway-secret"
    assert sent["body"]["to"] == "13912345678"                        # the worker record's phone
    assert sent["body"]["text"].startswith("【同帮】投递有新进展：") and "约您面试" in sent["body"]["text"]
    from models.notifier import deliveries

    assert [(d["channel"], d["ok"]) for d in deliveries(db, outbox_id)] == [("sms", False), ("sms", True)]
    assert deliveries(db, outbox_id)[1]["detail"] == "sms-2"          # the gateway's reference is kept
    tick(db)
    assert len(gateway.posts("/sms")) == 2                             # delivered once: never sent again


def test_wechat_subscribe_message_refreshes_an_expired_token(db, gateway, worker_account, monkeypatch):
    worker, _user = worker_account
    monkeypatch.setenv("TONGBANG_NOTIFY_CHANNELS", "wechat")
    for key, value in {"APPID": "wx-app", "SECRET": "wx-secret", "TEMPLATE_ID": "tmpl-9",
                       "API": gateway.url, "PAGE": "pages/messages/index"}.items():
        monkeypatch.setenv(f"TONGBANG_WECHAT_{key}", value)
    gateway.expire_token = 1
    post(db, worker, "recommend", "工作人员给您推荐了“叉车司机”（青岛港物流有限公司，青岛），包吃住，月薪六千五以上。")
    tick(db)
    assert outbox_row(db, worker)[1] == "sent"
    assert gateway.tokens_issued == 2                                  # fetched, expired, fetched again
    sends = gateway.posts("/cgi-bin/message/subscribe/send")
    assert [s["query"]["access_token"] for s in sends] == [["T1"], ["T2"]]
    body = sends[-1]["body"]
    assert body["touser"] == "o-openid-1" and body["template_id"] == "tmpl-9"
    assert body["page"] == "pages/messages/index"
    assert body["data"]["thing1"]["value"] == "工作人员给您推荐了岗位"
    assert len(body["data"]["thing2"]["value"]) == 20                 # WeChat's limit for a thing value
    token_call = next(r for r in gateway.requests if r["path"] == "/cgi-bin/token")
    assert token_call["query"]["appid"] == ["wx-app"] and token_call["query"]["secret"] == ["wx-secret"]


def test_both_channels_a_failed_one_is_retried_alone(db, gateway, worker_account, monkeypatch):
    worker, _user = worker_account
    monkeypatch.setenv("TONGBANG_NOTIFY_CHANNELS", "sms,wechat")
    monkeypatch.setenv("TONGBANG_SMS_URL", gateway.url + "/sms")
    for key, value in {"APPID": "wx-app", "SECRET": "wx-secret", "TEMPLATE_ID": "tmpl-9",
                       "API": gateway.url}.items():
        monkeypatch.setenv(f"TONGBANG_WECHAT_{key}", value)
    gateway.fail_sms = 1
    post(db, worker, "closed", "您投递的“普工”已经停止招聘。")
    tick(db)
    assert outbox_row(db, worker)[1] == "failed"
    tick(db)
    assert outbox_row(db, worker)[1] == "sent"
    assert len(gateway.posts("/cgi-bin/message/subscribe/send")) == 1  # WeChat delivered the first time only
    assert len(gateway.posts("/sms")) == 2


def test_no_phone_is_a_recorded_failure_and_unconfigured_channels_send_nothing(db, gateway, monkeypatch):
    worker = make_worker(db, "马小红")                                  # no phone anywhere
    make_user(db, "w_xiaohong", "worker", worker_id=worker)
    monkeypatch.setenv("TONGBANG_NOTIFY_CHANNELS", "sms,wechat")        # wechat enabled but not configured
    monkeypatch.setenv("TONGBANG_SMS_URL", gateway.url + "/sms")
    post(db, worker, "status", "“普工”已经看到您的投递。")
    tick(db)
    _id, status, _attempts, error = outbox_row(db, worker)
    assert status == "failed" and "没有手机号" in error and "wechat" not in error
    assert gateway.requests == []


def test_a_worker_without_an_account_gets_the_message_but_no_text(db, gateway, monkeypatch):
    monkeypatch.setenv("TONGBANG_NOTIFY_CHANNELS", "sms")
    monkeypatch.setenv("TONGBANG_SMS_URL", gateway.url + "/sms")
    worker = make_worker(db, "马大明", phone="13800001111")
    assert post(db, worker, "followup", "工作人员这几天会给您打电话。", dedupe_key="followup:1:1")
    assert post(db, worker, "followup", "工作人员这几天会给您打电话。", dedupe_key="followup:1:1") is None
    tick(db)
    assert db.execute("SELECT COUNT(*) FROM messages WHERE worker_id = ?", (worker,)).fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE channel = 'worker'").fetchone()[0] == 0
    assert gateway.requests == []
