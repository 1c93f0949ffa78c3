"""Handoff tickets for officers: `/api/v1/handoffs` (thin: bot/office/handoffs.py has the work).

Same bearer tokens and error codes as the cases API: 401 without a valid token, 404 for an
unknown ticket, 409 for an action the ticket's state refuses (core/handoff.py), 422 for a
bad body or query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.api.auth import CurrentOfficer, services_of
from bot.office.handoffs import HandoffService, OfficerRef, TicketNotFound, TicketView
from core.handoff import MAX_REPLY_CHARS, HandoffRefused
from integrations.storage.models.handoff import HandoffMessage, HandoffTicket
from integrations.storage.models.office import Officer

router = APIRouter(prefix="/handoffs", tags=["handoffs"])


class TicketSummary(BaseModel):
    id: int
    state: str
    reason: str
    display_name: str | None
    topic: str
    service_id: str | None
    nlu_intent: str | None
    opened_at: datetime
    claimed_by: int | None
    claimed_by_name: str | None
    first_reply_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    rating: int | None


class TranscriptLine(BaseModel):
    sender: Literal["citizen", "bot"]
    text: str


class MessageOut(BaseModel):
    id: int
    sender: str
    officer_name: str | None
    kind: str
    text: str | None
    media_url: str | None
    content_type: str | None
    file_name: str | None
    created_at: datetime


class TicketDetail(TicketSummary):
    nlu_confidence: float | None
    before: list[TranscriptLine]  # the conversation before the handoff
    messages: list[MessageOut]


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_REPLY_CHARS)


def officer_ref(officer: Officer) -> OfficerRef:
    assert officer.id is not None
    return OfficerRef(id=officer.id, name=officer.display_name or officer.username)


def summary(ticket: HandoffTicket) -> TicketSummary:
    assert ticket.id is not None
    return TicketSummary(
        id=ticket.id, state=ticket.state, reason=ticket.reason, display_name=ticket.display_name,
        topic=ticket.topic, service_id=ticket.service_id, nlu_intent=ticket.nlu_intent, opened_at=ticket.opened_at,
        claimed_by=ticket.claimed_by, claimed_by_name=ticket.claimed_by_name, first_reply_at=ticket.first_reply_at,
        escalated_at=ticket.escalated_at, closed_at=ticket.closed_at, rating=ticket.rating,
    )


def media_url(message: HandoffMessage) -> str | None:
    if not message.file_key:
        return None
    return f"/api/v1/handoffs/{message.ticket_id}/media/{message.id}"


def detail(view: TicketView) -> TicketDetail:
    ticket = view.ticket
    before = [TranscriptLine(sender="bot" if t.get("from") == "bot" else "citizen", text=str(t.get("text", "")))
              for t in ticket.transcript]
    messages = [
        MessageOut(id=m.id or 0, sender=m.sender, officer_name=m.officer_name, kind=m.kind, text=m.text,
                   media_url=media_url(m), content_type=m.content_type, file_name=m.file_name,
                   created_at=m.created_at)
        for m in view.messages
    ]
    return TicketDetail(**summary(ticket).model_dump(), nlu_confidence=ticket.nlu_confidence, before=before,
                        messages=messages)


def _not_found(ticket_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no handoff ticket {ticket_id}")


def _refused(err: HandoffRefused) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, detail={"code": err.code, "reason": err.reason})


def service(request: Request) -> HandoffService:
    return HandoffService(services_of(request))


@router.get("", response_model=list[TicketSummary])
async def list_handoffs(
    request: Request, officer: CurrentOfficer,
    state: Annotated[Literal["open", "mine", "closed"], Query()] = "open",
) -> list[TicketSummary]:
    """open: waiting or being answered, newest first; mine: claimed by me; closed."""
    tickets = await service(request).list(state, officer_id=officer.id)
    return [summary(t) for t in tickets]


@router.get("/{ticket_id}", response_model=TicketDetail)
async def get_handoff(request: Request, officer: CurrentOfficer, ticket_id: int) -> TicketDetail:
    try:
        return detail(await service(request).detail(ticket_id))
    except TicketNotFound:
        raise _not_found(ticket_id) from None


@router.get("/{ticket_id}/media/{message_id}", response_class=Response)
async def get_media(request: Request, officer: CurrentOfficer, ticket_id: int, message_id: int) -> Response:
    """A photo or file the citizen sent while the ticket was live."""
    handoffs = service(request)
    try:
        message = await handoffs.message(ticket_id, message_id)
    except TicketNotFound:
        raise _not_found(ticket_id) from None
    if not message.file_key:
        raise _not_found(ticket_id)
    data = await handoffs.services.files.read(message.file_key)
    return Response(data, media_type=message.content_type or "application/octet-stream",
                    headers={"Cache-Control": "private, max-age=3600"})


@router.post("/{ticket_id}/claim", response_model=TicketSummary)
async def claim_handoff(request: Request, officer: CurrentOfficer, ticket_id: int) -> TicketSummary:
    try:
        return summary(await service(request).claim(ticket_id, officer_ref(officer)))
    except TicketNotFound:
        raise _not_found(ticket_id) from None
    except HandoffRefused as err:
        raise _refused(err) from None


@router.post("/{ticket_id}/messages", response_model=MessageOut, status_code=status.HTTP_201_CREATED)
async def reply_to_handoff(request: Request, officer: CurrentOfficer, ticket_id: int, body: ReplyIn) -> MessageOut:
    """Send the citizen a text (pushed once, through the outbox); the first reply claims the ticket."""
    try:
        row = await service(request).reply(ticket_id, officer_ref(officer), body.text)
    except TicketNotFound:
        raise _not_found(ticket_id) from None
    except HandoffRefused as err:
        raise _refused(err) from None
    return MessageOut(id=row.id or 0, sender=row.sender, officer_name=row.officer_name, kind=row.kind, text=row.text,
                      media_url=None, content_type=None, file_name=None, created_at=row.created_at)


@router.post("/{ticket_id}/close", response_model=TicketSummary)
async def close_handoff(request: Request, officer: CurrentOfficer, ticket_id: int) -> TicketSummary:
    """Back to the bot: the citizen is told and asked for a 1–5 rating."""
    try:
        return summary(await service(request).close(ticket_id, officer_ref(officer)))
    except TicketNotFound:
        raise _not_found(ticket_id) from None
    except HandoffRefused as err:
        raise _refused(err) from None
