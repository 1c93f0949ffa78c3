"""The service's own questions (Service.form_fields) and the checklist's condition questions.

Field types: text, number, choice, date (Thai dates, พ.ศ. or ค.ศ.), location (a LINE location
message, or a typed address when the phone cannot share one), yes_no. Optional fields can
be skipped. Condition answers go to `session.answers` too, shared with the checklist dialog,
so a question answered there is not asked again here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Reply, Text, postback_choice
from bot.transport.events import EventKind
from bot.validators import Parsed, format_number, parse_free_text, parse_number, parse_thai_date
from core.thai_dates import thai_date
from dialogs.application.common import (
    AskFn,
    Data,
    Step,
    advance,
    current_app,
    goto,
    keep_choice,
    other_question,
    plain,
    pressed,
    repo,
    service_of,
    yes_no,
    yes_no_choices,
)
from dialogs.base import Transition
from knowledge.schema import FieldType, FormField

SKIP_WORDS = frozenset({"ข้าม", "skip", "-", "ไม่มี", "ไม่ระบุ"})


def field_key(form_field: FormField) -> str:
    return f"f:{form_field.id}"


def shown_value(ctx: TurnContext, form_field: FormField, value: Any) -> str:
    """A stored answer as the citizen reads it."""
    if value is None:
        return ctx.msg("application.value.skipped")
    if form_field.type is FieldType.yes_no:
        return ctx.msg("application.choice.yes" if value else "application.choice.no")
    if form_field.type is FieldType.date:
        return thai_date(ctx.msg, dt.date.fromisoformat(str(value)))
    if form_field.type is FieldType.number:
        number = format_number(float(value))
        return f"{number} {form_field.unit}" if form_field.unit else number
    if form_field.type is FieldType.location and isinstance(value, dict):
        if "latitude" in value:
            place = value.get("address") or value.get("title") or ""
            return ctx.msg("application.value.location", place=place,
                           latitude=f"{value['latitude']:.5f}", longitude=f"{value['longitude']:.5f}").strip()
        return str(value.get("address", ""))
    return str(value)


# --- form fields -------------------------------------------------------------------------------


async def ask_field(ctx: TurnContext, data: Data) -> list[Reply]:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    assert service is not None and app is not None
    form_field = service.form_fields[data.field_index]
    lines = [
        ctx.msg("application.field.progress", number=data.field_index + 1, total=len(service.form_fields)),
        form_field.question,
    ]
    choices: list[Choice] = []
    kind = form_field.type
    if kind is FieldType.choice:
        lines += [f"{i}. {option}" for i, option in enumerate(form_field.choices, start=1)]
        choices = [
            Choice(label=f"{i}. {option}", text=option, data=postback("app_choice", f=form_field.id, i=str(i - 1)),
                   action="postback")
            for i, option in enumerate(form_field.choices, start=1)
        ]
    elif kind is FieldType.yes_no:
        choices = yes_no_choices(ctx, field_key(form_field))
    elif kind is FieldType.date:
        lines.append(ctx.msg("application.field.date_hint"))
    elif kind is FieldType.number:
        lines.append(ctx.msg("application.field.number_hint", unit=form_field.unit or "").replace(" )", ")"))
    elif kind is FieldType.location:
        lines.append(ctx.msg("application.field.location_hint"))
        choices = [Choice(label=ctx.msg("application.choice.send_location"), action="location")]
    if form_field.help:
        lines.append(form_field.help)
    if form_field.id in app.form_answers:
        lines.append(ctx.msg("application.current_value",
                             value=shown_value(ctx, form_field, app.form_answers[form_field.id])))
        choices.insert(0, keep_choice(ctx, field_key(form_field)))
    if not form_field.required:
        skip = ctx.msg("application.choice.skip")
        choices.append(postback_choice(skip, "app_skip", f=form_field.id))
    return [Text(text="\n".join(lines), choices=choices)]


def _choice(ctx: TurnContext, form_field: FormField) -> Parsed[Any] | None:
    pb = ctx.postback
    if pb is not None:
        if pb.action == "app_choice" and pb.get("f") == form_field.id and (pb.get("i") or "").isdigit():
            index = int(pb.get("i") or 0)
            if index < len(form_field.choices):
                return Parsed(value=form_field.choices[index])
        return None
    typed = plain(ctx.text)
    if typed.isdigit() and 1 <= int(typed) <= len(form_field.choices):
        return Parsed(value=form_field.choices[int(typed) - 1])
    exact = [c for c in form_field.choices if plain(c) == typed]
    partial = [c for c in form_field.choices if len(typed) >= 2 and typed in plain(c)]
    if exact or len(partial) == 1:
        return Parsed(value=(exact or partial)[0])
    return Parsed(error="application.error.choice", details={"count": len(form_field.choices)})


def _location(ctx: TurnContext) -> Parsed[Any] | None:
    """A LINE location message, or a typed place when the phone cannot share one."""
    place = ctx.event.location
    if ctx.event.kind is EventKind.location and place is not None:
        return Parsed(value={"latitude": place.latitude, "longitude": place.longitude,
                             "address": place.address or "", "title": place.title or ""})
    if ctx.text:
        if plain(ctx.text) == plain(ctx.msg("application.choice.send_location")):
            return Parsed(error="application.error.location")  # the button's label, typed (no location sent)
        typed = parse_free_text(ctx.text, min_chars=5, max_chars=300)
        return Parsed(value={"address": typed.value}) if typed.ok else Parsed(error="application.error.location")
    return None


def parse_field(ctx: TurnContext, form_field: FormField) -> Parsed[Any] | None:
    """The answer to `form_field` in this turn; None when the input is not an answer at all."""
    kind = form_field.type
    if kind is FieldType.location:
        return _location(ctx)
    if kind is FieldType.choice:
        return _choice(ctx, form_field)
    if kind is FieldType.yes_no:
        answer = yes_no(ctx, field_key(form_field))
        if answer is None:
            return Parsed(error="application.error.yes_no") if ctx.text else None
        return Parsed(value=answer)
    if not ctx.text:
        return None
    if kind is FieldType.date:
        parsed = parse_thai_date(ctx.text, ctx.now.date())
        return Parsed(value=parsed.value.isoformat()) if parsed.value else Parsed(error=parsed.error)
    if kind is FieldType.number:
        return parse_number(ctx.text)
    return parse_free_text(ctx.text)


async def on_field(ctx: TurnContext, data: Data) -> Transition | None:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    if service is None or app is None or data.field_index >= len(service.form_fields):
        return None
    form_field = service.form_fields[data.field_index]
    if pressed(ctx, "app_keep", k=field_key(form_field)) and form_field.id in app.form_answers:
        return await advance(ctx, data, Step.field)
    wants_skip = pressed(ctx, "app_skip", f=form_field.id) or (
        ctx.postback is None and form_field.type is not FieldType.yes_no and plain(ctx.text) in SKIP_WORDS
    )
    if wants_skip and not form_field.required:
        await repo(ctx).set_form_answer(app, form_field.id, None)
        return await advance(ctx, data, Step.field)
    parsed = parse_field(ctx, form_field)
    if parsed is None:
        return None
    if not parsed.ok:
        if other_question(ctx):
            return None
        key = "application.error.required" if wants_skip else (parsed.error or "application.error.text_short")
        return await goto(ctx, data, Step.field, [Text(text=ctx.msg(key, **parsed.details))])
    await repo(ctx).set_form_answer(app, form_field.id, parsed.value)
    before: list[Reply] = []
    if form_field.type in {FieldType.date, FieldType.location}:
        before.append(Text(text=ctx.msg("application.ack.value", label=form_field.label,
                                        value=shown_value(ctx, form_field, parsed.value))))
    return await advance(ctx, data, Step.field, before)


# --- condition questions (which documents this applicant needs) -------------------------------


async def ask_condition(ctx: TurnContext, data: Data) -> list[Reply]:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    assert service is not None and app is not None and data.condition_id is not None
    condition = service.condition(data.condition_id)
    text = ctx.msg("application.condition.ask", question=condition.question)
    if condition.id in app.condition_answers:
        current = ctx.msg("application.choice.yes" if app.condition_answers[condition.id] else "application.choice.no")
        text = f"{text}\n{ctx.msg('application.current_value', value=current)}"
    return [Text(text=text, choices=yes_no_choices(ctx, f"c:{condition.id}"))]


async def on_condition(ctx: TurnContext, data: Data) -> Transition | None:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    if service is None or app is None or data.condition_id is None:
        return None
    answer = yes_no(ctx, f"c:{data.condition_id}")
    if answer is None:
        if not ctx.text or other_question(ctx):
            return None
        return await goto(ctx, data, Step.condition, [Text(text=ctx.msg("application.error.yes_no"))])
    ctx.session.answers[data.condition_id] = answer
    await repo(ctx).set_condition_answers(app, {data.condition_id: answer})
    return await advance(ctx, data, Step.condition)


HANDLERS = {Step.field: on_field, Step.condition: on_condition}
QUESTIONS: dict[Step, AskFn] = {Step.field: ask_field, Step.condition: ask_condition}
