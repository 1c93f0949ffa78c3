"""What a citizen does on a case from its card's buttons (issue 12).

- `case_upload` (fix_uploads / more_documents): asks for just the documents the officer
  named, one at a time; when the last one is in, the case goes back to the step that asked
  and the officers' queue shows it waiting for them.
- `case_read` (documents_sent): "I have read the officer's documents": back to the officer.
- `case_cancel`: withdraw a case not yet decided, after a yes/no.

Only the citizen's own cases: the service (`ctx.services.cases`) answers None for anybody
else's tracking number, and the reply does not say whether the number exists.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from bot.office.cases import CaseNotFound
from bot.office.notify import CASE_READ_ACTION, CASE_UPLOAD_ACTION
from bot.runtime.context import TurnContext
from bot.runtime.media import MediaRejected, fetch_media
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Reply, Text
from bot.transport.events import MEDIA_KINDS
from core.cases import CaseState, Refusal, citizen_may_cancel
from dialogs.base import Dialog, Transition
from dialogs.menu import menu_choices

CASE_CANCEL_ACTION = "case_cancel"
CANCEL_ANSWER_ACTION = "case_cancel_answer"


class Step(StrEnum):
    document = "document"
    confirm_cancel = "confirm_cancel"


class Data(BaseModel):
    tracking: str = ""


def _user(ctx: TurnContext) -> str:
    return ctx.event.user_id or ""


def _state(ctx: TurnContext, state: str) -> str:
    return ctx.msg(f"case.state.{state}")


async def _ask_next(ctx: TurnContext, data: Data, before: list[Reply] | None = None) -> Transition:
    cases = ctx.services.cases
    outstanding = await cases.outstanding_documents(data.tracking, _user(ctx))
    replies: list[Reply] = list(before or [])
    if not outstanding:
        return await _send_back(ctx, data, replies)
    detail = await cases.for_citizen(data.tracking, _user(ctx))
    total = max(len(cases.asked_documents(detail)), len(outstanding)) if detail else len(outstanding)
    position = total - len(outstanding) + 1
    replies.append(Text(text=ctx.msg("case.upload.ask", tracking=data.tracking, position=position, total=total,
                                     document=outstanding[0]),
                        choices=[Choice(label=ctx.msg("application.choice.camera"), action="camera"),
                                 Choice(label=ctx.msg("application.choice.camera_roll"), action="camera_roll")]))
    return Transition(replies, next=Step.document, data=data)


async def _send_back(ctx: TurnContext, data: Data, replies: list[Reply]) -> Transition:
    detail = await ctx.services.cases.for_citizen(data.tracking, _user(ctx))
    if detail is None or detail.summary.state not in {CaseState.fix_uploads, CaseState.more_documents}:
        replies.append(Text(text=ctx.msg("case.upload.nothing", tracking=data.tracking)))
        return Transition(replies)
    moved = await ctx.services.cases.citizen_move(data.tracking, _user(ctx), detail.return_to or "")
    replies.append(Text(text=ctx.msg("case.upload.done", tracking=data.tracking,
                                     state=_state(ctx, moved.summary.state)), choices=menu_choices(ctx)))
    return Transition(replies)


async def start(ctx: TurnContext, data: Data) -> Transition:
    tracking = (ctx.postback.get("t") if ctx.postback else None) or ""
    data = Data(tracking=tracking)
    detail = await ctx.services.cases.for_citizen(tracking, _user(ctx)) if tracking else None
    if detail is None:
        return Transition([Text(text=ctx.msg("case.not_yours", tracking=tracking or "-"), choices=menu_choices(ctx))])
    action = ctx.postback.action if ctx.postback else ""
    if action == CASE_UPLOAD_ACTION:
        return await _ask_next(ctx, data)
    if action == CASE_READ_ACTION:
        if detail.summary.state != CaseState.documents_sent:
            return Transition([Text(text=ctx.msg("case.upload.nothing", tracking=tracking))])
        moved = await ctx.services.cases.citizen_move(tracking, _user(ctx), detail.return_to or "")
        return Transition([Text(text=ctx.msg("case.read.done", tracking=tracking,
                                             state=_state(ctx, moved.summary.state)), choices=menu_choices(ctx))])
    # cancel
    if not citizen_may_cancel(detail.summary.state):
        return Transition([Text(text=ctx.msg("case.cancel.too_late", tracking=tracking))])
    yes, no = ctx.msg("case.cancel.yes.label"), ctx.msg("case.cancel.no.label")
    service = ctx.knowledge.services.get(detail.summary.service_id)
    return Transition([Text(
        text=ctx.msg("case.cancel.ask", tracking=tracking,
                     service=service.short_name if service else detail.summary.service_title),
        choices=[Choice(label=yes, text=yes, data=postback(CANCEL_ANSWER_ACTION, t=tracking, yes="1"),
                        action="postback"),
                 Choice(label=no, text=no, data=postback(CANCEL_ANSWER_ACTION, t=tracking, yes="0"),
                        action="postback")],
    )], next=Step.confirm_cancel, data=data)


async def on_document(ctx: TurnContext, data: Data) -> Transition | None:
    outstanding = await ctx.services.cases.outstanding_documents(data.tracking, _user(ctx))
    if not outstanding:
        return await _send_back(ctx, data, [])
    if ctx.event.kind in MEDIA_KINDS:
        try:
            media = await fetch_media(ctx.services.line, ctx.event)
        except MediaRejected as rejected:
            return await _ask_next(ctx, data, [Text(text=ctx.msg(rejected.reason))])
        try:
            await ctx.services.cases.attach_document(data.tracking, _user(ctx), outstanding[0], media.data,
                                                     media.content_type, media.extension)
        except CaseNotFound:
            return Transition([Text(text=ctx.msg("case.upload.nothing", tracking=data.tracking))])
        return await _ask_next(ctx, data, [Text(text=ctx.msg("case.upload.received", document=outstanding[0]))])
    if ctx.postback is None and ctx.text:
        return await _ask_next(ctx, data, [Text(text=ctx.msg("case.upload.need_file"))])
    return None


async def on_cancel_answer(ctx: TurnContext, data: Data) -> Transition | None:
    if ctx.postback is None or ctx.postback.action != CANCEL_ANSWER_ACTION:
        typed = (ctx.text or "").strip()
        if typed not in {ctx.msg("case.cancel.yes.label"), ctx.msg("case.cancel.no.label")}:
            return None
        agreed = typed == ctx.msg("case.cancel.yes.label")
    else:
        agreed = ctx.postback.get("yes") == "1"
    if not agreed:
        return Transition([Text(text=ctx.msg("case.cancel.kept", tracking=data.tracking), choices=menu_choices(ctx))])
    try:
        await ctx.services.cases.citizen_move(data.tracking, _user(ctx), CaseState.cancelled.value)
    except (Refusal, CaseNotFound):
        return Transition([Text(text=ctx.msg("case.cancel.too_late", tracking=data.tracking))])
    return Transition([Text(text=ctx.msg("case.cancel.done", tracking=data.tracking), choices=menu_choices(ctx))])


DIALOG: Dialog[Data] = Dialog(
    name="case_actions", data_type=Data, start=start,
    steps={Step.document: on_document, Step.confirm_cancel: on_cancel_answer},
    postbacks=frozenset({CASE_UPLOAD_ACTION, CASE_READ_ACTION, CASE_CANCEL_ACTION}),
)
