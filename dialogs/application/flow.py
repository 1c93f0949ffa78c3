"""Apply in the chat: which service, PDPA notice and consent, then the sections in
identity.py, form.py, documents.py and review.py of this package.

Entry: the NLU intent `apply`, the postback `a=apply&s=<service>` (menu, service cards),
"ทำต่อ" or `a=app_resume&id=<n>` (resume a draft), `a=app_new&s=<service>` (start again).
Every step is saved in the database (integrations/storage/repos_applications.py), so a
draft resumes where it stopped even after a restart. State diagram: application.mmd beside this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Reply, Text, pick
from core.applications import ApplicationStatus
from core.deadlines import Window, next_window
from core.ports import ApplicationRecord
from core.thai_dates import thai_date
from dialogs.application import documents, form, identity, review
from dialogs.application.common import (
    DIALOG_NAME,
    SAVED_STEPS,
    AskFn,
    AskNext,
    Data,
    Step,
    advance,
    goto,
    is_resume_words,
    merge,
    plain,
    repo,
    service_of,
    yes_no,
)
from dialogs.base import Dialog, StepHandler, Transition
from dialogs.drafts import drafts_reply, withdraw
from dialogs.menu import menu_choices
from dialogs.reminders import reminder_choice
from knowledge.schema import Category, Service

ALTERNATIVE_MIN_SCORE = 0.15  # NLU service alternatives worth offering when none was named
MAX_OFFERED = 12
NEW_WORDS = frozenset({"เริ่มใหม่", "ใหม่", "เริ่มต้นใหม่", "new"})
RESUMABLE = SAVED_STEPS - {Step.otp}  # a code sent before the break is not asked for: back to the review


async def private_chat_only(ctx: TurnContext) -> Transition | None:
    if ctx.event.source_type != "user" or not ctx.event.user_id:
        return Transition([Text(text=ctx.msg("application.private_only"))], next=None)
    return None


# --- which service -----------------------------------------------------------------------------


async def ask_choose_service(ctx: TurnContext, data: Data) -> list[Reply]:
    services = ctx.knowledge.services
    if data.offered:
        choices = [pick(services[s].short_name, postback("apply", s=s)) for s in data.offered if s in services]
    else:
        present = {s.category for s in services.values()}
        choices = [pick(ctx.msg(f"application.category.{c.value}"), postback("apply", cat=c.value))
                   for c in Category if c in present]
    return [Text(text=ctx.msg("application.choose_service"), choices=choices)]


def offered_for(ctx: TurnContext, category: str | None) -> list[str]:
    if category:
        return [s.id for s in ctx.knowledge.services.values() if s.category.value == category][:MAX_OFFERED]
    alternatives = getattr(getattr(ctx.nlu, "alternatives", None), "services", ()) or ()
    return [a.label for a in alternatives if a.score >= ALTERNATIVE_MIN_SCORE and a.label in ctx.knowledge.services]


async def on_choose_service(ctx: TurnContext, data: Data) -> Transition | None:
    if not ctx.text:
        return None  # buttons are postbacks `apply`: they reach start() again
    if ctx.nlu is not None and ctx.nlu.service in ctx.knowledge.services:
        return await begin(ctx, Data(), ctx.nlu.service or "")
    typed = plain(ctx.text)
    for category in Category:
        if typed and typed == plain(ctx.msg(f"application.category.{category.value}")):
            data.offered = offered_for(ctx, category.value)
            return await goto(ctx, data, Step.choose_service)
    data.offered = []
    return await goto(ctx, data, Step.choose_service, [Text(text=ctx.msg("application.service_unknown"))])


# --- start, resume, start again ----------------------------------------------------------------


async def start(ctx: TurnContext, data: Data) -> Transition:
    refused = await private_chat_only(ctx)
    if refused is not None:
        return refused
    pb = ctx.postback
    if pb is not None and pb.action == "app_resume":
        app = await repo(ctx).get(int(pb.get("id") or 0) if (pb.get("id") or "").isdigit() else 0,
                                  ctx.event.user_id)
        return await resume(ctx, app)
    if pb is None and is_resume_words(ctx):
        drafts = await repo(ctx).drafts_of(ctx.event.user_id or "")
        if len(drafts) > 1:
            return Transition(drafts_reply(ctx, drafts), next=None)
        return await resume(ctx, drafts[0] if drafts else None)
    if pb is not None and pb.action == "app_new" and pb.get("s") in ctx.knowledge.services:
        old = await repo(ctx).draft_for(ctx.event.user_id or "", pb.get("s") or "")
        if old is not None:
            await withdraw(ctx, old, note="started again")
        return await begin(ctx, data, pb.get("s") or "", allow_resume=False)
    category = pb.get("cat") if pb is not None else None
    service_id = None if category or (pb is not None and pb.get("pick")) else ctx.service_id
    if service_id is None:
        data.offered = offered_for(ctx, category)
        return await goto(ctx, data, Step.choose_service)
    return await begin(ctx, data, service_id)


async def begin(ctx: TurnContext, data: Data, service_id: str, *, allow_resume: bool = True) -> Transition:
    ctx.session.focus_service = service_id
    data.service_id = service_id
    data.offered = []
    if allow_resume:
        draft = await repo(ctx).draft_for(ctx.event.user_id or "", service_id)
        if draft is not None:
            data.application_id = draft.id
            ctx.notes.draft = draft
            return await goto(ctx, data, Step.resume_or_new)  # not saved: the draft keeps its own step
    data.application_id = None
    return await goto(ctx, data, Step.consent)


def closed_window(ctx: TurnContext, service: Service) -> Window | None:
    """A registration window (the allowances) that is not open today: the next one; else None."""
    if service.category is not Category.welfare or not service.deadlines:
        return None
    today = ctx.now.date()
    upcoming = [next_window(d, today) for d in service.deadlines]
    if any(w.opens <= today <= w.closes for w in upcoming):
        return None
    return min(upcoming, key=lambda w: w.opens)


async def resume(ctx: TurnContext, app: ApplicationRecord | None) -> Transition:
    if app is None or app.status != ApplicationStatus.draft:
        return Transition([Text(text=ctx.msg("application.resume.none"), choices=menu_choices(ctx))], next=None)
    data = Data.model_validate({k: v for k, v in (app.progress or {}).items() if k in Data.model_fields})
    data.application_id, data.service_id = app.id, app.service_id
    service = service_of(ctx, data)
    if service is None:
        return Transition([Text(text=ctx.msg("application.resume.service_gone"), choices=menu_choices(ctx))],
                          next=None)
    ctx.notes.application = app
    ctx.session.focus_service = app.service_id
    ctx.session.answers.update({k: bool(v) for k, v in app.condition_answers.items()})
    step = Step(app.step) if app.step is not None and app.step in Step.__members__ else Step.review
    fits = (
        (step is not Step.field or 0 <= data.field_index < len(service.form_fields))
        and (step is not Step.condition or data.condition_id in {c.id for c in service.conditions})
        and (step is not Step.document or 0 <= data.doc_index < len(service.documents_for(app.condition_answers)))
    )
    if step not in RESUMABLE or not fits:  # an OTP is not resumed; the knowledge may have changed
        step, data.editing, data.missing_only, data.only = Step.review, False, False, False
    intro = Text(text=ctx.msg("application.resume.intro", service=service.short_name))
    return await goto(ctx, data, step, [intro])


async def ask_resume_or_new(ctx: TurnContext, data: Data) -> list[Reply]:
    service = service_of(ctx, data)
    draft = ctx.notes.draft
    if draft is None:
        draft = await repo(ctx).get(data.application_id or 0, ctx.event.user_id)
    assert service is not None and draft is not None
    updated = thai_date(ctx.msg, draft.updated_at.astimezone(ctx.now.tzinfo).date())
    return [Text(
        text=ctx.msg("application.draft_exists", service=service.short_name, updated=updated),
        choices=[pick(ctx.msg("application.choice.continue"), postback("app_resume", id=str(draft.id))),
                 pick(ctx.msg("application.choice.start_again"), postback("app_new", s=service.id))],
    )]


async def on_resume_or_new(ctx: TurnContext, data: Data) -> Transition | None:
    if ctx.postback is None and plain(ctx.text) in NEW_WORDS and data.service_id:
        old = await repo(ctx).get(data.application_id or 0, ctx.event.user_id)
        if old is not None and old.status == ApplicationStatus.draft:
            await withdraw(ctx, old, note="started again")
        return await begin(ctx, Data(), data.service_id, allow_resume=False)
    return None  # the buttons (app_resume, app_new) are entry postbacks; "ทำต่อ" is the guard's


# --- PDPA notice and consent -------------------------------------------------------------------


async def ask_consent(ctx: TurnContext, data: Data) -> list[Reply]:
    service = service_of(ctx, data)
    assert service is not None
    text = ctx.msg("application.consent.notice", service=service.title,
                   draft_days=ctx.services.settings.draft_ttl_days, version=ctx.msg("application.consent.version"))
    closed = closed_window(ctx, service)
    if closed is not None:  # outside the registration window: when it opens comes first
        short = Text(text=ctx.msg("window.closed", service=service.short_name,
                                  opens=thai_date(ctx.msg, closed.opens), closes=thai_date(ctx.msg, closed.closes)))
    else:
        short = Text(text=ctx.msg("consent.short", service=service.short_name))  # the one fact first
    return [short, Text(text=text, choices=[
        pick(ctx.msg("application.choice.accept"), postback("app_consent", v="1")),
        pick(ctx.msg("application.choice.decline"), postback("app_consent", v="0")),
        pick(ctx.msg("application.choice.other_service"), postback("apply", pick="1")),
        *([reminder_choice(ctx, service.id)] if closed is not None else []),
    ])]


async def on_consent(ctx: TurnContext, data: Data) -> Transition | None:
    service = service_of(ctx, data)
    if service is None:
        return None
    if ctx.postback is not None:
        answer = ctx.postback.get("v") == "1" if ctx.postback.action == "app_consent" else None
    else:
        answer = yes_no(ctx, "consent")
    if answer is None:
        return None
    user = ctx.event.user_id or ""
    version = ctx.msg("application.consent.version")
    if not answer:
        await repo(ctx).record_consent(user, service.id, version, accepted=False)
        return Transition([Text(text=ctx.msg("application.consent.declined"), choices=menu_choices(ctx))], next=None)
    app = await repo(ctx).create_draft(user, service.id, service.title, ctx.knowledge.version)
    await repo(ctx).record_consent(user, service.id, version, accepted=True, application_id=app.id)
    data.application_id = app.id
    ctx.notes.application = app
    return await advance(ctx, data, Step.consent, [Text(text=ctx.msg("application.consent.thanks"))])


# --- every turn --------------------------------------------------------------------------------


def guarded(handler: Callable[[TurnContext, Data], Any]) -> StepHandler:
    """Before any step: "ทำต่อ" re-asks where the draft stopped; a draft deleted or expired ends the flow."""

    async def run(ctx: TurnContext, data: Data) -> Transition | None:
        if data.application_id is not None:
            app = await repo(ctx).get(data.application_id, ctx.event.user_id)
            if app is None or app.status != ApplicationStatus.draft:
                return Transition([Text(text=ctx.msg("application.resume.none"), choices=menu_choices(ctx))],
                                  next=None)
            ctx.notes.application = app
            if is_resume_words(ctx):
                return await resume(ctx, app)
        result: Transition | None = await handler(ctx, data)
        return result

    return run


async def fallback(ctx: TurnContext, data: Data) -> Transition | None:
    """Input no step and no other dialog wanted (a sticker, a stale button): ask again."""
    step = ctx.session.step
    if step is None or step not in Step.__members__:
        return None
    if data.application_id is not None and await repo(ctx).get(data.application_id, ctx.event.user_id) is None:
        return None
    return await goto(ctx, data, Step(step), [Text(text=ctx.msg("application.fallback"))])


QUESTIONS: dict[Step, AskFn] = {
    Step.choose_service: ask_choose_service,
    Step.resume_or_new: ask_resume_or_new,
    Step.consent: ask_consent,
    **identity.QUESTIONS,
    **form.QUESTIONS,
    **documents.QUESTIONS,
    **review.QUESTIONS,
}


async def with_question(ctx: TurnContext, transition: Transition | None) -> Transition | None:
    """A move to a step (AskNext) gets that step's question after what the handler said."""
    if not isinstance(transition, AskNext) or transition.next is None:
        return transition
    data = transition.data
    assert isinstance(data, Data)
    question = await QUESTIONS[Step(transition.next)](ctx, data)
    return Transition(merge(transition.replies, question), next=transition.next, data=data,
                      handoff=transition.handoff)


def asking(handler: StepHandler) -> StepHandler:
    async def run(ctx: TurnContext, data: Data) -> Transition | None:
        return await with_question(ctx, await handler(ctx, data))

    return run


async def begin_flow(ctx: TurnContext, data: Data) -> Transition:
    transition = await with_question(ctx, await start(ctx, data))
    assert transition is not None
    return transition


STEPS: dict[str, StepHandler] = {
    step.value: asking(guarded(handler))
    for step, handler in {
        Step.choose_service: on_choose_service,
        Step.resume_or_new: on_resume_or_new,
        Step.consent: on_consent,
        **identity.HANDLERS,
        **form.HANDLERS,
        **documents.HANDLERS,
        **review.HANDLERS,
    }.items()
}

DIALOG: Dialog[Data] = Dialog(
    name=DIALOG_NAME,
    data_type=Data,
    start=begin_flow,
    steps=STEPS,
    intents=frozenset({"apply"}),
    postbacks=frozenset({"apply", "app_resume", "app_new"}),
    matcher=is_resume_words,
    fallback=asking(fallback),
)
