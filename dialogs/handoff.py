"""Talk to a person: works from any state (a global interrupt).

Asked in words ("ขอคุยกับเจ้าหน้าที่"), the button (`a=handoff`), or accepting the offer after
two misses (`a=handoff&r=misses`) opens a ticket (bot/office/handoffs.py) with the conversation
so far, the NLU's guess and the service in focus. The citizen is told once that an officer
will answer — "notified" only when a notice to the officers' group was really queued — and,
outside office hours or on a holiday, when to expect it. From then on the dispatcher hands
every event to `during`: it is kept for the officer and the bot says nothing. The officer's
close clears the flag and asks for a 1–5 rating (`a=handoff_rate&t=<ticket>&v=<1..5>`).
"""

from __future__ import annotations

from bot.office.handoff_jobs import record_group
from bot.office.handoffs import HandoffService
from bot.runtime.context import TurnContext
from bot.runtime.replies import Reply, Text
from bot.transport.events import EventKind
from core.handoff import RATING_MAX, RATING_MIN, OpenReason
from dialogs.base import Dialog, NoData, Transition
from dialogs.menu import menu_choices
from dialogs.office import office_status, status_text
from knowledge.loader import holidays_of

HANDOFF_MIN_CONFIDENCE = 0.6
RATE_ACTION = "handoff_rate"


def wants_person(ctx: TurnContext) -> bool:
    return ctx.nlu is not None and ctx.nlu.intent == "handoff" and ctx.nlu.confidence >= HANDOFF_MIN_CONFIDENCE


def _reason(ctx: TurnContext) -> OpenReason:
    if ctx.postback is None:
        return OpenReason.asked
    return OpenReason.misses if ctx.postback.get("r") == "misses" else OpenReason.button


def _topic(ctx: TurnContext, reason: OpenReason) -> str:
    service = ctx.knowledge.services.get(ctx.service_id or "")
    parts = [ctx.text] if ctx.text else []
    if service is not None:
        parts.append(ctx.msg("handoff.topic.service", service=service.short_name))
    if not parts:
        parts.append(ctx.msg(f"handoff.topic.{reason.value}"))
    return " · ".join(parts)


def _transcript(ctx: TurnContext) -> list[dict[str, str]]:
    turns = list(ctx.session.recent)
    if ctx.text:
        turns.append({"from": "citizen", "text": ctx.text[:300]})
    return turns


async def _rate(ctx: TurnContext) -> Transition:
    assert ctx.postback is not None
    try:
        ticket_id, value = int(ctx.postback.get("t") or ""), int(ctx.postback.get("v") or "")
    except ValueError:
        return Transition([Text(text=ctx.msg("fallback.stale_button"), choices=menu_choices(ctx))])
    if not RATING_MIN <= value <= RATING_MAX or ctx.event.user_id is None:
        return Transition([Text(text=ctx.msg("fallback.stale_button"), choices=menu_choices(ctx))])
    recorded = await HandoffService(ctx.services).rate(ticket_id, ctx.event.user_id, value)
    key = "handoff.rated" if recorded else "handoff.rate.already"
    return Transition([Text(text=ctx.msg(key), choices=menu_choices(ctx))])


async def start(ctx: TurnContext, data: NoData) -> Transition:
    ctx.session.misses = 0
    if ctx.postback is not None and ctx.postback.action == RATE_ACTION:
        return await _rate(ctx)
    user = ctx.event.user_id
    if user is None or ctx.event.source_type != "user":
        # a group or room: tickets are one-to-one chats; give the phone instead
        return Transition([Text(text=ctx.msg("handoff.urgent"))])
    reason = _reason(ctx)
    nlu = ctx.nlu
    opened = await HandoffService(ctx.services).open(
        line_user_id=user, reason=reason, topic=_topic(ctx, reason),
        nlu_intent=nlu.intent if nlu else None, nlu_confidence=nlu.confidence if nlu else None,
        service_id=ctx.service_id, transcript=_transcript(ctx),
    )
    lines = [ctx.msg("handoff.opened.notified" if opened.notified else "handoff.opened.recorded")]
    if not office_status(ctx.knowledge.office.hours, holidays_of(ctx.knowledge), ctx.now).open_now:
        lines.append(ctx.msg("handoff.after_hours", status=status_text(ctx)))
    lines.append(ctx.msg("handoff.urgent"))
    return Transition([Text(text="\n\n".join(lines))], handoff=True)


async def during(ctx: TurnContext) -> list[Reply] | None:
    """A turn while an officer has the chat: keep the message, say nothing.
    None when no ticket is live any more (closed elsewhere): the flag is cleared and the bot answers."""
    user = ctx.event.user_id
    service = HandoffService(ctx.services)
    ticket = await service.live_ticket_for(user) if user else None
    if ticket is None:
        ctx.session.handoff = False
        return None
    problem = await service.record_citizen(ticket, ctx.event)
    return [Text(text=ctx.msg("handoff.media_saved_failed"))] if problem else []


async def note_group(ctx: TurnContext) -> None:
    """The bot was invited to (or removed from) a group: remember its id for the officers' group setting."""
    if ctx.event.source_type == "group" and ctx.event.chat_id:
        await record_group(ctx.services, ctx.event.chat_id, joined=ctx.event.kind is EventKind.join)


DIALOG: Dialog[NoData] = Dialog(
    name="handoff", start=start, postbacks=frozenset({"handoff", RATE_ACTION}),
    matcher=wants_person,
)
