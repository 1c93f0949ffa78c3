"""What the application dialog's modules share: steps, data, the question of each step, the order.

The flow is split over the modules of this package (flow, identity, form, documents, review);
each lists the question of its steps in a `QUESTIONS` table and its handlers in `HANDLERS`, and
flow.py joins them into the dialog. `goto` persists the position in the database on every
move (the draft resumes after a restart) and returns an `AskNext`: the dialog then adds the
step's question (`flow.with_question`). `advance` knows the order of the sections. See
application.mmd beside this file for the state diagram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Reply, Text, postback_choice
from bot.validators import (
    format_mobile,
    format_national_id,
    parse_address,
    parse_full_name,
    parse_mobile,
    parse_national_id,
)
from core.applications import Applicant, document_key
from core.ports import ApplicationRecord, Applications
from core.words import yes_or_no
from dialogs.answers import plain
from dialogs.base import Form, Slot, Transition
from knowledge.schema import Document, Service

DIALOG_NAME = "application"
DEFER_MIN_CONFIDENCE = 0.7  # an invalid answer that is clearly another question goes to other dialogs

RESUME_WORDS = frozenset({"ทำต่อ", "ทำต่อจากเดิม", "กลับไปทำต่อ", "ทำคำขอต่อ", "ยื่นต่อ", "continue", "resume"})


class Step(StrEnum):
    choose_service = "choose_service"
    resume_or_new = "resume_or_new"
    consent = "consent"
    confirm_identity = "confirm_identity"
    name = "name"
    national_id = "national_id"
    phone = "phone"
    address = "address"
    field = "field"
    condition = "condition"
    document = "document"
    review = "review"
    otp = "otp"




def _has(attribute: str) -> Callable[[Applicant], bool]:
    return lambda who: bool(getattr(who, attribute))


# the applicant, slot by slot; `attribute` is a field of Applicant and a keyword of
# Applications.set_applicant (core/ports.py)
IDENTITY: Form[Applicant] = Form((
    Slot(Step.name, _has("full_name"), "application.ask.name", parse_full_name, "full_name"),
    Slot(Step.national_id, _has("national_id"), "application.ask.national_id", parse_national_id, "national_id",
         format_national_id, "application.ack.national_id"),
    Slot(Step.phone, _has("phone"), "application.ask.phone", parse_mobile, "phone", format_mobile,
         "application.ack.phone"),
    Slot(Step.address, _has("address"), "application.ask.address", parse_address, "address"),
))
IDENTITY_STEPS = tuple(Step(step) for step in IDENTITY.steps)
# steps saved on the draft, to resume at (choosing the service or a draft, and consent, come before it)
SAVED_STEPS = frozenset({Step.confirm_identity, *IDENTITY_STEPS, Step.field, Step.condition, Step.document,
                         Step.review, Step.otp})


class Data(BaseModel):
    application_id: int | None = None
    service_id: str | None = None
    field_index: int = 0
    condition_id: str | None = None
    doc_index: int = 0
    editing: bool = False  # walking a section from the review: back to the review after it
    missing_only: bool = False  # walking only the documents not received yet
    only: bool = False  # changing one answer (e.g. the phone from the OTP step): then the review
    offered: list[str] = Field(default_factory=list)  # services offered by choose_service


AskFn = Callable[[TurnContext, Data], Awaitable[list[Reply]]]  # a step's question, from the data


@dataclass
class AskNext(Transition):
    """A move to `next` whose question is still to be asked: the dialog adds it (flow.with_question)."""


# --- services of a turn ----------------------------------------------------------------------


def repo(ctx: TurnContext) -> Applications:
    return ctx.ports.applications


async def current_app(ctx: TurnContext, data: Data) -> ApplicationRecord | None:
    """The application of this conversation (read once per turn)."""
    if data.application_id is None:
        return None
    cached = ctx.notes.application
    if cached is not None and cached.id == data.application_id:
        return cached
    app = await repo(ctx).get(data.application_id, ctx.event.user_id)
    ctx.notes.application = app
    return app


def service_of(ctx: TurnContext, data: Data) -> Service | None:
    return ctx.knowledge.services.get(data.service_id or "")


def checklist(service: Service, app: ApplicationRecord) -> list[Document]:
    return service.documents_for(dict(app.condition_answers))


# --- reading answers ---------------------------------------------------------------------------



def yes_no(ctx: TurnContext, key: str) -> bool | None:
    """A yes/no answer: the button for `key` (postback app_yn) or typed words."""
    pb = ctx.postback
    if pb is not None:
        if pb.action == "app_yn" and pb.get("k") == key:
            return pb.get("v") == "1"
        return None
    word = plain(ctx.text)
    if word == plain(ctx.msg("application.choice.yes")):
        return True
    if word == plain(ctx.msg("application.choice.no")):
        return False
    return yes_or_no(word)


def is_resume_words(ctx: TurnContext) -> bool:
    return ctx.postback is None and plain(ctx.text) in RESUME_WORDS


def pressed(ctx: TurnContext, action: str, **params: str) -> bool:
    pb = ctx.postback
    return pb is not None and pb.action == action and all(pb.get(k) == v for k, v in params.items())


def other_question(ctx: TurnContext) -> bool:
    """True when the text is confidently something else (a question about fees, hours…)."""
    nlu = ctx.nlu
    return (
        nlu is not None and nlu.intent not in {None, "unknown"}
        and nlu.confidence >= DEFER_MIN_CONFIDENCE
    )


# --- building replies --------------------------------------------------------------------------


def yes_no_choices(ctx: TurnContext, key: str) -> list[Choice]:
    return [
        Choice(label=ctx.msg("application.choice.yes"), data=postback("app_yn", k=key, v="1"),
               text=ctx.msg("application.choice.yes"), action="postback"),
        Choice(label=ctx.msg("application.choice.no"), data=postback("app_yn", k=key, v="0"),
               text=ctx.msg("application.choice.no"), action="postback"),
    ]


def keep_choice(ctx: TurnContext, key: str) -> Choice:
    label = ctx.msg("application.choice.keep")
    return postback_choice(label, "app_keep", k=key)


def question(ctx: TurnContext, key: str, *, current: str | None = None, keep_key: str | None = None,
             choices: list[Choice] | None = None, **values: object) -> Text:
    """A question, with the value given before (and a button to keep it) when there is one."""
    text = ctx.msg(key, **values)
    buttons = list(choices or [])
    if current:
        text = f"{text}\n{ctx.msg('application.current_value', value=current)}"
        if keep_key:
            buttons.insert(0, keep_choice(ctx, keep_key))
    return Text(text=text, choices=buttons)


def merge(before: list[Reply], after: list[Reply]) -> list[Reply]:
    """Join an acknowledgement and the next question into one bubble when both are plain text."""
    if before and after and isinstance(before[-1], Text) and not before[-1].choices and isinstance(after[0], Text):
        joined = Text(text=f"{before[-1].text}\n\n{after[0].text}", choices=after[0].choices)
        return [*before[:-1], joined, *after[1:]]
    return [*before, *after]


# --- moving through the flow -------------------------------------------------------------------


async def goto(ctx: TurnContext, data: Data, step: Step, before: list[Reply] | None = None) -> Transition:
    """Save the position (database and session) and move to `step`; its question follows (AskNext)."""
    if data.application_id is not None and step in SAVED_STEPS:
        await repo(ctx).save_progress(data.application_id, step.value, data.model_dump(mode="json"))
    return AskNext(list(before or []), next=step.value, data=data)


async def stay(ctx: TurnContext, data: Data, step: Step, replies: list[Reply]) -> Transition:
    """Move to (or stay at) `step` with these replies only, without asking its question again."""
    if data.application_id is not None and step in SAVED_STEPS:
        await repo(ctx).save_progress(data.application_id, step.value, data.model_dump(mode="json"))
    return Transition(replies, next=step.value, data=data)


async def first_condition(ctx: TurnContext, data: Data, app: ApplicationRecord, service: Service) -> str | None:
    """The next condition question to ask (edit mode: every one in turn; else the unanswered)."""
    implied = {c.id: answer for c in service.conditions
               if (answer := c.implied(app.form_answers)) is not None and app.condition_answers.get(c.id) != answer}
    if implied:  # the form already answered it (e.g. payment method): never asked again
        await repo(ctx).set_condition_answers(app, implied)
    ids = [c.id for c in service.conditions if c.implied(app.form_answers) is None]
    if data.editing:
        start = ids.index(data.condition_id) + 1 if data.condition_id in ids else 0
        return ids[start] if start < len(ids) else None
    known = {k: v for k, v in ctx.session.answers.items() if k in ids and k not in app.condition_answers}
    if known:  # answered earlier in the chat (e.g. in the checklist): shared, not asked again
        await repo(ctx).set_condition_answers(app, known)
    return next((c for c in ids if c not in app.condition_answers), None)


async def next_document(ctx: TurnContext, data: Data, app: ApplicationRecord, service: Service,
                        start: int) -> int | None:
    docs = checklist(service, app)
    if not data.missing_only:
        return start if start < len(docs) else None
    received = await repo(ctx).documents(app.id or 0)
    for index in range(start, len(docs)):
        doc = received.get(document_key(docs[index].name))
        if doc is None or doc.status != "received":
            return index
    return None


async def advance(ctx: TurnContext, data: Data, done: Step, before: list[Reply] | None = None) -> Transition:
    """Go to the step after `done` (sections: identity, form, conditions, documents, review)."""
    app, service = await current_app(ctx, data), service_of(ctx, data)
    if app is None or service is None:
        raise LookupError("advance() needs the application and its service")
    before = list(before or [])
    if data.only:
        data.only = data.editing = False
        return await goto(ctx, data, Step.review, before)
    if done is Step.consent:
        saved = await repo(ctx).saved_identity(app.line_user_id)
        return await goto(ctx, data, Step.confirm_identity if saved else Step.name, before)
    if done in IDENTITY_STEPS and (following := IDENTITY.after(done)) is not None:
        return await goto(ctx, data, Step(following.step), before)
    if done in {Step.address, Step.confirm_identity}:
        await repo(ctx).remember_identity(app)
        if data.editing:
            return await goto(ctx, data, Step.review, before)
        data.field_index = -1
        done = Step.field
    if done is Step.field:
        data.field_index += 1
        while (data.field_index < len(service.form_fields)
               and not (moot := service.form_fields[data.field_index]).applies(app.form_answers)):
            if app.form_answers.get(moot.id) is not None:  # answered before an edit made it moot
                await repo(ctx).set_form_answer(app, moot.id, None)
            data.field_index += 1  # its ask_if rule says an earlier answer made it moot
        if data.field_index < len(service.form_fields):
            return await goto(ctx, data, Step.field, before)
        if data.editing:
            return await goto(ctx, data, Step.review, before)
        data.condition_id = None
        done = Step.condition
    if done is Step.condition:
        data.condition_id = await first_condition(ctx, data, app, service)
        if data.condition_id is not None:
            return await goto(ctx, data, Step.condition, before)
        data.doc_index = -1
        done = Step.document
    if done is Step.document:
        index = await next_document(ctx, data, app, service, data.doc_index + 1)
        if index is not None:
            data.doc_index = index
            return await goto(ctx, data, Step.document, before)
    data.editing = data.missing_only = False
    return await goto(ctx, data, Step.review, before)
