"""Webhook bodies as LINE sends them, and their signatures."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from bot.transport.webhook import signature_for

_ids = itertools.count(1)
CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-access-token"


def event_id() -> str:
    return f"01TESTEVENT{next(_ids):015d}"


def base_event(kind: str, user_id: str, *, reply_token: str | None = None, redelivery: bool = False,
               webhook_event_id: str | None = None, source: dict[str, Any] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source or {"type": "user", "userId": user_id},
        "webhookEventId": webhook_event_id or event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply_token:
        event["replyToken"] = reply_token
    return event


def text_event(user_id: str, text: str, **kw: Any) -> dict[str, Any]:
    event = base_event("message", user_id, **kw)
    event["message"] = {"type": "text", "id": str(next(_ids)), "quoteToken": "q", "text": text}
    return event


def message_event(user_id: str, message: dict[str, Any], **kw: Any) -> dict[str, Any]:
    event = base_event("message", user_id, **kw)
    event["message"] = {"id": str(next(_ids)), **message}
    return event


def postback_event(user_id: str, data: str, **kw: Any) -> dict[str, Any]:
    event = base_event("postback", user_id, **kw)
    event["postback"] = {"data": data}
    return event


def body(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "Ubot", "events": list(events)}, ensure_ascii=False).encode()


def signed_headers(raw: bytes, secret: str = CHANNEL_SECRET) -> dict[str, str]:
    return {"X-Line-Signature": signature_for(raw, secret), "Content-Type": "application/json"}
