"""Drafts: list the citizen's unfinished applications, delete one.

"ฉบับร่าง" (or the postback `a=drafts`) lists the drafts with "ทำต่อ" (resumes in the
application dialog) and "ลบ" buttons. Reminding and expiring drafts over time is a job
outside the conversation: bot/jobs/drafts.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, Carousel, Reply, Text
from core.applications import ApplicationStatus
from core.ports import ApplicationRecord
from core.thai_dates import thai_date
from dialogs.application.common import Step, plain, repo, yes_no, yes_no_choices
from dialogs.base import Dialog, Transition
from dialogs.menu import menu_choices

LIST_WORDS = frozenset({"ฉบับร่าง", "ร่างคำขอ", "ดูฉบับร่าง", "คำขอที่ค้าง", "คำขอที่ค้างอยู่", "คำขอของฉัน", "drafts"})
STEP_NAMES = frozenset(s.value for s in Step)


class Data(BaseModel):
    application_id: int | None = None


def wants_list(ctx: TurnContext) -> bool:
    return ctx.postback is None and plain(ctx.text) in LIST_WORDS


def _date(ctx: TurnContext, moment: datetime) -> str:
    return thai_date(ctx.msg, moment.astimezone(ctx.now.tzinfo).date())


def drafts_reply(ctx: TurnContext, drafts: Sequence[ApplicationRecord]) -> list[Reply]:
    if not drafts:
        return [Text(text=ctx.msg("application.drafts.none"), choices=menu_choices(ctx))]
    ttl = ctx.services.settings.draft_ttl_days
    cards = []
    for app in drafts:
        service = ctx.knowledge.services.get(app.service_id)
        step = app.step if app.step in STEP_NAMES else "review"
        cards.append(Card(
            title=service.short_name if service else app.service_title,
            fields=[
                (ctx.msg("application.drafts.updated"), _date(ctx, app.updated_at)),
                (ctx.msg("application.drafts.expires"), _date(ctx, app.updated_at + timedelta(days=ttl))),
                (ctx.msg("application.drafts.stopped_at"), ctx.msg(f"application.step.{step}")),
            ],
            buttons=[
                Button(label=ctx.msg("application.choice.continue"), data=postback("app_resume", id=str(app.id))),
                Button(label=ctx.msg("application.drafts.delete"), data=postback("draft_del", id=str(app.id)),
                       style="secondary"),
            ],
        ))
    intro = Text(text=ctx.msg("application.drafts.intro", count=len(drafts)))
    return [intro, Carousel(alt_text=ctx.msg("application.drafts.alt", count=len(drafts)), cards=cards)]


async def withdraw(ctx: TurnContext, app: ApplicationRecord, *, note: str) -> None:
    """The citizen ends a draft: what was typed and the uploaded files are deleted."""
    await ctx.ports.applications.withdraw(app, ApplicationStatus.withdrawn, actor="citizen", note=note)


# --- the dialog ---------------------------------------------------------------------------------


async def start(ctx: TurnContext, data: Data) -> Transition:
    user = ctx.event.user_id or ""
    pb = ctx.postback
    if pb is not None and pb.action == "draft_del" and (pb.get("id") or "").isdigit():
        app = await repo(ctx).get(int(pb.get("id") or 0), user)
        if app is None or app.status != ApplicationStatus.draft:
            return Transition([Text(text=ctx.msg("application.resume.none"), choices=menu_choices(ctx))])
        data.application_id = app.id
        service = ctx.knowledge.services.get(app.service_id)
        name = service.short_name if service else app.service_title
        text = ctx.msg("application.drafts.confirm_delete", service=name)
        return Transition([Text(text=text, choices=yes_no_choices(ctx, "del"))], next="confirm_delete", data=data)
    return Transition(drafts_reply(ctx, await repo(ctx).drafts_of(user)), next=None)


async def on_confirm_delete(ctx: TurnContext, data: Data) -> Transition | None:
    answer = yes_no(ctx, "del")
    if answer is None:
        return None
    app = await repo(ctx).get(data.application_id or 0, ctx.event.user_id)
    if not answer or app is None or app.status != ApplicationStatus.draft:
        return Transition([Text(text=ctx.msg("application.drafts.kept"), choices=menu_choices(ctx))], next=None)
    await withdraw(ctx, app, note="deleted by the citizen")
    return Transition([Text(text=ctx.msg("application.drafts.deleted"), choices=menu_choices(ctx))], next=None)


async def fallback(ctx: TurnContext, data: Data) -> Transition | None:
    return Transition([Text(text=ctx.msg("application.error.yes_no"), choices=yes_no_choices(ctx, "del"))],
                      next="confirm_delete")


DIALOG: Dialog[Data] = Dialog(
    name="drafts",
    data_type=Data,
    start=start,
    steps={"confirm_delete": on_confirm_delete},
    postbacks=frozenset({"drafts", "draft_del"}),
    matcher=wants_list,
    fallback=fallback,
)
