"""POST /callback: verify, parse, de-duplicate, enqueue, answer 200. Nothing else.

LINE expects an answer within seconds and redelivers on failure, so no NLU,
database or LINE call happens here: dialogs run on the queue after we answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.transport.events import convert

log = logging.getLogger(__name__)
router = APIRouter()
DEDUPE_PREFIX = "evt:"


def signature_for(body: bytes, channel_secret: str) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_valid(body: bytes, signature: str | None, channel_secret: str) -> bool:
    if not signature or not channel_secret:
        return False
    return hmac.compare_digest(signature.encode(), signature_for(body, channel_secret).encode())


def _events_of(body: bytes) -> list[dict[str, Any]] | None:
    """The events list of a LINE webhook body, or None when the body is not one."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    events = payload.get("events")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return None
    return events


def _bad_request(reason: str) -> Response:
    return JSONResponse({"message": reason}, status_code=400)


@router.post("/callback")
async def callback(request: Request) -> Response:
    state = request.app.state
    settings = state.services.settings
    body = await request.body()
    if not settings.channel_secret:
        # nothing can be verified without the secret: refuse like any unsigned call (never a 500)
        log.warning("webhook call refused: LINE_CHANNEL_SECRET is not set")
        return _bad_request("LINE channel secret is not configured")
    if not signature_valid(body, request.headers.get("x-line-signature"), settings.channel_secret):
        return _bad_request("invalid signature")
    raw_events = _events_of(body)
    if raw_events is None:
        return _bad_request("not a LINE webhook body")
    queue, ttl = state.queue, settings.dedupe_ttl_seconds
    metrics = state.services.metrics
    for raw in raw_events:
        event = convert(raw)
        metrics.webhook_events.labels(event.kind.value).inc()  # a bounded set of labels
        # Claim before enqueueing: a redelivery, or the same body twice at once, is handled once.
        if not await queue.put_once(event, DEDUPE_PREFIX + event.event_id, ttl):
            metrics.webhook_duplicates.inc()
            log.info("duplicate event %s ignored (redelivery=%s)", event.event_id, event.is_redelivery)
    return JSONResponse({})
