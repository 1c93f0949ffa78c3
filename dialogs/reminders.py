"""Reminders of yearly deadlines (the `deadlines` of a service file): subscribe, list, opt out.

Entry: the words "เตือนด้วย" / "แจ้งเตือน" / "เลิกแจ้งเตือน" (see remind.words.* in
messages/civic.yaml) or a postback `a=remind&…`:
  s=<service>&d=<deadline>  subscribe          s=<service>   that service's deadlines
  op=pick  choose a deadline     op=list  my reminders     op=off&id=<n>  opt out
Other dialogs offer the button with `reminder_choice(ctx, service_id)`. The dialog keeps
no state; bot/jobs/reminders.py sends the reminders.
"""

from __future__ import annotations

from datetime import date

from bot.jobs.reminders import find_deadline, reminder_settings, window_text
from bot.runtime.context import TurnContext
from bot.runtime.replies import Choice, Text, postback_choice
from core.deadlines import closing_day, due_kinds, next_window, retry_key, window
from core.ports import SubscriptionRecord
from core.thai_dates import thai_date
from dialogs.base import Dialog, NoData, Transition
from knowledge.schema import Deadline, Service

ACTION = "remind"
MAX_CHOICES = 13


def _norm(text: str) -> str:
    return "".join(text.lower().split())


def _has_words(ctx: TurnContext, key: str) -> bool:
    said = _norm(ctx.text)
    return any(w and w in said for w in (_norm(part) for part in ctx.msg(key).split(",")))


def wants_reminder(ctx: TurnContext) -> bool:
    if not ctx.text:
        return False
    return any(_has_words(ctx, f"remind.words.{kind}") for kind in ("stop", "list", "subscribe"))


def _choice(label: str, action: str = ACTION, **params: str) -> Choice:
    return postback_choice(label, action, **params)


def reminder_choice(ctx: TurnContext, service_id: str) -> Choice | None:
    """The "remind me" quick reply for a service with yearly deadlines (for other dialogs)."""
    service = ctx.knowledge.services.get(service_id)
    if service is None or not service.deadlines:
        return None
    return _choice(ctx.msg("remind.offer.label"), s=service_id)


def _chat(ctx: TurnContext) -> str:
    return ctx.event.reply_to or ctx.event.user_id or ""


def _today(ctx: TurnContext) -> date:
    return ctx.now.date()


def _menu(ctx: TurnContext) -> Choice:
    return _choice(ctx.msg("remind.menu.label"), action="menu")


def _mine(ctx: TurnContext) -> Choice:
    return _choice(ctx.msg("remind.mine.label"), op="list")


def _all_deadlines(ctx: TurnContext) -> list[tuple[Service, Deadline]]:
    return [(s, d) for s in ctx.knowledge.services.values() for d in s.deadlines]


def _pick(ctx: TurnContext, notes: list[str] | None = None, only: str | None = None) -> Transition:
    pairs = [(s, d) for s, d in _all_deadlines(ctx) if only is None or s.id == only]
    lines = [*(notes or []), ctx.msg("remind.pick")]
    choices: list[Choice] = []
    for service, deadline in pairs:
        win = next_window(deadline, _today(ctx))
        lines.append(ctx.msg("remind.pick_line", service=service.short_name, window=window_text(ctx.knowledge, win)))
        choices.append(_choice(service.short_name, s=service.id, d=deadline.id))
    return Transition([Text(text="\n".join(lines), choices=[*choices[: MAX_CHOICES - 2], _mine(ctx), _menu(ctx)])])


def _when(ctx: TurnContext, deadline: Deadline) -> list[str]:
    """When the citizen will hear from us."""
    today = _today(ctx)
    win = window(deadline, today.year)
    if win.opens <= today <= win.closes:
        lines = [ctx.msg("remind.open_now", date=thai_date(ctx.msg, win.closes))]
        closing = closing_day(win, reminder_settings().closing_days)
        if closing is not None and closing > today:
            lines.append(ctx.msg("remind.closing_later", date=thai_date(ctx.msg, closing)))
        return lines
    return [ctx.msg("remind.next", date=thai_date(ctx.msg, next_window(deadline, today).opens))]


async def _subscribe(ctx: TurnContext, service_id: str, deadline_id: str) -> Transition:
    found = find_deadline(ctx.knowledge, service_id, deadline_id)
    if found is None:
        return _pick(ctx, [ctx.msg("remind.not_found")])
    service, deadline = found
    today = _today(ctx)
    due_now = due_kinds(deadline, today, reminder_settings().closing_days)

    def told_now(subscription_id: int) -> dict[str, str]:
        # inside the window now: this answer is the reminder, the scheduler must not repeat it
        return {kind: retry_key(subscription_id, today.year, kind) for kind in due_now}

    subscribed = await ctx.ports.reminders.subscribe(_chat(ctx), service_id, deadline_id, ctx.now, told_now,
                                                     today.year)
    if subscribed.already:
        head = ctx.msg("remind.already", service=service.short_name)
    else:
        head = ctx.msg("remind.subscribed", service=service.short_name, description=deadline.description)
    choices = [_mine(ctx), _choice(ctx.msg("remind.documents.label"), action="documents", s=service_id),
               _menu(ctx)]
    return Transition([Text(text="\n".join([head, *_when(ctx, deadline)]), choices=choices)])


async def _for_service(ctx: TurnContext, service_id: str, *, confirm: bool) -> Transition:
    service = ctx.knowledge.services[service_id]
    if not service.deadlines:
        return _pick(ctx, [ctx.msg("remind.no_deadline", service=service.short_name)])
    if len(service.deadlines) > 1:
        return _pick(ctx, only=service_id)
    deadline = service.deadlines[0]
    if not confirm:
        return await _subscribe(ctx, service_id, deadline.id)
    win = window_text(ctx.knowledge, next_window(deadline, _today(ctx)))
    text = ctx.msg("remind.confirm", service=service.short_name, window=win)
    yes = _choice(ctx.msg("remind.confirm_yes.label"), s=service_id, d=deadline.id)
    return Transition([Text(text=text, choices=[yes, _choice(ctx.msg("remind.other.label"), op="pick")])])


async def _list(ctx: TurnContext, *, stopping: bool = False) -> Transition:
    active = await ctx.ports.reminders.active(_chat(ctx))
    subs = [(sub, find_deadline(ctx.knowledge, sub.service_id, sub.deadline_id)) for sub in active]
    known = [(sub, found) for sub, found in subs if found is not None]
    if not known:
        return _pick(ctx, [ctx.msg("remind.list_empty")])
    lines = [ctx.msg("remind.list_title")]
    choices: list[Choice] = []
    for number, (sub, (service, deadline)) in enumerate(known, start=1):
        win = window_text(ctx.knowledge, next_window(deadline, _today(ctx)))
        lines.append(ctx.msg("remind.list_line", number=number, service=service.short_name, window=win))
        choices.append(_choice(ctx.msg("remind.stop.label", service=service.short_name), op="off", id=str(sub.id)))
    if stopping:
        lines.append(ctx.msg("remind.list_hint"))
    extra = [_choice(ctx.msg("remind.add.label"), op="pick"), _menu(ctx)]
    return Transition([Text(text="\n".join(lines), choices=[*choices[: MAX_CHOICES - 2], *extra])])


async def _opt_out(ctx: TurnContext, raw_id: str | None) -> Transition:
    sub_id = int(raw_id) if raw_id and raw_id.isdigit() else None
    sub: SubscriptionRecord | None = None
    if sub_id is not None:  # someone else's subscription is not found, not refused
        sub = await ctx.ports.reminders.opt_out(_chat(ctx), sub_id, ctx.now)
    if sub is None:
        return Transition([Text(text=ctx.msg("remind.not_found"), choices=[_mine(ctx), _menu(ctx)])])
    found = find_deadline(ctx.knowledge, sub.service_id, sub.deadline_id)
    name = found[0].short_name if found else sub.service_id
    again = _choice(ctx.msg("remind.resubscribe.label"), s=sub.service_id, d=sub.deadline_id)
    text = ctx.msg("remind.stopped", service=name)
    return Transition([Text(text=text, choices=[again, _mine(ctx), _menu(ctx)])])


async def start(ctx: TurnContext, data: NoData) -> Transition:
    pb = ctx.postback
    if pb is not None:
        op, service_id, deadline_id = pb.get("op"), pb.get("s"), pb.get("d")
        if op == "off":
            return await _opt_out(ctx, pb.get("id"))
        if op == "list":
            return await _list(ctx)
        if service_id and deadline_id:
            return await _subscribe(ctx, service_id, deadline_id)
        if service_id is not None and service_id in ctx.knowledge.services:
            return await _for_service(ctx, service_id, confirm=False)
        return _pick(ctx)
    if _has_words(ctx, "remind.words.stop"):
        return await _list(ctx, stopping=True)
    if _has_words(ctx, "remind.words.list"):
        return await _list(ctx)
    said = ctx.nlu.service if ctx.nlu is not None else None
    if said is not None and said in ctx.knowledge.services:
        return await _for_service(ctx, said, confirm=False)
    focus = ctx.session.focus_service
    if focus is not None and focus in ctx.knowledge.services and ctx.knowledge.services[focus].deadlines:
        return await _for_service(ctx, focus, confirm=True)
    return _pick(ctx)


DIALOG: Dialog[NoData] = Dialog(
    name="reminders",
    start=start,
    postbacks=frozenset({ACTION}),
    matcher=wants_reminder,
)
