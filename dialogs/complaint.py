"""Report a local problem: category → description → photo → location → contact consent → saved.

- The first message often says it all ("น้ำไม่ไหลสองวันแล้ว"): its words suggest the category
  (confirmed with one tap) and the text is kept as the description.
- Photo and location are optional ("ข้าม"); a photo is downloaded and checked by
  the media port (core/ports.py) and stored at once, only its key stays in the session.
- Inputs are accepted in any order: a photo or a shared location sent early is kept, and
  extra words while waiting for a photo are added to the description. Nothing typed is lost:
  the state lives in the session until the end, and the complaint row is written once, in
  one transaction, with its reference number (TJL-C-2569-000123).
- All buttons are postbacks `a=complaint&…` (c=category, skip=photo|location, consent=1|0),
  so an old button still does the sensible thing and the rich menu starts the same dialog.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.replies import Card, Choice, Reply, Text, postback_choice
from bot.transport.events import EventKind
from core.complaints import ComplaintCategory, NewComplaint
from core.media import MediaRejected
from core.ports import PortUnavailable
from core.thai_dates import buddhist_year
from dialogs.answers import strip_particles
from dialogs.base import Dialog, Form, Slot, StepHandler, Transition
from dialogs.menu import menu_choices

log = logging.getLogger(__name__)

ACTION = "complaint"
CATEGORIES: tuple[str, ...] = tuple(c.value for c in ComplaintCategory)  # quick-reply order
# guessing order: "ถนน" often only says where the problem is, so the road words come last
GUESS_ORDER: tuple[str, ...] = ("water", "light", "waste", "nuisance", "road")
MAX_PHOTOS = 3
MAX_DESCRIPTION = 2000
MAX_ADDRESS = 500
DESCRIPTIVE_MIN = 12  # characters left after the generic words: the message describes a problem
WITH_CATEGORY_MIN = 4  # … or fewer, when its words already named a category
OPEN_INTENTS = {None, "complaint", "unknown"}  # words while in the flow that belong to the complaint


class Step(StrEnum):
    category = "category"
    description = "description"
    photo = "photo"
    location = "location"
    consent = "consent"


class Data(BaseModel):
    category: str | None = None
    guessed: str | None = None  # suggested by the first message's words, waiting for "ใช่"
    description: str | None = None
    photo_keys: list[str] = []
    photos_done: bool = False
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    location_done: bool = False
    consent: bool | None = None


# --- words ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return "".join(text.lower().split())


def _words(ctx: TurnContext, key: str) -> list[str]:
    return [w for w in (_norm(part) for part in ctx.msg(key).split(",")) if w]


def _plain(ctx: TurnContext, text: str) -> str:
    """The text without spaces and trailing polite particles ("ข้ามค่ะ" → "ข้าม")."""
    # the particles are staff-editable (messages), longest first so "ครับผม" goes before "ครับ"
    particles = sorted(_words(ctx, "complaint.words.polite"), key=len, reverse=True)
    return strip_particles(_norm(text), particles)


def _says(ctx: TurnContext, key: str) -> bool:
    return _plain(ctx, ctx.text) in _words(ctx, key)


def guess_category(ctx: TurnContext, text: str) -> str | None:
    said = _norm(text)
    for category in GUESS_ORDER:
        if any(word in said for word in _words(ctx, f"complaint.words.{category}")):
            return category
    return None


def is_descriptive(ctx: TurnContext, text: str, guessed: str | None) -> bool:
    """Does the message describe a problem, beyond "I want to complain"?"""
    rest = _norm(text)
    for word in sorted(_words(ctx, "complaint.words.generic"), key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(rest) >= (WITH_CATEGORY_MIN if guessed else DESCRIPTIVE_MIN)


def _category_label(ctx: TurnContext, category: str) -> str:
    return ctx.msg(f"complaint.category.{category}")


def _category_from_label(ctx: TurnContext, text: str) -> str | None:
    said = _plain(ctx, text)
    return next((c for c in CATEGORIES if _norm(_category_label(ctx, c)) == said), None)


# --- questions -----------------------------------------------------------------------------


def _choice(label: str, **params: str) -> Choice:
    return postback_choice(label, ACTION, **params)


def _question(ctx: TurnContext, data: Data, step: Step) -> tuple[str, list[Choice]]:
    skip = ctx.msg("complaint.skip.label")
    asking = FORM[step].question_key or ""
    if step is Step.category:
        if data.guessed:
            yes = _choice(ctx.msg("complaint.yes.label"), c=data.guessed)
            others = [_choice(_category_label(ctx, c), c=c) for c in CATEGORIES if c != data.guessed]
            text = ctx.msg("complaint.confirm_category", category=_category_label(ctx, data.guessed))
            return text, [yes, *others]
        return ctx.msg(asking), [_choice(_category_label(ctx, c), c=c) for c in CATEGORIES]
    if step is Step.description:
        return ctx.msg(asking), []
    if step is Step.photo:
        return ctx.msg(asking, max_photos=MAX_PHOTOS), [
            Choice(label=ctx.msg("complaint.camera.label"), action="camera"),
            Choice(label=ctx.msg("complaint.camera_roll.label"), action="camera_roll"),
            _choice(skip, skip="photo"),
        ]
    if step is Step.location:
        return ctx.msg(asking), [
            Choice(label=ctx.msg("complaint.location.label"), action="location"),
            _choice(skip, skip="location"),
        ]
    return ctx.msg(asking), [
        _choice(ctx.msg("complaint.consent_yes.label"), consent="1"),
        _choice(ctx.msg("complaint.consent_no.label"), consent="0"),
    ]


# the report, slot by slot: the first one not filled is asked next, so inputs sent early are kept
FORM: Form[Data] = Form((
    Slot(Step.category, lambda d: d.category is not None, "complaint.ask_category", attribute="category"),
    Slot(Step.description, lambda d: bool(d.description), "complaint.ask_description", attribute="description"),
    Slot(Step.photo, lambda d: d.photos_done, "complaint.ask_photo", attribute="photo_keys"),
    Slot(Step.location, lambda d: d.location_done, "complaint.ask_location", attribute="latitude"),
    Slot(Step.consent, lambda d: d.consent is not None, "complaint.ask_consent", attribute="consent"),
))


def _missing(data: Data) -> Step | None:
    slot = FORM.next_missing(data)
    return Step(slot.step) if slot is not None else None


def _ask(ctx: TurnContext, data: Data, step: Step, notes: list[str]) -> Transition:
    question, choices = _question(ctx, data, step)
    return Transition([Text(text="\n".join([*notes, question]), choices=choices)], next=step, data=data)


async def _advance(ctx: TurnContext, data: Data, notes: list[str]) -> Transition:
    step = _missing(data)
    if step is None:
        return await _finish(ctx, data, notes)
    return _ask(ctx, data, step, notes)


# --- inputs --------------------------------------------------------------------------------


async def _take_photo(ctx: TurnContext, data: Data, notes: list[str]) -> str | None:
    """Keep a photo; returns the problem to tell the citizen, or None."""
    if len(data.photo_keys) >= MAX_PHOTOS:
        data.photos_done = True
        notes.append(ctx.msg("complaint.photo_limit", max_photos=MAX_PHOTOS))
        return None
    try:
        media = await ctx.ports.media.fetch(ctx.event)
    except MediaRejected as rejected:
        return ctx.msg(rejected.reason)
    if not media.content_type.startswith("image/"):
        return ctx.msg("complaint.photo_only")
    key = await ctx.ports.media.keep("complaints", media.name, media)
    data.photo_keys.append(key)
    data.photos_done = True
    notes.append(ctx.msg("complaint.photo_received", count=len(data.photo_keys), max_photos=MAX_PHOTOS))
    return None


def _add_description(data: Data, text: str) -> None:
    joined = f"{data.description}\n{text}" if data.description else text
    data.description = joined[:MAX_DESCRIPTION]


def _on_postback(ctx: TurnContext, data: Data, step: Step) -> None:
    assert ctx.postback is not None
    category = ctx.postback.get("c")
    if category in CATEGORIES:
        data.category, data.guessed = category, None
    skip = ctx.postback.get("skip")
    data.photos_done = data.photos_done or skip == "photo"
    data.location_done = data.location_done or skip == "location"
    consent = ctx.postback.get("consent")
    if step is Step.consent and consent in {"0", "1"}:
        data.consent = consent == "1"


def _on_text(ctx: TurnContext, data: Data, step: Step, notes: list[str]) -> bool:
    """Use the words for the current question; False when they are not an answer to it."""
    text = ctx.text
    if step is Step.category:
        if data.guessed and _says(ctx, "complaint.words.yes"):
            data.category, data.guessed = data.guessed, None
            return True
        if data.guessed and _says(ctx, "complaint.words.no"):
            data.guessed = None
            return True
        category = _category_from_label(ctx, text) or guess_category(ctx, text)
        if category is not None:
            data.category, data.guessed = category, None
            if not data.description and is_descriptive(ctx, text, category):
                data.description = text[:MAX_DESCRIPTION]
            return True
    elif step is Step.description:
        if not _says(ctx, "complaint.words.skip"):  # the description is the one thing we need
            _add_description(data, text)
        return True
    elif step is Step.photo and _says(ctx, "complaint.words.skip"):
        data.photos_done = True
        return True
    elif step is Step.location:
        if not _says(ctx, "complaint.words.skip"):
            data.address = text[:MAX_ADDRESS]
        data.location_done = True
        return True
    elif step is Step.consent and (_says(ctx, "complaint.words.yes") or _says(ctx, "complaint.words.no")):
        data.consent = _says(ctx, "complaint.words.yes")
        return True
    if ctx.intent not in OPEN_INTENTS:
        return False  # a question about something else: let its dialog answer, this flow waits
    if is_descriptive(ctx, text, None):
        _add_description(data, text)
        notes.append(ctx.msg("complaint.description_added"))
    return True  # re-ask the question


async def _handle(ctx: TurnContext, data: Data, step: Step) -> Transition | None:
    notes: list[str] = []
    event = ctx.event
    if ctx.postback is not None:
        if ctx.postback.action != ACTION:
            return None
        _on_postback(ctx, data, step)
    elif event.kind is EventKind.image:
        problem = await _take_photo(ctx, data, notes)
        if problem is not None:
            return _ask(ctx, data, step, [problem])
    elif event.kind in {EventKind.file, EventKind.video, EventKind.audio}:
        return _ask(ctx, data, step, [ctx.msg("complaint.photo_only")])
    elif event.kind is EventKind.location and event.location is not None:
        loc = event.location
        data.latitude, data.longitude = loc.latitude, loc.longitude
        data.address = loc.address or loc.title or data.address
        data.location_done = True
        notes.append(ctx.msg("complaint.location_received"))
    elif ctx.text and (refused := _too_long(ctx, data, step)) is not None:
        return _ask(ctx, data, step, [refused])  # refused whole, never cut mid-word; nothing lost
    elif not ctx.text or not _on_text(ctx, data, step, notes):
        return None
    return await _advance(ctx, data, notes)


def _too_long(ctx: TurnContext, data: Data, step: Step | None) -> str | None:
    """A message longer than what its field keeps is refused with a clear message (issue 10)."""
    text = ctx.text or ""
    if step is Step.location:
        room = MAX_ADDRESS
    else:
        room = MAX_DESCRIPTION - (len(data.description) + 1 if data.description else 0)
    if len(text) <= room:
        return None
    return ctx.msg("long.refused", length=f"{len(text):,}", max=f"{max(room, 0):,}")


def _step_handler(step: Step) -> StepHandler:
    async def handler(ctx: TurnContext, data: Data) -> Transition | None:
        return await _handle(ctx, data, step)

    return handler


async def start(ctx: TurnContext, data: Data) -> Transition:
    notes = [ctx.msg("complaint.intro")]
    category = ctx.postback.get("c") if ctx.postback is not None else None
    if category in CATEGORIES:
        data.category = category
    elif ctx.text and (refused := _too_long(ctx, data, None)) is not None:
        notes.append(refused)
    elif ctx.text:
        data.guessed = guess_category(ctx, ctx.text)
        if is_descriptive(ctx, ctx.text, data.guessed):
            data.description = ctx.text[:MAX_DESCRIPTION]
            notes.append(ctx.msg("complaint.description_kept", description=data.description))
    return await _advance(ctx, data, notes)


async def fallback(ctx: TurnContext, data: Data) -> Transition | None:
    step = ctx.session.step
    return _ask(ctx, data, Step(step), []) if step is not None and step in Step.__members__ else None


# --- the record ----------------------------------------------------------------------------


async def save_complaint(ctx: TurnContext, data: Data) -> str:
    """File the complaint; returns its number (TJL-C-2569-000123)."""
    complaint = NewComplaint(
        category=data.category or ComplaintCategory.other, description=data.description or "",
        photo_keys=list(data.photo_keys), latitude=data.latitude, longitude=data.longitude,
        address=data.address, contact_consent=bool(data.consent),
        line_user_id=ctx.event.user_id or ctx.event.reply_to or "", created_at=ctx.now,
    )
    prefix = f"{ctx.knowledge.office.tracking_prefix}-C"
    return await ctx.ports.complaints.file(complaint, prefix, buddhist_year(ctx.now))


def _summary(ctx: TurnContext, data: Data, reference: str) -> list[Reply]:
    none = ctx.msg("complaint.value.none")
    if data.address:
        place = data.address
    elif data.latitude is not None:
        place = ctx.msg("complaint.value.shared_location")
    else:
        place = none
    photos = ctx.msg("complaint.value.photos", count=len(data.photo_keys)) if data.photo_keys else none
    description = data.description or ""
    fields = [
        (ctx.msg("complaint.field.reference"), reference),
        (ctx.msg("complaint.field.category"), _category_label(ctx, data.category or "other")),
        (ctx.msg("complaint.field.description"), description if len(description) <= 200 else description[:199] + "…"),
        (ctx.msg("complaint.field.photos"), photos),
        (ctx.msg("complaint.field.location"), place),
        (ctx.msg("complaint.field.contact"), ctx.msg("complaint.value.yes" if data.consent else "complaint.value.no")),
    ]
    title = ctx.msg("complaint.done_title")
    card = Card(title=title, fields=fields, alt_text=f"{title} {reference}")
    lines = [f"{ctx.msg('complaint.field.reference')}: {reference}", ctx.msg("complaint.done_note")]
    channels = ctx.knowledge.office.complaint_channels
    if channels:
        lines.append(ctx.msg("complaint.channels"))
        lines += [ctx.msg("complaint.channel_line", name=c.name, detail=c.detail or "").rstrip() for c in channels]
    return [card, Text(text="\n".join(lines), choices=menu_choices(ctx))]


async def _finish(ctx: TurnContext, data: Data, notes: list[str]) -> Transition:
    try:
        reference = await save_complaint(ctx, data)
    except PortUnavailable:
        log.exception("complaint could not be saved")
        retry = _choice(ctx.msg("complaint.retry.label"), retry="1")
        text = "\n".join([*notes, ctx.msg("complaint.save_failed")])
        return Transition([Text(text=text, choices=[retry])], next=Step.consent, data=data)
    log.info("complaint %s saved (%s)", reference, data.category)
    replies = _summary(ctx, data, reference)
    if notes:
        replies.insert(0, Text(text="\n".join(notes)))
    return Transition(replies, next=None)


DIALOG: Dialog[Data] = Dialog(
    name="complaint",
    data_type=Data,
    start=start,
    steps={step.value: _step_handler(step) for step in Step},
    intents=frozenset({"complaint"}),
    postbacks=frozenset({ACTION}),
    fallback=fallback,
)
