"""Senders of the notifier (``models.notifier``): an HTTP SMS gateway and WeChat 订阅消息, built from configuration.

Each sender has a ``channel`` name and ``send(message, recipient)``, which returns the provider's reference
(recorded with the delivery) or raises :class:`SendError` with what went wrong (recorded, and retried by the
scheduler's tick). Turn channels on with ``TONGBANG_NOTIFY_CHANNELS=sms,wechat``; each needs its settings:

SMS gateway (``sms``) — the common shape of HTTP SMS gateways: ``POST`` JSON ``{"to", "text", "reference"}``
to ``TONGBANG_SMS_URL`` with ``Authorization: Bearer TONGBANG_SMS_TOKEN`` (when set); any 2xx answer is
delivered (its JSON ``id`` or ``message_id`` is kept), anything else, or a JSON ``error``, is a failure.
``TONGBANG_SMS_SIGN`` (default 【同帮】) opens every text, as Chinese operators require a signature.

WeChat 订阅消息 (``wechat``) — the official API: an access token from ``GET /cgi-bin/token`` (kept until shortly
before it expires, fetched again when WeChat says it is invalid), then ``POST
/cgi-bin/message/subscribe/send`` with the template ``TONGBANG_WECHAT_TEMPLATE_ID``; ``TONGBANG_WECHAT_APPID``,
``TONGBANG_WECHAT_SECRET``, optional ``TONGBANG_WECHAT_PAGE`` (the mini-program page opened) and
``TONGBANG_WECHAT_FIELDS`` (the template's two keys for the subject and the text, default ``thing1,thing2``).
``TONGBANG_WECHAT_API`` (default ``https://api.weixin.qq.com``) points the sender at a test server. A recipient
needs ``users.wechat_openid``; WeChat answers ``errcode`` 0 when delivered.

HTTP through the standard library's ``urllib.request`` (timeouts, TLS): two small JSON calls do not justify a
dependency.
"""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class Message:
    subject: str
    body: str = ""
    user_id: int | None = None
    link: str | None = None
    dedupe_key: str | None = None


class Sender(Protocol):
    """A delivery channel. ``send`` raises on failure; the outbox row then records the error."""

    channel: str

    def send(self, message: Message, recipient: dict | None) -> str | None: ...


TIMEOUT = 10.0
#: WeChat ``errcode`` values meaning the access token is invalid or expired: fetch a new one and try once more.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
#: WeChat's 订阅消息 ``thing`` values take at most 20 characters.
WECHAT_THING_MAX = 20


class SendError(Exception):
    """A delivery that failed; the message says why (recorded on the outbox row)."""


def _request(method: str, url: str, body: dict | None = None, headers: dict | None = None,
             timeout: float = TIMEOUT) -> tuple[int, Any]:
    """One HTTP call: (status, parsed JSON or text). Network failures raise :class:`SendError`."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"连接失败：{getattr(exc, 'reason', exc)}") from None
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


class SmsGatewaySender:
    """Texts through an HTTP SMS gateway (see the module docstring for the request it makes)."""

    channel = "sms"

    def __init__(self, url: str, token: str | None = None, sign: str = "【同帮】", timeout: float = TIMEOUT) -> None:
        self.url, self.token, self.sign, self.timeout = url, token, sign, timeout

    @staticmethod
    def text_of(message: Message) -> str:
        body = f"{message.subject}：{message.body}" if message.body else message.subject
        return body

    def send(self, message: Message, recipient: dict | None) -> str | None:
        phone = (recipient or {}).get("phone")
        if not phone:
            raise SendError("收件人没有手机号")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        status, answer = _request("POST", self.url, {"to": phone, "text": self.sign + self.text_of(message),
                                                     "reference": message.dedupe_key}, headers, self.timeout)
        if not 200 <= status < 300:
            raise SendError(f"短信网关答复 {status}：{str(answer)[:200]}")
        if isinstance(answer, dict) and answer.get("error"):
            raise SendError(f"短信网关拒绝：{str(answer['error'])[:200]}")
        if isinstance(answer, dict):
            reference = answer.get("id") or answer.get("message_id")
            return str(reference) if reference is not None else None
        return None


class WeChatSubscribeSender:
    """WeChat 订阅消息 through the official API (see the module docstring)."""

    channel = "wechat"

    def __init__(self, appid: str, secret: str, template_id: str, *, api: str = "https://api.weixin.qq.com",
                 page: str | None = None, fields: tuple[str, str] = ("thing1", "thing2"),
                 timeout: float = TIMEOUT) -> None:
        self.appid, self.secret, self.template_id = appid, secret, template_id
        self.api, self.page, self.fields, self.timeout = api.rstrip("/"), page, fields, timeout
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def _access_token(self, fresh: bool = False) -> str:
        with self._lock:
            if self._token and not fresh and self._token[1] > time.monotonic():
                return self._token[0]
            query = urllib.parse.urlencode({"grant_type": "client_credential", "appid": self.appid,
                                            "secret": self.secret})
            status, answer = _request("GET", f"{self.api}/cgi-bin/token?{query}", timeout=self.timeout)
            if status != 200 or not isinstance(answer, dict) or not answer.get("access_token"):
                raise SendError(f"微信 access_token 获取失败：{str(answer)[:200]}")
            lifetime = int(answer.get("expires_in") or 7200)
            self._token = (answer["access_token"], time.monotonic() + max(60, lifetime - 300))
            return self._token[0]

    def payload(self, message: Message, openid: str) -> dict:
        subject_key, body_key = self.fields
        body = {"touser": openid, "template_id": self.template_id,
                "data": {subject_key: {"value": message.subject[:WECHAT_THING_MAX]},
                         body_key: {"value": (message.body or message.subject)[:WECHAT_THING_MAX]}}}
        if self.page:
            body["page"] = self.page
        return body

    def send(self, message: Message, recipient: dict | None) -> str | None:
        openid = (recipient or {}).get("wechat_openid")
        if not openid:
            raise SendError("收件人没有绑定微信")
        payload = self.payload(message, openid)
        for attempt in (1, 2):
            token = self._access_token(fresh=attempt == 2)
            status, answer = _request("POST", f"{self.api}/cgi-bin/message/subscribe/send?access_token="
                                      + urllib.parse.quote(token), payload, timeout=self.timeout)
            code = answer.get("errcode") if isinstance(answer, dict) else None
            if status == 200 and code == 0:
                return str(answer.get("msgid")) if answer.get("msgid") is not None else None
            if code in TOKEN_ERRORS and attempt == 1:
                continue
            raise SendError(f"微信订阅消息失败：{status} {str(answer)[:200]}")
        return None  # pragma: no cover - the loop returns or raises


_BUILT: dict[tuple, Any] = {}


def from_config(channel: str, env: dict | None = None):
    """The sender for ``channel`` as the environment configures it, or None when it is not configured. The
    same settings give the same sender object (the WeChat token is kept between messages)."""
    env = os.environ if env is None else env
    if channel == "sms":
        url = env.get("TONGBANG_SMS_URL")
        if not url:
            return None
        key = ("sms", url, env.get("TONGBANG_SMS_TOKEN"), env.get("TONGBANG_SMS_SIGN", "【同帮】"))
        if key not in _BUILT:
            _BUILT[key] = SmsGatewaySender(url, key[2], key[3])
        return _BUILT[key]
    if channel == "wechat":
        settings = [env.get(f"TONGBANG_WECHAT_{k}") for k in ("APPID", "SECRET", "TEMPLATE_ID")]
        if not all(settings):
            return None
        fields = tuple((env.get("TONGBANG_WECHAT_FIELDS") or "thing1,thing2").split(",")[:2])
        api = env.get("TONGBANG_WECHAT_API") or "https://api.weixin.qq.com"
        key = ("wechat", *settings, api, env.get("TONGBANG_WECHAT_PAGE"), fields)
        if key not in _BUILT:
            _BUILT[key] = WeChatSubscribeSender(*settings, api=api, page=env.get("TONGBANG_WECHAT_PAGE"),
                                                fields=fields if len(fields) == 2 else ("thing1", "thing2"))
        return _BUILT[key]
    return None
