"""One turn: lock the conversation, load its session, dispatch, save, answer.

Order matters: the session is loaded after the lock is taken (else two turns
could both read the old state), and saved before the answer is sent (a crash
after saving loses an answer, never the citizen's input).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.context import TurnContext
from bot.dispatcher import Dispatcher
from bot.events import EventKind, InboundEvent
from bot.outbox import ReplySender
from bot.replies import Reply, Text
from bot.services import Services

log = logging.getLogger(__name__)
LOADING_AFTER_SECONDS = 0.4  # show LINE's typing animation only when an answer is slow


class EventProcessor:
    def __init__(self, services: Services, dispatcher: Dispatcher | None = None) -> None:
        self.services = services
        self.dispatcher = dispatcher or Dispatcher()
        self.sender = ReplySender(services.line)
        self._zone = ZoneInfo(services.settings.timezone)

    def now(self) -> datetime:
        return self.services.clock().astimezone(self._zone)

    async def handle(self, event: InboundEvent) -> None:
        async with self.services.store.lock(event.user_key):
            replies = await self.turn(event)
        await self.sender.send(event, replies)

    async def turn(self, event: InboundEvent) -> list[Reply]:
        """Run one turn and persist its state; returns the replies (also used by the simulator)."""
        session = await self.services.sessions.load(event.user_key)
        ctx = TurnContext(
            event=event, session=session, knowledge=self.services.knowledge.current,
            services=self.services, now=self.now(),
        )
        try:
            replies = await self._dispatch_showing_progress(ctx)
        except Exception:
            log.exception("turn failed for event %s (%s)", event.event_id, event.kind)
            # the session is not saved: the citizen's previous state stays as it was
            return [Text(text=ctx.msg("error.generic"))]
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
