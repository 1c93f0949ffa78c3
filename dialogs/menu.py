"""Main menu: the quick replies every flow can come back to; also greets and thanks."""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.replies import Choice, Text, postback_choice
from dialogs.base import Dialog, NoData, Transition

# postback action (an intent id, so the button and the words reach the same dialog), label key
MENU_ITEMS: tuple[tuple[str, str], ...] = (
    ("list_services", "menu.item.services"),
    ("documents", "menu.item.documents"),
    ("fees", "menu.item.fees"),
    ("office_hours", "menu.item.contact"),
    ("apply", "menu.item.apply"),
    ("status", "menu.item.status"),
    ("complaint", "menu.item.complaint"),
    ("handoff", "menu.item.handoff"),
)


def menu_choices(ctx: TurnContext) -> list[Choice]:
    choices = []
    for action, key in MENU_ITEMS:
        label = ctx.msg(key)
        choices.append(postback_choice(label, action))
    return choices


async def start(ctx: TurnContext, data: NoData) -> Transition:
    lines = []
    if ctx.intent == "greeting":
        lines.append(ctx.msg("menu.greeting_reply"))
    elif ctx.intent == "thanks":
        return Transition([Text(text=ctx.msg("thanks.reply"), choices=menu_choices(ctx))])
    lines.append(ctx.msg("menu.title"))
    return Transition([Text(text="\n".join(lines), choices=menu_choices(ctx))])


DIALOG: Dialog[NoData] = Dialog(
    name="menu",
    start=start,
    intents=frozenset({"greeting", "help", "thanks"}),
    postbacks=frozenset({"menu"}),
)
