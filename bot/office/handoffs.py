"""Handoff tickets: open, record, claim, reply, close, rate, escalate (rules in core/handoff.py).

One service for every entrance: the citizen's dialog (dialogs/handoff.py), the officers' API
(bot/api/handoffs.py), the console (console/routes.py) and the escalation job. Every message
that results from a change (the officers' group notice, an officer's reply, "the bot is back")
is written to the outbox in the same transaction as the change, with a retry key derived from
the ticket, so a crash or a retry never loses one and never sends one twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.office.outbox import enqueue
from bot.runtime.media import MediaRejected, fetch_media
from bot.runtime.postback import postback
from bot.runtime.render import render_all
from bot.runtime.replies import Choice, Text
from bot.runtime.services import Services
from bot.transport.events import EventKind, InboundEvent
from core.handoff import (
    RATING_MAX,
    RATING_MIN,
    HandoffRefused,
    OpenReason,
    Sender,
    TicketState,
    check_claim,
    check_rating,
    check_reply,
    check_transition,
    needs_escalation,
)
from core.masking import mask_line_id as mask_id
from integrations.storage.models.handoff import HandoffMessage, HandoffTicket
from integrations.storage.models.office import OutboxMessage

log = logging.getLogger(__name__)
RETRY_KEY_NAMESPACE = uuid.UUID("0b6a3f0e-8f51-4c8e-b0f4-4b1d1f3c5e13")  # never change: keys must repeat
LIVE_STATES = (TicketState.open.value, TicketState.claimed.value)
MAX_TOPIC_CHARS = 200
OUTBOX_PURPOSE = "handoff"


def retry_key(ticket_id: int, what: str) -> str:
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"handoff:{ticket_id}:{what}"))


@dataclass(frozen=True)
class OfficerRef:
    """Who acts: the cases branch's officer account reduced to what a ticket records."""

    id: int
    name: str


@dataclass(frozen=True)
class Opened:
    ticket: HandoffTicket
    notified: bool  # a notice to the officers' group was queued
    existing: bool  # the citizen already had a live ticket


@dataclass(frozen=True)
class TicketView:
    ticket: HandoffTicket
    messages: list[HandoffMessage]


class TicketNotFound(LookupError):
    pass


def user_key(line_user_id: str) -> str:
    return f"user:{line_user_id}"


class HandoffService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._queued = False

    # --- helpers -------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.services.clock()

    def _msg(self, key: str, /, **values: object) -> str:
        return self.services.knowledge.current.office_message(key, **values)

    def ticket_link(self, ticket_id: int) -> str:
        return f"{self.services.settings.public_base_url.rstrip('/')}/console/inbox/{ticket_id}"

    async def _queue(self, session: AsyncSession, to: str, messages: list[dict[str, Any]], key: str) -> None:
        """Write the push into this transaction (the case-lifecycle outbox); `_ring` after the commit."""
        existing = await session.exec(select(OutboxMessage.id).where(OutboxMessage.retry_key == key))
        if existing.first() is not None:
            return  # queued by an earlier attempt of the same action
        enqueue(session, to, messages, purpose=OUTBOX_PURPOSE, now=self._now(), retry_key=key)
        self._queued = True

    def _ring(self) -> None:
        """Wake the outbox sender in this process after a commit that queued pushes."""
        if self._queued:
            self._queued = False
            self.services.outbox_bell.ring()

    def _group_notice(self, ticket: HandoffTicket, key: str, **extra: object) -> list[dict[str, Any]]:
        name = ticket.display_name or self._msg("handoff.group.unknown_name")
        text = self._msg(key, name=name, topic=ticket.topic, link=self.ticket_link(ticket.id or 0), **extra)
        return render_all([Text(text=text)])

    async def _get(self, session: AsyncSession, ticket_id: int) -> HandoffTicket:
        ticket = await session.get(HandoffTicket, ticket_id)
        if ticket is None:
            raise TicketNotFound(ticket_id)
        return ticket

    # --- the citizen's side --------------------------------------------------------------
    async def live_ticket_for(self, line_user_id: str) -> HandoffTicket | None:
        async with self.services.db.session() as session:
            stmt = (select(HandoffTicket).where(HandoffTicket.line_user_id == line_user_id)
                    .where(col(HandoffTicket.state).in_(LIVE_STATES)).order_by(col(HandoffTicket.id).desc()))
            return (await session.exec(stmt)).first()

    async def open(
        self, *, line_user_id: str, reason: OpenReason, topic: str, nlu_intent: str | None = None,
        nlu_confidence: float | None = None, service_id: str | None = None,
        transcript: list[dict[str, str]] | None = None,
    ) -> Opened:
        existing = await self.live_ticket_for(line_user_id)
        if existing is not None:
            return Opened(existing, existing.notified_at is not None, existing=True)
        try:
            display_name = await self.services.line.display_name(line_user_id)
        except Exception:  # the name is a courtesy for the officers; the ticket matters more
            log.warning("no display name for %s", mask_id(line_user_id), exc_info=True)
            display_name = None
        group = self.services.settings.line_officer_group_id
        now = self._now()
        async with self.services.db.session() as session:
            ticket = HandoffTicket(
                line_user_id=line_user_id, display_name=display_name, state=TicketState.open.value,
                reason=reason.value, topic=topic[:MAX_TOPIC_CHARS], nlu_intent=nlu_intent,
                nlu_confidence=nlu_confidence, service_id=service_id, transcript=transcript or [],
                opened_at=now, notified_at=now if group else None,
            )
            session.add(ticket)
            await session.flush()
            assert ticket.id is not None
            if group:
                await self._queue(session, group, self._group_notice(ticket, "handoff.group.new"),
                                  retry_key(ticket.id, "notify"))
        self._ring()
        log.info("handoff ticket %s opened for %s (%s)", ticket.id, mask_id(line_user_id), reason.value)
        self.services.live.publish("opened", ticket_id=ticket.id)
        return Opened(ticket, notified=bool(group), existing=False)

    async def record_citizen(self, ticket: HandoffTicket, event: InboundEvent) -> str | None:
        """Keep what the citizen sent while the ticket is live. Returns a message key to answer
        with when something could not be kept (a file LINE would not give us), else None."""
        assert ticket.id is not None
        problem: str | None = None
        row = HandoffMessage(ticket_id=ticket.id, sender=Sender.citizen.value, kind=_kind(event),
                             event_id=event.event_id[:64], created_at=self._now())
        if event.kind is EventKind.text:
            row.text = event.text or ""
        elif event.kind is EventKind.location and event.location is not None:
            place = event.location
            row.text = f"{place.address or place.title or ''} ({place.latitude:.5f}, {place.longitude:.5f})".strip()
        elif event.kind in {EventKind.image, EventKind.file}:
            try:
                media = await fetch_media(self.services.line, event)
                row.file_key = await self.services.files.save(
                    f"handoff/{ticket.id}", media.name, media.data, media.content_type)
                row.content_type, row.file_name = media.content_type, media.name[:200]
            except MediaRejected as err:
                row.text = f"[{err.reason}]"
                problem = err.reason
        elif event.kind is EventKind.postback:
            row.text = event.postback_data or ""
        try:
            async with self.services.db.session() as session:
                session.add(row)
        except IntegrityError:
            log.info("event %s already kept for ticket %s", event.event_id, ticket.id)
            return None
        self.services.live.publish("message", ticket_id=ticket.id)
        return problem

    async def rate(self, ticket_id: int, line_user_id: str, value: int) -> bool:
        """The citizen's 1–5 after a close. False when this ticket was rated already (or is not theirs)."""
        check_rating(value)
        async with self.services.db.session() as session:
            result = await session.exec(
                update(HandoffTicket)
                .where(col(HandoffTicket.id) == ticket_id, col(HandoffTicket.line_user_id) == line_user_id,
                       col(HandoffTicket.state) == TicketState.closed.value, col(HandoffTicket.rating).is_(None))
                .values(rating=value, rated_at=self._now())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    # --- the officers' side --------------------------------------------------------------
    async def list(self, state: str, officer_id: int | None = None, limit: int = 200) -> list[HandoffTicket]:
        """state: open (open or claimed, newest first), mine (claimed by officer_id), closed."""
        stmt = select(HandoffTicket)
        if state == "open":
            stmt = stmt.where(col(HandoffTicket.state).in_(LIVE_STATES))
        elif state == "mine":
            stmt = stmt.where(col(HandoffTicket.state) == TicketState.claimed.value,
                              col(HandoffTicket.claimed_by) == officer_id)
        elif state == "closed":
            stmt = stmt.where(col(HandoffTicket.state) == TicketState.closed.value)
        else:
            raise ValueError(state)
        async with self.services.db.session() as session:
            rows = await session.exec(stmt.order_by(col(HandoffTicket.opened_at).desc(),
                                                    col(HandoffTicket.id).desc()).limit(limit))
            return list(rows.all())

    async def detail(self, ticket_id: int) -> TicketView:
        async with self.services.db.session() as session:
            ticket = await self._get(session, ticket_id)
            rows = await session.exec(select(HandoffMessage).where(HandoffMessage.ticket_id == ticket_id)
                                      .order_by(col(HandoffMessage.id)))
            return TicketView(ticket, list(rows.all()))

    async def message(self, ticket_id: int, message_id: int) -> HandoffMessage:
        async with self.services.db.session() as session:
            row = await session.get(HandoffMessage, message_id)
            if row is None or row.ticket_id != ticket_id:
                raise TicketNotFound(message_id)
            return row

    async def claim(self, ticket_id: int, officer: OfficerRef) -> HandoffTicket:
        async with self.services.db.session() as session:
            ticket = await self._get(session, ticket_id)
            if not check_claim(TicketState(ticket.state), ticket.claimed_by, officer.id):
                return ticket
            result = await session.exec(
                update(HandoffTicket)
                .where(col(HandoffTicket.id) == ticket_id, col(HandoffTicket.state) == TicketState.open.value)
                .values(state=TicketState.claimed.value, claimed_by=officer.id, claimed_by_name=officer.name,
                        claimed_at=self._now())
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise HandoffRefused("claimed_by_other", "another officer has just taken this ticket")
            await session.refresh(ticket)
        self.services.live.publish("claimed", ticket_id=ticket_id)
        return ticket

    async def reply(self, ticket_id: int, officer: OfficerRef, text: str) -> HandoffMessage:
        """An officer's words to the citizen: kept in the transcript and pushed once (outbox).
        The first reply to an open ticket claims it for that officer."""
        async with self.services.db.session() as session:
            ticket = await self._get(session, ticket_id)
            cleaned = check_reply(TicketState(ticket.state), text)  # a colleague may step in: rows say who
            now = self._now()
            if ticket.state == TicketState.open.value:
                ticket.state, ticket.claimed_by, ticket.claimed_by_name = (
                    TicketState.claimed.value, officer.id, officer.name)
                ticket.claimed_at = now
            if ticket.first_reply_at is None:
                ticket.first_reply_at = now
            row = HandoffMessage(ticket_id=ticket_id, sender=Sender.officer.value, officer_id=officer.id,
                                 officer_name=officer.name, kind="text", text=cleaned, created_at=now)
            session.add(ticket)
            session.add(row)
            await session.flush()
            assert row.id is not None
            sender = self._msg("handoff.sender_name", name=officer.name)[:20]
            messages = [{"type": "text", "text": cleaned, "sender": {"name": sender}}]
            await self._queue(session, ticket.line_user_id, messages, retry_key(ticket_id, f"reply:{row.id}"))
        self._ring()
        self.services.live.publish("message", ticket_id=ticket_id)
        return row

    async def close(self, ticket_id: int, officer: OfficerRef) -> HandoffTicket:
        """Back to the bot: the citizen is told so (with a 1–5 rating) and the bot answers again."""
        async with self.services.db.session() as session:
            ticket = await self._get(session, ticket_id)
            check_transition(TicketState(ticket.state), TicketState.closed)
            result = await session.exec(
                update(HandoffTicket)
                .where(col(HandoffTicket.id) == ticket_id, col(HandoffTicket.state).in_(LIVE_STATES))
                .values(state=TicketState.closed.value, closed_at=self._now(), closed_by=officer.id)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise HandoffRefused("invalid_transition", "the ticket was closed a moment ago")
            await self._queue(session, ticket.line_user_id, self._closing_message(ticket_id),
                              retry_key(ticket_id, "closed"))
            await session.refresh(ticket)
        self._ring()
        await self._release_chat(ticket.line_user_id)
        self.services.live.publish("closed", ticket_id=ticket_id)
        return ticket

    def _closing_message(self, ticket_id: int) -> list[dict[str, Any]]:
        choices = [
            Choice(label=self._msg("handoff.rate.label", value=v), text=self._msg("handoff.rate.label", value=v),
                   data=postback("handoff_rate", t=str(ticket_id), v=str(v)), action="postback")
            for v in range(RATING_MAX, RATING_MIN - 1, -1)
        ]
        return render_all([Text(text=self._msg("handoff.closed"), choices=choices)])

    async def _release_chat(self, line_user_id: str) -> None:
        """Clear the session's handoff flag so the bot answers the citizen's next message."""
        key = user_key(line_user_id)
        async with self.services.store.lock(key):
            state = await self.services.sessions.load(key)
            state.handoff = False
            state.misses = 0
            await self.services.sessions.save(key, state)

    # --- jobs ----------------------------------------------------------------------------
    async def escalate_due(self) -> int:
        """Second notice for tickets nobody claimed in HANDOFF_ESCALATE_MINUTES, and a holding
        message to the citizen; once per ticket. Returns how many were escalated."""
        minutes = self.services.settings.handoff_escalate_minutes
        if minutes <= 0:
            return 0
        now = self._now()
        group = self.services.settings.line_officer_group_id
        escalated = 0
        async with self.services.db.session() as session:
            stmt = select(HandoffTicket).where(col(HandoffTicket.state) == TicketState.open.value,
                                               col(HandoffTicket.escalated_at).is_(None))
            candidates = list((await session.exec(stmt)).all())
        for ticket in candidates:
            if not needs_escalation(TicketState(ticket.state), ticket.opened_at, ticket.escalated_at, now, minutes):
                continue
            assert ticket.id is not None
            async with self.services.db.session() as session:
                result = await session.exec(
                    update(HandoffTicket)
                    .where(col(HandoffTicket.id) == ticket.id, col(HandoffTicket.state) == TicketState.open.value,
                           col(HandoffTicket.escalated_at).is_(None))
                    .values(escalated_at=now)
                )
                if not result.rowcount:  # type: ignore[attr-defined]
                    continue  # claimed or escalated by someone else meanwhile
                waited = int((now - ticket.opened_at).total_seconds() // 60)
                if group:
                    await self._queue(session, group,
                                      self._group_notice(ticket, "handoff.group.escalated", minutes=waited),
                                      retry_key(ticket.id, "escalate"))
                holding = render_all([Text(text=self._msg("handoff.holding"))])
                await self._queue(session, ticket.line_user_id, holding, retry_key(ticket.id, "holding"))
            self._ring()
            escalated += 1
            self.services.live.publish("escalated", ticket_id=ticket.id)
        if escalated:
            log.info("escalated %d handoff ticket(s)", escalated)
        return escalated


def _kind(event: InboundEvent) -> str:
    if event.kind in {EventKind.text, EventKind.image, EventKind.file, EventKind.sticker, EventKind.location}:
        return event.kind.value
    return "other"
