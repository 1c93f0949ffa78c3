"""Builders the information dialogs share: the service card, the services carousel,
"which service?" questions, follow-up quick replies, and small text helpers.

Every citizen-facing word comes from messages (`cards.*`, `services.*` in
knowledge/national/messages/dialogs.yaml) or from the service files themselves.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, Carousel, Choice, Reply, Text, pick
from core.thai_dates import number, thai_duration
from knowledge.consistency import citizen_channels
from knowledge.schema import Category, Service

ALTERNATIVE_MIN_SCORE = 0.05  # an NLU runner-up service worth offering as "did you mean"…
ALTERNATIVE_MIN_SHARE = 0.25  # …and not far behind the best one
MAX_ALTERNATIVES = 3
MAX_BUTTONS_PER_CARD = 5  # a bubble stays short enough to read on a phone
MAX_CAROUSEL_CARDS = 12
MAX_LABEL = 20  # LINE action labels
MAX_LEGAL_SHOWN = 2
# dialogs whose "which service?" question is dropped once the citizen has been answered otherwise
CHOOSING_DIALOGS = frozenset({"service_info", "facts", "checklist", "payment"})
CHOOSE_STEP = "choose_service"


# --- small helpers -----------------------------------------------------------------------------



def understood(ctx: TurnContext, service: Service | None = None) -> None:
    """The bot answered this turn: the miss streak ends; a named service comes into focus; a
    "which service?" question still open (fees, documents…) is dropped, so a later service
    name is not taken as its answer."""
    session = ctx.session
    session.misses = 0
    if session.dialog in CHOOSING_DIALOGS and session.step == CHOOSE_STEP:
        session.end_dialog()
    if service is not None:
        session.focus_service = service.id


def service_label(ctx: TurnContext, service: Service) -> str:
    """A button label that fits LINE's 20 characters: the short name, else the first alias
    that fits and is no other service's, else the short name (shortened by the renderer)."""
    if len(service.short_name) <= MAX_LABEL:
        return service.short_name
    others = {a for s in ctx.knowledge.services.values() if s.id != service.id for a in s.aliases}
    return next((a for a in service.aliases if len(a) <= MAX_LABEL and a not in others), service.short_name)


def baht(ctx: TurnContext, amount: float) -> str:
    return ctx.msg("cards.baht", amount=number(amount))


def maps_url(ctx: TurnContext) -> str:
    office = ctx.knowledge.office
    if office.latitude is not None and office.longitude is not None:
        query = f"{office.latitude},{office.longitude}"
    else:
        query = f"{office.name} {office.address}"
    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(query)


def phone_uri(ctx: TurnContext) -> str:
    return "tel:" + "".join(ch for ch in ctx.knowledge.office.phone if ch.isdigit())


# --- what a service card says ------------------------------------------------------------------


def fees_text(ctx: TurnContext, service: Service) -> str:
    lines = []
    for fee in service.fees:
        value = baht(ctx, fee.amount_baht) if fee.amount_baht is not None else (fee.rule or "")
        lines.append(ctx.msg("cards.fee_line", description=fee.description, value=value))
    if service.fees_note:
        lines.append(service.fees_note)
    return "\n".join(lines) if lines else ctx.msg("cards.fees_none")


def channels_text(ctx: TurnContext, service: Service) -> str:
    blocks = []
    for channel in citizen_channels(ctx.knowledge.office, service):  # the office card wins a conflict
        parts = [channel.place, channel.hours or "", channel.remark or ""]
        blocks.append("\n".join(p for p in parts if p))
    return "\n\n".join(blocks)


def legal_text(ctx: TurnContext, service: Service) -> str:
    shown = [f"• {law}" for law in service.legal_basis[:MAX_LEGAL_SHOWN]]
    more = len(service.legal_basis) - MAX_LEGAL_SHOWN
    if more > 0:
        shown.append(ctx.msg("cards.legal_more", n=more))
    return "\n".join(shown)


def service_card(ctx: TurnContext, service: Service) -> Card:
    fields: list[tuple[str, str]] = []
    if service.eligibility:
        fields.append((ctx.msg("cards.field.eligibility"), "\n".join(f"• {e}" for e in service.eligibility)))
    fields += [
        (ctx.msg("cards.field.duration"), thai_duration(ctx.msg, service.total_duration)),
        (ctx.msg("cards.field.fees"), fees_text(ctx, service)),
        (ctx.msg("cards.field.channels"), channels_text(ctx, service)),
        (ctx.msg("cards.field.legal"), legal_text(ctx, service)),
    ]
    buttons = [
        Button(label=ctx.msg("cards.button.documents"), data=postback("documents", s=service.id),
               text=ctx.msg("cards.button.documents")),
        Button(label=ctx.msg("cards.button.apply"), data=postback("apply", s=service.id),
               text=ctx.msg("cards.button.apply"), style="secondary"),
        Button(label=ctx.msg("cards.button.handoff"), data=postback("handoff"),
               text=ctx.msg("cards.button.handoff"), style="link"),
    ]
    return Card(
        title=service.short_name,
        subtitle=service.title if service.title != service.short_name else None,
        lines=[service.summary],
        fields=fields,
        buttons=buttons,
        alt_text=ctx.msg("cards.alt", service=service.short_name),
    )


def follow_ups(ctx: TurnContext, service: Service, *, without: str | frozenset[str] = "") -> list[Choice]:
    """What a citizen usually asks next about a service, as quick replies (`without`: actions
    already on screen, e.g. the card's own buttons, so each action is shown once)."""
    skip = {without} if isinstance(without, str) else set(without)
    items = [
        ("service_info", "cards.next.info"),
        ("documents", "cards.next.documents"),
        ("fees", "cards.next.fees"),
        ("duration", "cards.next.duration"),
        ("apply", "cards.next.apply"),
    ]
    choices = [pick(ctx.msg(key), postback(action, s=service.id)) for action, key in items if action not in skip]
    choices.append(pick(ctx.msg("cards.next.office"), postback("office_hours")))
    choices.append(pick(ctx.msg("cards.next.menu"), postback("menu")))
    return choices


# --- the services, by category -----------------------------------------------------------------


def services_carousel(ctx: TurnContext, action: str = "service_info") -> Carousel:
    """One card per category (split when a category has more than five services); each
    service is a button sending `a=<action>&s=<service id>`."""
    cards: list[Card] = []
    for category in Category:
        services = [s for s in ctx.knowledge.services.values() if s.category is category]
        parts = [services[i : i + MAX_BUTTONS_PER_CARD] for i in range(0, len(services), MAX_BUTTONS_PER_CARD)]
        name = ctx.msg(f"services.category.{category.value}")
        for index, part in enumerate(parts, start=1):
            title = name if len(parts) == 1 else ctx.msg("services.category_part", name=name, part=index,
                                                          parts=len(parts))
            cards.append(Card(
                title=title,
                lines=[ctx.msg("services.card_line", name=s.short_name) for s in part],
                buttons=[Button(label=service_label(ctx, s), data=postback(action, s=s.id),
                                text=s.short_name, style="secondary") for s in part],
            ))
    return Carousel(alt_text=ctx.msg("services.alt"), cards=cards[:MAX_CAROUSEL_CARDS])


def alternatives(ctx: TurnContext) -> list[Service]:
    """The NLU's likely services for this text, best first (for "which one do you mean?")."""
    found = getattr(getattr(ctx.nlu, "alternatives", None), "services", ()) or ()
    services = ctx.knowledge.services
    best = max((a.score for a in found), default=0.0)
    floor = max(ALTERNATIVE_MIN_SCORE, best * ALTERNATIVE_MIN_SHARE)
    return [services[a.label] for a in found if a.score >= floor and a.label in services][:MAX_ALTERNATIVES]


def service_in_question(ctx: TurnContext) -> Service | None:
    """The service this turn is about, unless the citizen tapped "another service" (pick=1)."""
    forced_pick = ctx.postback is not None and bool(ctx.postback.get("pick"))
    service_id = None if forced_pick else ctx.service_id
    return ctx.knowledge.service(service_id) if service_id is not None else None


def which_service(ctx: TurnContext, action: str, question_key: str, *, offer_list: bool = True) -> list[Reply]:
    """Ask which service `action` is about: the NLU's guesses as quick replies, or every
    service in the carousel when there is no good guess (or the citizen asked for the list)."""
    question = ctx.msg(question_key)
    guesses = [] if ctx.postback is not None and ctx.postback.get("pick") else alternatives(ctx)
    if guesses:
        choices = [pick(service_label(ctx, s), postback(action, s=s.id)) for s in guesses]
        if offer_list:
            choices.append(pick(ctx.msg("services.other"), postback(action, pick="1")))
        return [Text(text=question, choices=choices)]
    carousel = services_carousel(ctx, action)
    carousel.choices = [pick(ctx.msg("cards.next.menu"), postback("menu"))]
    return [Text(text=question), carousel]
