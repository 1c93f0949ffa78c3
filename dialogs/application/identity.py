"""The applicant: reuse the saved identity (after asking), or name, national ID, mobile, address.

Each answer is checked (bot/validators.py); a wrong one gets a Thai explanation and the same
question again, and every answer already given stays saved. Values are shown back formatted
(1-2345-67890-12-3, 081-234-5678) so the citizen can spot a typo.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.runtime.context import TurnContext
from bot.runtime.replies import Reply, Text, postback_choice
from bot.validators import (
    Parsed,
    format_mobile,
    format_national_id,
)
from core.applications import Applicant
from dialogs.application.common import (
    IDENTITY,
    AskFn,
    Data,
    Step,
    advance,
    current_app,
    goto,
    other_question,
    pressed,
    question,
    repo,
    yes_no,
)
from dialogs.base import Transition


def identity_lines(ctx: TurnContext, who: Applicant) -> dict[str, str]:
    return {
        "name": who.full_name or "-",
        "national_id": format_national_id(who.national_id) if who.national_id else "-",
        "phone": format_mobile(who.phone) if who.phone else "-",
        "address": who.address or "-",
    }


# --- reuse the saved identity ----------------------------------------------------------------


async def ask_confirm_identity(ctx: TurnContext, data: Data) -> list[Reply]:
    saved = await repo(ctx).saved_identity(ctx.event.user_id or "")
    if saved is None:  # pragma: no cover - advance() only comes here with a saved identity
        return await ask_item(ctx, data, Step.name)
    use, edit = ctx.msg("application.choice.use_saved"), ctx.msg("application.choice.edit_identity")
    return [Text(
        text=ctx.msg("application.identity.saved", **identity_lines(ctx, saved)),
        choices=[
            postback_choice(use, "app_yn", k="identity", v="1"),
            postback_choice(edit, "app_yn", k="identity", v="0"),
        ],
    )]


async def on_confirm_identity(ctx: TurnContext, data: Data) -> Transition | None:
    answer = yes_no(ctx, "identity")
    app = await current_app(ctx, data)
    if answer is None or app is None:
        return None
    saved = await repo(ctx).saved_identity(app.line_user_id)
    if saved is not None:  # copied either way: "แก้ไข" shows each value with a button to keep it
        await repo(ctx).set_applicant(app, full_name=saved.full_name, national_id=saved.national_id,
                                      phone=saved.phone, address=saved.address)
    if answer and saved is not None and saved.complete:
        return await advance(ctx, data, Step.confirm_identity, [Text(text=ctx.msg("application.identity.reused"))])
    return await goto(ctx, data, Step.name)


# --- one item at a time ------------------------------------------------------------------------


async def ask_item(ctx: TurnContext, data: Data, step: Step) -> list[Reply]:
    item = IDENTITY[step]
    app = await current_app(ctx, data)
    value = getattr(repo(ctx).applicant(app), item.attribute) if app else None
    return [question(ctx, item.question_key or "", current=item.shown(value) if value else None,
                     keep_key=step.value)]


async def on_item(ctx: TurnContext, data: Data, step: Step) -> Transition | None:
    item = IDENTITY[step]
    app = await current_app(ctx, data)
    if app is None:
        return None
    current = getattr(repo(ctx).applicant(app), item.attribute)
    if pressed(ctx, "app_keep", k=step.value) and current:
        return await advance(ctx, data, step)
    if not ctx.text:
        return None
    assert item.parse is not None
    parsed: Parsed[str] = item.parse(ctx.text)
    if not parsed.ok or parsed.value is None:
        if other_question(ctx):
            return None  # "ค่าธรรมเนียมเท่าไร" typed here: let the fees answer it, then ask again
        problem = Text(text=ctx.msg(parsed.error or "application.error.text_short", **parsed.details))
        return await goto(ctx, data, step, [problem])
    await repo(ctx).set_applicant(app, **{item.attribute: parsed.value})
    before: list[Reply] = []
    if item.ack_key:
        before.append(Text(text=ctx.msg(item.ack_key, value=item.shown(parsed.value))))
    return await advance(ctx, data, step, before)


def _asking(step: Step) -> AskFn:
    return lambda ctx, data: ask_item(ctx, data, step)


def _answering(step: Step) -> Callable[[TurnContext, Data], Awaitable[Transition | None]]:
    return lambda ctx, data: on_item(ctx, data, step)


HANDLERS = {Step.confirm_identity: on_confirm_identity,
            **{Step(slot.step): _answering(Step(slot.step)) for slot in IDENTITY.slots}}
QUESTIONS: dict[Step, AskFn] = {Step.confirm_identity: ask_confirm_identity,
                                **{Step(slot.step): _asking(Step(slot.step)) for slot in IDENTITY.slots}}
