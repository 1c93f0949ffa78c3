"""One turn: lock the conversation, load its session, dispatch, save, answer.

Order matters: the session is loaded after the lock is taken (else two turns
could both read the old state), and saved before the answer is sent (a crash
after saving loses an answer, never the citizen's input).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.config import Settings
from bot.logging import log_context
from bot.runtime import daily_stats
from bot.runtime.context import TurnContext
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.kv import KeyValueStore
from bot.runtime.replies import Reply, Text
from bot.runtime.sending import ReplySender
from bot.runtime.services import Services
from bot.runtime.transcript import note_turn
from bot.transport.events import EventKind, InboundEvent
from bot.transport.queue import EventQueue, Handler, InProcessQueue, Journal, ResumeHandler
from core.masking import mask_line_id as mask_id

log = logging.getLogger(__name__)
SILENT_FOR_STATS = {EventKind.unfollow, EventKind.leave, EventKind.join, EventKind.member_left,
                    EventKind.member_joined, EventKind.unsend, EventKind.other}
LOADING_AFTER_SECONDS = 0.4  # show LINE's typing animation only when an answer is slow
RATE_PREFIX = "rate:"  # messages of one conversation in the current minute (in the store: across processes)
RATE_LIMITED_KINDS = {EventKind.text, EventKind.postback, EventKind.image, EventKind.video, EventKind.audio,
                      EventKind.file, EventKind.location, EventKind.sticker}
TURN_DONE_PREFIX = "turn:"  # a turn applied for this webhook event id (its effects are not applied twice)


@dataclass
class TurnOutcome:
    """What the metrics need to know about a turn once it is over."""

    dialog: str | None = None
    ok: bool = True


_outcome: contextvars.ContextVar[TurnOutcome | None] = contextvars.ContextVar("turn_outcome", default=None)


class EventProcessor:
    def __init__(self, services: Services, dispatcher: Dispatcher | None = None) -> None:
        self.services = services
        self.dispatcher = dispatcher or Dispatcher()
        # pushes LINE does not take now are retried by the outbox for minutes (issue 15)
        self.sender = ReplySender(services.line, outbox_db=services.db, clock=lambda: services.clock())
        self._zone = ZoneInfo(services.settings.timezone)

    def now(self) -> datetime:
        return self.services.clock().astimezone(self._zone)

    async def over_rate_limit(self, event: InboundEvent) -> bool:
        """True when this conversation sent too many messages this minute; the first one over gets one polite note.

        Counted in the store (Redis when scaled out), so the limit holds across processes.
        """
        limit = self.services.settings.rate_limit_per_minute
        if not limit or event.kind not in RATE_LIMITED_KINDS or event.source_type == "internal":
            return False
        minute = int(self.services.clock().timestamp() // 60)
        count = await self.services.store.incr(f"{RATE_PREFIX}{event.user_key}:{minute}", 120)
        if count <= limit:
            return False
        if count == limit + 1:
            log.warning("rate limit: %s sent more than %d messages this minute", mask_id(event.user_id), limit)
            note = self.services.knowledge.current.office_message("rate_limit.exceeded")
            await self.sender.send(event, [Text(text=note)])
        return True

    async def handle(self, event: InboundEvent) -> None:
        started = time.perf_counter()
        store = self.services.store
        if await self.over_rate_limit(event):
            return
        outcome = TurnOutcome()
        token = _outcome.set(outcome)  # turn() fills it in (a context variable keeps turn's signature)
        with log_context(event_id=event.event_id):
            try:
                async with store.lock(event.user_key):
                    if await store.get(TURN_DONE_PREFIX + event.event_id) is not None:
                        # a worker died after this turn was saved but before its event was acknowledged
                        log.warning("turn for event %s was applied already; not applied twice", event.event_id)
                        return
                    replies = await self.turn(event)
                    await store.set(TURN_DONE_PREFIX + event.event_id, "1", self.services.settings.dedupe_ttl_seconds)
            finally:
                _outcome.reset(token)
            await self.sender.send(event, replies)
            self.services.metrics.turn_done(outcome.dialog, time.perf_counter() - started, outcome.ok)

    async def turn(self, event: InboundEvent) -> list[Reply]:
        """Run one turn and persist its state; returns the replies (also used by the simulator)."""
        outcome = _outcome.get() or TurnOutcome()
        session = await self.services.sessions.load(event.user_key)
        ctx = TurnContext(
            event=event, session=session, knowledge=self.services.knowledge.current,
            services=self.services, now=self.now(),
        )
        try:
            replies = await self._dispatch_showing_progress(ctx)
        except (RedisConnectionError, RedisTimeoutError):
            # the store went away mid-turn: not the citizen's fault and not final; the queue tries again
            raise
        except Exception:
            log.exception("turn failed for event %s (%s)", event.event_id, event.kind)
            outcome.ok = False
            # the session is not saved: the citizen's previous state stays as it was
            return [Text(text=ctx.msg("error.generic"))]
        finally:
            outcome.dialog = ctx.notes.dialog
            if ctx.nlu is not None:
                self.services.metrics.nlu_intents.labels(ctx.nlu.intent).inc()
        if not ctx.session.handoff:
            note_turn(ctx.session, event, replies)  # the conversation so far, for a later handoff ticket
        if event.user_id and event.kind not in SILENT_FOR_STATS:  # the console's dashboard counters
            await daily_stats.note_turn(self.services.store, ctx.now.date(), event.user_key, ctx.intent)
        if event.kind is not EventKind.unfollow:
            await self.services.sessions.save(event.user_key, ctx.session)
        else:
            await self.services.sessions.delete(event.user_key)
        return replies

    async def _dispatch_showing_progress(self, ctx: TurnContext) -> list[Reply]:
        task = asyncio.ensure_future(self.dispatcher.dispatch(ctx))
        done, _ = await asyncio.wait({task}, timeout=LOADING_AFTER_SECONDS)
        if not done and ctx.event.source_type == "user" and ctx.event.user_id:
            await self.services.line.show_loading(ctx.event.user_id)
        return await task


def build_queue(settings: Settings, handler: Handler, claims: KeyValueStore | None = None, *,
                journal: Journal | None = None, resume: ResumeHandler | None = None) -> EventQueue:
    backend = settings.queue_backend
    if backend == "redis" or (backend == "auto" and settings.redis_url):
        if not settings.redis_url:
            raise ValueError("QUEUE_BACKEND=redis needs REDIS_URL")
        from bot.transport.redis_queue import RedisStreamQueue

        return RedisStreamQueue(settings.redis_url, handler, settings.worker_partitions,
                                consume=settings.run_workers, lease_seconds=settings.queue_lease_seconds)
    return InProcessQueue(handler, partitions=settings.worker_partitions, claims=claims,
                          journal=journal if settings.queue_journal else None, resume=resume,
                          max_pending=settings.queue_max_pending)


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """A worker process: consume the Redis queue until `stop` is set."""
    from bot.runtime.services import build_services

    services = build_services(settings)
    await services.db.migrate()
    processor = EventProcessor(services)
    queue = build_queue(settings.model_copy(update={"run_workers": True}), processor.handle)
    queue.start()
    from bot.office.wiring import build_outbox_sender  # the outbox sender runs beside the queue

    outbox = build_outbox_sender(services)
    outbox.start(settings.outbox_interval_seconds)
    from bot.office.handoff_jobs import HandoffEscalator  # unclaimed handoff tickets (idempotent per ticket)

    escalator = HandoffEscalator(services)
    escalator.start()
    log.info("worker started")
    try:
        await stop.wait()
    finally:
        await escalator.stop()
        await outbox.stop()
        await queue.stop()
        await services.close()


def main(argv: list[str]) -> int:
    """`python -m bot worker`: handle queued events in this process (needs REDIS_URL)."""
    import signal

    from bot.config import get_settings
    from bot.logging import setup_logging

    settings = get_settings()
    setup_logging(settings.log_level, settings.log_format)
    if not settings.redis_url:
        log.error("python -m bot worker needs REDIS_URL: without Redis the web process handles events itself")
        return 2

    async def _run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop)

    asyncio.run(_run())
    return 0
