"""POST /callback: limit, verify, parse, de-duplicate, enqueue, answer 200. Nothing else.

LINE expects an answer within seconds and redelivers on failure, so no NLU,
database or LINE call happens here: dialogs run on the queue after we answer.

Input handling (issue 15): a body above WEBHOOK_MAX_BODY_BYTES is refused (413) from its
Content-Length or while it streams in, before the rest is read or the signature checked;
a signed body that is not a LINE webhook is 400; inside a good body each event is checked
on its own, and a malformed one is logged (by field name, never by value) and skipped so
the others are handled and LINE gets its 200 (a 500 would make it redeliver the whole body
forever). When the queue cannot take more (back-pressure) or cannot persist, the answer is
503 and nothing half-done is acknowledged.
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

from bot.transport.events import MalformedEvent, convert

log = logging.getLogger(__name__)
router = APIRouter()
DEDUPE_PREFIX = "evt:"
RETRY_AFTER_SECONDS = "5"


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
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: absurd nesting
        return None
    if not isinstance(payload, dict):
        return None
    events = payload.get("events")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return None
    return events


def _bad_request(reason: str) -> Response:
    return JSONResponse({"message": reason}, status_code=400)


def _too_large(limit: int) -> Response:
    # Connection: close, so the server does not keep reading a body we refused
    return JSONResponse({"message": f"body larger than {limit} bytes"}, status_code=413,
                        headers={"Connection": "close"})


def _unavailable(reason: str) -> Response:
    return JSONResponse({"message": reason}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past `limit` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return -1


@router.post("/callback")
async def callback(request: Request) -> Response:
    state = request.app.state
    settings = state.services.settings
    limit = settings.webhook_max_body_bytes
    declared = _declared_length(request)
    if declared is not None and declared < 0:
        return _bad_request("invalid Content-Length")
    if declared is not None and declared > limit:
        return _too_large(limit)
    body = await _read_limited(request, limit)
    if body is None:
        return _too_large(limit)
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
    if raw_events and getattr(queue, "full", False):
        log.warning("webhook answered 503: the queue is full (QUEUE_MAX_PENDING=%d)", settings.queue_max_pending)
        return _unavailable("busy, please retry")
    metrics = state.services.metrics
    for index, raw in enumerate(raw_events):
        try:
            event = convert(raw)
        except MalformedEvent as err:
            log.warning("webhook event #%d of %d skipped, malformed: %s", index, len(raw_events), err)
            continue
        metrics.webhook_events.labels(event.kind.value).inc()  # a bounded set of labels
        try:
            # Claim before enqueueing: a redelivery, or the same body twice at once, is handled once.
            queued = await queue.put_once(event, DEDUPE_PREFIX + event.event_id, ttl)
        except Exception as exc:
            # not persisted, so not acknowledged: LINE may redeliver; events already queued are claimed
            log.error("webhook answered 503: event %s could not be queued (%s)", event.event_id, type(exc).__name__)
            return _unavailable("queue unavailable, please retry")
        if not queued:
            metrics.webhook_duplicates.inc()
            log.info("duplicate event %s ignored (redelivery=%s)", event.event_id, event.is_redelivery)
    return JSONResponse({})
