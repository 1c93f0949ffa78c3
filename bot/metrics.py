"""Prometheus metrics: what the office's operators watch (GET /metrics, bearer token only).

One `Metrics` per process, built with the services (no import-time registry, so tests and a second
app in one process do not share counters). Gauges whose value lives elsewhere (queue depth, outbox
depth, open handoffs) are read at scrape time through small async probes that their owners register:

    services.metrics.probe("outbox_depth", my_async_function_returning_a_number)

Useful queries: unknown-question rate
`rate(bot_nlu_intents_total{intent="unknown"}[5m]) / rate(bot_nlu_intents_total[5m])`;
turn p95 `histogram_quantile(0.95, sum by (le) (rate(bot_turn_seconds_bucket[5m])))`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from integrations.sms import SmsSender
from integrations.storage.db import Database

log = logging.getLogger(__name__)
Probe = Callable[[], Awaitable[float | None]]

# turn latency buckets: a citizen notices above ~1 s; LINE's own budget is seconds
TURN_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
GAUGES = {
    "queue_depth": "Events accepted by the webhook and not handled yet",
    "queue_lag_seconds": "Age of the oldest event not handled yet (scale-out mode)",
    "outbox_depth": "Messages waiting in the outbox to be delivered",
    "open_handoffs": "Chats handed to an officer and not closed",
}


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.webhook_events = Counter("bot_webhook_events", "Webhook events received, by LINE event type",
                                      ["type"], registry=r)
        self.webhook_duplicates = Counter("bot_webhook_duplicates", "Redelivered or repeated events ignored",
                                          registry=r)
        self.turns = Counter("bot_turns", "Turns handled, by the dialog that answered and outcome (ok, error)",
                             ["dialog", "outcome"], registry=r)
        self.turn_seconds = Histogram("bot_turn_seconds", "One turn: lock, session, NLU, dialog, save, send",
                                      ["dialog"], buckets=TURN_BUCKETS, registry=r)
        self.nlu_intents = Counter("bot_nlu_intents", "Texts understood, by NLU intent (unknown included)",
                                   ["intent"], registry=r)
        self.line_calls = Counter("bot_line_api_calls", "LINE API calls by call and HTTP status (none = no answer)",
                                  ["call", "status"], registry=r)
        self.sms = Counter("bot_sms", "SMS (OTP) by outcome: sent or failed", ["outcome"], registry=r)
        self._gauges = {name: Gauge(f"bot_{name}", text, registry=r) for name, text in GAUGES.items()}
        self._probes: dict[str, Probe] = {}

    # --- hooks for the rest of the bot -------------------------------------------------------------
    def line_call(self, call: str, status: int | None) -> None:
        self.line_calls.labels(call, str(status) if status is not None else "none").inc()

    def turn_done(self, dialog: str | None, seconds: float, ok: bool) -> None:
        name = dialog or "none"
        self.turns.labels(name, "ok" if ok else "error").inc()
        self.turn_seconds.labels(name).observe(seconds)

    def probe(self, gauge: str, read: Probe) -> None:
        """Register the function that reads a gauge at scrape time (see GAUGES for the names)."""
        if gauge not in self._gauges:
            raise KeyError(f"unknown gauge {gauge!r}; known: {', '.join(GAUGES)}")
        self._probes[gauge] = read

    async def render(self) -> bytes:
        for name, read in self._probes.items():
            try:
                value = await read()
            except Exception as exc:  # a probe that fails must not take the other figures with it
                log.warning("metrics probe %s failed: %s", name, type(exc).__name__)
                value = None
            self._gauges[name].set(float("nan") if value is None else value)
        return generate_latest(self.registry)


def queue_depth_probe(queue: object) -> Probe:
    """Reads `pending` of either queue: a number (in-process) or a coroutine (Redis streams)."""

    async def read() -> float | None:
        pending = getattr(queue, "pending", None)
        if pending is None:
            return None
        value = pending() if callable(pending) else pending
        if hasattr(value, "__await__"):
            value = await value
        return float(value)

    return read


def table_count_probe(db: Database, model: type[SQLModel], *where: Any) -> Probe:
    """COUNT(*) of the rows of `model` matching `where`, read at scrape time (both columns indexed)."""

    async def read() -> float:
        async with db.session() as session:
            result = await session.exec(select(func.count()).select_from(model).where(*where))
            return float(result.one())

    return read


def register_database_probes(metrics: Metrics, db: Database) -> None:
    """Outbox depth (not sent, not given up) and open handoffs, from their tables."""
    from integrations.storage.models.handoff import HandoffTicket
    from integrations.storage.models.office import OutboxMessage

    metrics.probe("outbox_depth", table_count_probe(
        db, OutboxMessage, col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.dead_at).is_(None)))
    metrics.probe("open_handoffs", table_count_probe(db, HandoffTicket, col(HandoffTicket.closed_at).is_(None)))


class CountedSms:
    """Counts every SMS the bot sends (sent / failed) around the configured gateway."""

    def __init__(self, inner: SmsSender, metrics: Metrics) -> None:
        self.inner = inner
        self._metrics = metrics

    async def send(self, to: str, text: str) -> None:
        try:
            await self.inner.send(to, text)
        except Exception:
            self._metrics.sms.labels("failed").inc()
            raise
        self._metrics.sms.labels("sent").inc()

    async def close(self) -> None:
        await self.inner.close()


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request) -> Response:
    services = request.app.state.services
    token = services.settings.metrics_token
    if token is None or not token.get_secret_value():
        return Response(status_code=404)  # not configured: no metrics surface at all
    offered = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    if not hmac.compare_digest(offered.encode(), expected.encode()):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return Response(await services.metrics.render(), media_type=CONTENT_TYPE_LATEST)
