"""Help with BizPortal and DGA Connect (online applications), from knowledge/national/portal_help.yaml.

Words ("OTP ไม่มา", "ลืมรหัสผ่าน") go straight to the matching topic; otherwise a menu of
topics. Topics of the guide's chapter 7 (section "7…") are case states: what the state
means and what to do; they have their own sub-menu. Every answer is one card (steps +
link button) with quick replies; buttons send `a=portal_help&t=<topic>`, so the dialog
keeps no state and a tap on an old button still works.
"""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, Choice, Text, pick, postback_choice
from dialogs.base import Dialog, NoData, Transition
from knowledge.loader import portal_help_of
from knowledge.schema import PortalHelp, PortalHelpTopic

ACTION = "portal_help"
STATES = "states"  # the `t` value of the case-states sub-menu
DGA_URL = "https://connect.dga.or.th"
BIZPORTAL_URL = "https://bizportal.go.th"
# the how-to topics in the order a first-time applicant goes through them
JOURNEY = ("dga_register", "bizportal_login", "bizportal_fill_application", "bizportal_upload",
           "bizportal_save_draft", "bizportal_submit")


def _norm(text: str) -> str:
    return "".join(text.lower().split())


def is_case_state(topic: PortalHelpTopic) -> bool:
    """Chapter 7 of the guide: what happens after submitting (checking, consideration, payment)."""
    return (topic.section or "").startswith("7")


def match_topic(guide: PortalHelp, text: str) -> PortalHelpTopic | None:
    """The topic whose longest keyword appears in the text (earlier topic on a tie)."""
    said = _norm(text)
    best: tuple[int, PortalHelpTopic] | None = None
    for topic in guide.topics:
        length = max((len(k) for k in map(_norm, topic.keywords) if k and k in said), default=0)
        if length and (best is None or length > best[0]):
            best = (length, topic)
    return best[1] if best else None


def _label(ctx: TurnContext, topic: PortalHelpTopic) -> str:
    key = f"portal_help.topic.{topic.id}"
    return ctx.msg(key) if key in ctx.knowledge.messages else topic.title


def _topic_choice(ctx: TurnContext, topic: PortalHelpTopic, label: str | None = None) -> Choice:
    text = label or _label(ctx, topic)
    return postback_choice(text, ACTION, t=topic.id)


def _tail_choices(ctx: TurnContext) -> list[Choice]:
    person = ctx.msg("portal_help.person.label")
    home = ctx.msg("portal_help.main_menu.label")
    return [
        postback_choice(person, "handoff"),
        postback_choice(home, "menu"),
    ]


def topic_menu(ctx: TurnContext, guide: PortalHelp) -> Text:
    choices = [_topic_choice(ctx, t) for t in guide.topics if not is_case_state(t)]
    states = ctx.msg("portal_help.states.label")
    choices.append(postback_choice(states, ACTION, t=STATES))
    return Text(text=ctx.msg("portal_help.menu"), choices=[*choices, *_tail_choices(ctx)][:13])


def states_menu(ctx: TurnContext, guide: PortalHelp) -> Text:
    choices = [_topic_choice(ctx, t) for t in guide.topics if is_case_state(t)]
    other = ctx.msg("portal_help.other.label")
    choices.append(postback_choice(other, ACTION))
    return Text(text=ctx.msg("portal_help.states_menu"), choices=[*choices, *_tail_choices(ctx)][:13])


def _links(ctx: TurnContext, topic: PortalHelpTopic) -> list[Button]:
    url = (topic.url or BIZPORTAL_URL).rstrip("/")
    dga = Button(label=ctx.msg("portal_help.open_dga.label"), uri=DGA_URL)
    biz = Button(label=ctx.msg("portal_help.open_bizportal.label"), uri=BIZPORTAL_URL)
    if url == DGA_URL:
        return [dga]
    if topic.id in {"bizportal_login", "otp"}:  # both sites are involved
        return [biz, dga.model_copy(update={"style": "secondary"})]
    if url == BIZPORTAL_URL:
        return [biz]
    return [Button(label=ctx.msg("portal_help.open_bizportal.label"), uri=url)]


def topic_card(ctx: TurnContext, guide: PortalHelp, topic: PortalHelpTopic) -> Card:
    lines = [ctx.msg("portal_help.steps_heading")]
    lines += [f"{number}. {step}" for number, step in enumerate(topic.steps, start=1)]
    lines.append(ctx.msg("portal_help.still_stuck"))
    choices: list[Choice] = []
    if topic.id in JOURNEY and topic.id != JOURNEY[-1]:
        following = JOURNEY[JOURNEY.index(topic.id) + 1]
        if any(t.id == following for t in guide.topics):
            nxt = guide.topic(following)
            label = ctx.msg("portal_help.next.label", topic=_label(ctx, nxt))
            choices.append(_topic_choice(ctx, nxt, label if len(label) <= 20 else _label(ctx, nxt)))
    other = ctx.msg("portal_help.other.label")
    back = postback(ACTION, t=STATES) if is_case_state(topic) else postback(ACTION)
    choices.append(pick(other, back))
    return Card(
        title=topic.title, subtitle=topic.summary, lines=lines, buttons=_links(ctx, topic),
        alt_text=f"{topic.title}: {topic.steps[0]}", choices=[*choices, *_tail_choices(ctx)],
    )


async def start(ctx: TurnContext, data: NoData) -> Transition:
    guide = portal_help_of(ctx.knowledge)
    if guide is None:
        return Transition([Text(text=ctx.msg("portal_help.unavailable"))])
    wanted = ctx.postback.get("t") if ctx.postback is not None else None
    if wanted == STATES:
        return Transition([states_menu(ctx, guide)])
    topic = next((t for t in guide.topics if t.id == wanted), None)
    if topic is None and ctx.text:
        topic = match_topic(guide, ctx.text)
    if topic is None:
        return Transition([topic_menu(ctx, guide)])
    return Transition([topic_card(ctx, guide, topic)])


DIALOG: Dialog[NoData] = Dialog(
    name="portal_help",
    start=start,
    intents=frozenset({"portal_help"}),
    postbacks=frozenset({ACTION}),
)
