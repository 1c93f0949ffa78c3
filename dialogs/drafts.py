"""Drafts: list the citizen's unfinished applications, delete one; remind and expire them over time.

"ฉบับร่าง" (or the postback `a=drafts`) lists the drafts with "ทำต่อ" (resumes in the
application dialog) and "ลบ" buttons. `sweep_drafts(services)` is for a scheduler (cron,
a periodic task): it pushes a reminder DRAFT_REMINDER_DAYS before a draft expires and
expires drafts untouched for DRAFT_TTL_DAYS, deleting what was typed and the photos.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.render import render_all
from bot.runtime.replies import Button, Card, Carousel, Reply, Text, postback_choice
from bot.runtime.services import Services
from core.thai_dates import thai_date
from dialogs.application_common import Step, plain, repo, yes_no, yes_no_choices
from dialogs.base import Dialog, Transition
from dialogs.menu import menu_choices
from integrations.line.client import LineError
from integrations.storage.models.applications import Application, ApplicationStatus
from integrations.storage.pii import cipher_for
from integrations.storage.repos_applications import ApplicationRepo

log = logging.getLogger(__name__)
LIST_WORDS = frozenset({"ฉบับร่าง", "ร่างคำขอ", "ดูฉบับร่าง", "คำขอที่ค้าง", "คำขอที่ค้างอยู่", "คำขอของฉัน", "drafts"})
STEP_NAMES = frozenset(s.value for s in Step)
REMINDER_NAMESPACE = uuid.UUID("0c7e7f0e-8a51-4d0b-9a7c-2b8e3e6f4d21")


class Data(BaseModel):
    application_id: int | None = None


def wants_list(ctx: TurnContext) -> bool:
    return ctx.postback is None and plain(ctx.text) in LIST_WORDS


def _date(ctx: TurnContext, moment: datetime) -> str:
    return thai_date(ctx.msg, moment.astimezone(ctx.now.tzinfo).date())


def drafts_reply(ctx: TurnContext, drafts: list[Application]) -> list[Reply]:
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


async def withdraw_application(services: Services, app: Application, status: ApplicationStatus,
                               *, actor: str, note: str) -> None:
    """End a draft (deleted by the citizen or expired): typed data and uploaded files are deleted."""
    applications = ApplicationRepo(services.db, cipher_for(services.settings), services.clock)
    for key in await applications.forget_documents(app.id or 0):
        await services.files.delete(key)
    await applications.transition(app, status, actor=actor, note=note)


async def withdraw(ctx: TurnContext, app: Application, *, note: str) -> None:
    await withdraw_application(ctx.services, app, ApplicationStatus.withdrawn, actor="citizen", note=note)


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


# --- reminders and expiry (for a scheduler) ----------------------------------------------------


@dataclass
class DraftSweep:
    reminded: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


def _message(services: Services, key: str, **values: object) -> str:
    return services.knowledge.current.office_message(key, **values)


async def _push(services: Services, app: Application, replies: list[Reply], purpose: str) -> bool:
    key = str(uuid.uuid5(REMINDER_NAMESPACE, f"{purpose}:{app.id}:{app.updated_at.isoformat()}"))
    try:
        await services.line.push(app.line_user_id, render_all(replies), retry_key=key)
    except LineError as err:
        log.warning("could not push the %s of draft %s: %s", purpose, app.id, err)
        return False
    return True


async def sweep_drafts(services: Services, now: datetime | None = None) -> DraftSweep:
    """Remind drafts about to expire and expire the old ones. Safe to run often (idempotent)."""
    settings = services.settings
    now = now or services.clock()
    applications = ApplicationRepo(services.db, cipher_for(settings), services.clock)
    ttl = timedelta(days=settings.draft_ttl_days)
    remind_from = ttl - timedelta(days=settings.draft_reminder_days)
    result = DraftSweep()
    snapshot = services.knowledge.current
    for app in await applications.drafts_older_than(now - min(remind_from, ttl)):
        service = snapshot.services.get(app.service_id)
        name = service.short_name if service else app.service_title
        expires = app.updated_at + ttl
        if expires <= now:
            await withdraw_application(services, app, ApplicationStatus.expired, actor="system",
                                       note=f"draft older than {settings.draft_ttl_days} days")
            await _push(services, app, [Text(text=_message(services, "application.draft.expired", service=name))],
                        "expiry")
            result.expired.append(app.id or 0)
        elif app.reminded_at is None and settings.draft_reminder_days > 0:
            day = thai_date(snapshot.message, expires.astimezone(now.tzinfo).date())
            label = _message(services, "application.choice.continue")
            text = _message(services, "application.draft.reminder", service=name, expires=day)
            choice = postback_choice(label, "app_resume", id=str(app.id))
            if await _push(services, app, [Text(text=text, choices=[choice])], "reminder"):
                await applications.mark_reminded(app)
                result.reminded.append(app.id or 0)
    return result
