"""Review, edit, submit with an SMS OTP, and the confirmation with the tracking number.

The review card shows the three sections with an edit button each. Submitting sends a
6-digit code by SMS (bot/otp.py); the typed code, once correct, moves the application from
draft to submitted and gives it a tracking number (TJL-2569-000123). A gateway failure, a
rate limit or a lock-out leaves the application a draft, with a plain explanation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, Choice, Reply, Text, postback_choice
from bot.validators import format_mobile, format_national_id
from core.applications import DocumentStatus, document_key
from core.masking import mask_mobile
from core.otp import SendStatus, VerifyStatus, normalise_code
from core.ports import ApplicationRecord
from core.thai_dates import buddhist_year, thai_date, thai_datetime
from dialogs.application.common import (
    AskFn,
    Data,
    Step,
    advance,
    checklist,
    current_app,
    goto,
    other_question,
    plain,
    pressed,
    repo,
    service_of,
    stay,
)
from dialogs.application.form import shown_value
from dialogs.base import Transition
from dialogs.menu import menu_choices
from knowledge.schema import Service

SUBMIT_WORDS = frozenset({"ยืนยัน", "ส่งคำขอ", "ยืนยันส่งคำขอ", "ยืนยันและส่งคำขอ", "submit"})
RESEND_WORDS = frozenset({"ขอรหัสใหม่", "ส่งรหัสใหม่", "ส่งใหม่", "ขอใหม่", "otpไม่มา", "รหัสไม่มา", "resend"})
SAVE_WORDS = frozenset({"บันทึก", "บันทึกร่าง", "บันทึกร่างไว้ก่อน", "บันทึกไว้ก่อน", "save"})
EDIT_SECTIONS = ("applicant", "form", "docs", "missing", "phone")


def _choice(ctx: TurnContext, key: str, action: str, **params: str) -> Choice:
    label = ctx.msg(key)
    return postback_choice(label, action, **params)


def _clock_time(ctx: TurnContext, moment: datetime | None) -> str:
    return moment.astimezone(ctx.now.tzinfo).strftime("%H:%M") if moment else "-"


async def missing_documents(ctx: TurnContext, service: Service, app: ApplicationRecord) -> list[str]:
    stored = await repo(ctx).documents(app.id or 0)
    return [
        d.name for d in checklist(service, app)
        if (s := stored.get(document_key(d.name))) is None or s.status != DocumentStatus.received
    ]


# --- the review card ---------------------------------------------------------------------------


async def ask_review(ctx: TurnContext, data: Data) -> list[Reply]:
    service, app = service_of(ctx, data), await current_app(ctx, data)
    assert service is not None and app is not None
    who = repo(ctx).applicant(app)
    fields = [
        (ctx.msg("application.review.name"), who.full_name or "-"),
        (ctx.msg("application.review.national_id"), format_national_id(who.national_id) if who.national_id else "-"),
        (ctx.msg("application.review.phone"), format_mobile(who.phone) if who.phone else "-"),
        (ctx.msg("application.review.address"), who.address or "-"),
    ]
    for form_field in service.form_fields:
        if not form_field.applies(app.form_answers):
            continue  # skipped by its ask_if rule: nothing to check
        answered = form_field.id in app.form_answers
        fields.append((form_field.label,
                       shown_value(ctx, form_field, app.form_answers[form_field.id]) if answered else "-"))
    missing = await missing_documents(ctx, service, app)
    marks = [("✗ " if d.name in missing else "✓ ") + d.name for d in checklist(service, app)]
    fields.append((ctx.msg("application.review.documents"), "\n".join(marks) or "-"))
    if missing:
        lines = [ctx.msg("application.review.missing", count=len(missing))]
        main = Button(label=ctx.msg("application.review.send_missing"), data=postback("app_edit", sec="missing"))
    else:
        lines = [ctx.msg("application.review.ready")]
        main = Button(label=ctx.msg("application.review.submit"), data=postback("app_submit"))
    buttons = [main] + [
        Button(label=ctx.msg(f"application.review.edit_{section}"), data=postback("app_edit", sec=section),
               style="secondary")
        for section in ("applicant", "form", "docs")
    ]
    return [Card(
        title=ctx.msg("application.review.title"), subtitle=service.title, lines=lines, fields=fields,
        buttons=buttons, alt_text=ctx.msg("application.review.alt", service=service.short_name),
        choices=[_choice(ctx, "application.choice.save", "app_save")],
    )]


async def edit(ctx: TurnContext, data: Data, section: str) -> Transition:
    data.editing, data.missing_only, data.only = True, False, False
    if section == "applicant":
        return await goto(ctx, data, Step.name)
    if section == "phone":
        data.only = True
        return await goto(ctx, data, Step.phone)
    if section == "form":
        data.field_index = -1
        return await advance(ctx, data, Step.field)
    if section == "missing":
        data.editing, data.missing_only, data.doc_index = False, True, -1
        return await advance(ctx, data, Step.document)
    data.condition_id = None
    return await advance(ctx, data, Step.condition)


async def save_and_leave(ctx: TurnContext, data: Data, app: ApplicationRecord) -> Transition:
    expires = app.updated_at + timedelta(days=ctx.services.settings.draft_ttl_days)
    text = ctx.msg("application.saved", expires=thai_date(ctx.msg, expires.astimezone(ctx.now.tzinfo).date()))
    return Transition([Text(text=text, choices=menu_choices(ctx))], next=None)


async def on_review(ctx: TurnContext, data: Data) -> Transition | None:
    app = await current_app(ctx, data)
    if app is None:
        return None
    typed = plain(ctx.text) if ctx.postback is None else ""
    if pressed(ctx, "app_submit") or typed in SUBMIT_WORDS:
        return await send_code(ctx, data, app)
    if ctx.postback is not None and ctx.postback.action == "app_edit" and ctx.postback.get("sec") in EDIT_SECTIONS:
        return await edit(ctx, data, ctx.postback.get("sec") or "")
    if pressed(ctx, "app_save") or typed in SAVE_WORDS:
        return await save_and_leave(ctx, data, app)
    return None


# --- OTP ---------------------------------------------------------------------------------------


def otp_choices(ctx: TurnContext) -> list[Choice]:
    return [_choice(ctx, "application.choice.resend", "app_resend"),
            _choice(ctx, "application.choice.change_phone", "app_edit", sec="phone")]


def retry_choices(ctx: TurnContext) -> list[Choice]:
    return [_choice(ctx, "application.choice.retry_submit", "app_submit"),
            _choice(ctx, "application.choice.save", "app_save")]


async def ask_otp(ctx: TurnContext, data: Data) -> list[Reply]:
    return [Text(text=ctx.msg("application.otp.ask"), choices=otp_choices(ctx))]


async def send_code(ctx: TurnContext, data: Data, app: ApplicationRecord) -> Transition:
    service = service_of(ctx, data)
    who = repo(ctx).applicant(app)
    assert service is not None
    if await missing_documents(ctx, service, app) or not who.complete:
        return await goto(ctx, data, Step.review)
    unanswered = [i for i, f in enumerate(service.form_fields) if f.required and f.id not in app.form_answers]
    if unanswered:  # a question added to the service after this draft was started
        data.editing, data.field_index = True, unanswered[0] - 1
        return await advance(ctx, data, Step.field)
    minutes = max(1, ctx.services.settings.otp_ttl_seconds // 60)
    phone = who.phone or ""  # the review lets only a complete applicant through to the OTP
    result = await ctx.ports.otp.send(
        app.id or 0, phone,
        lambda code: ctx.msg("application.otp.sms", code=code, service=service.short_name, minutes=minutes),
    )
    if result.status is SendStatus.sent:
        text = ctx.msg("application.otp.sent", phone=mask_mobile(phone), minutes=minutes)
        return await stay(ctx, data, Step.otp, [Text(text=text, choices=otp_choices(ctx))])
    if result.status is SendStatus.too_soon:
        text = ctx.msg("application.otp.too_soon", seconds=result.wait_seconds)
        return await stay(ctx, data, Step.otp, [Text(text=text, choices=otp_choices(ctx))])
    key = {
        SendStatus.rate_limited: "application.otp.rate_limited",
        SendStatus.locked: "application.otp.locked",
        SendStatus.blocked: "otp.blocked",
    }.get(result.status, "application.otp.gateway_failed")
    text = ctx.msg(key, time=_clock_time(ctx, result.until))
    return await stay(ctx, data, Step.review, [Text(text=text, choices=retry_choices(ctx))])


async def on_otp(ctx: TurnContext, data: Data) -> Transition | None:
    app = await current_app(ctx, data)
    if app is None:
        return None
    typed = plain(ctx.text) if ctx.postback is None else ""
    if pressed(ctx, "app_resend") or pressed(ctx, "app_submit") or typed in RESEND_WORDS:
        return await send_code(ctx, data, app)
    if pressed(ctx, "app_edit", sec="phone"):
        return await edit(ctx, data, "phone")
    if pressed(ctx, "app_save") or typed in SAVE_WORDS:
        return await save_and_leave(ctx, data, app)
    if not ctx.text:
        return None
    code = normalise_code(ctx.text)
    if code is None:
        if other_question(ctx):
            return None
        return await stay(ctx, data, Step.otp, [Text(text=ctx.msg("application.otp.format"),
                                                      choices=otp_choices(ctx))])
    result = await ctx.ports.otp.verify(app.id or 0, code)
    if result.status is VerifyStatus.ok:
        return await finish(ctx, data, app)
    if result.status is VerifyStatus.wrong:
        text = ctx.msg("application.otp.wrong", remaining=result.remaining)
        return await stay(ctx, data, Step.otp, [Text(text=text, choices=otp_choices(ctx))])
    if result.status in {VerifyStatus.locked, VerifyStatus.blocked}:
        key = "application.otp.locked" if result.status is VerifyStatus.locked else "otp.blocked"
        text = ctx.msg(key, time=_clock_time(ctx, result.until))
        return await stay(ctx, data, Step.review, [Text(text=text, choices=retry_choices(ctx))])
    return await stay(ctx, data, Step.otp, [Text(text=ctx.msg("application.otp.expired"), choices=otp_choices(ctx))])


async def finish(ctx: TurnContext, data: Data, app: ApplicationRecord) -> Transition:
    service = service_of(ctx, data)
    assert service is not None
    tracking = await repo(ctx).submit(app, ctx.knowledge.office.tracking_prefix, buddhist_year(ctx.now))
    who = repo(ctx).applicant(app)
    card = Card(
        title=ctx.msg("application.done.title"),
        subtitle=service.title,
        lines=[ctx.msg("application.done.next_steps")],
        fields=[
            (ctx.msg("application.done.tracking"), tracking),
            (ctx.msg("application.done.submitted_at"),
             thai_datetime(ctx.msg, app.submitted_at or ctx.now, ctx.now.tzinfo)),
            (ctx.msg("application.review.name"), who.full_name or "-"),
        ],
        buttons=[Button(label=ctx.msg("application.done.status"), data=postback("status", t=tracking))],
        alt_text=ctx.msg("application.done.alt", tracking=tracking),
        choices=menu_choices(ctx),
    )
    return Transition([card], next=None)


HANDLERS = {Step.review: on_review, Step.otp: on_otp}
QUESTIONS: dict[Step, AskFn] = {Step.review: ask_review, Step.otp: ask_otp}
