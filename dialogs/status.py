"""Where is my application? (intent status, the "ติดตามสถานะ" buttons).

Only the citizen's own applications are shown: a tracking number typed by
someone else's LINE account finds nothing, so the status of a stranger's
application never leaks.
"""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.replies import Card, Choice, Reply, Text
from core.ports import ApplicationRecord
from core.thai_dates import thai_date
from dialogs.application_common import repo
from dialogs.base import Dialog, NoData, Transition
from dialogs.menu import menu_choices


def _asked_tracking_number(ctx: TurnContext) -> str | None:
    if ctx.postback is not None and ctx.postback.get("t"):
        return ctx.postback.get("t")
    entities = getattr(ctx.nlu, "entities", None)
    numbers = getattr(entities, "tracking_numbers", ())
    return numbers[0].value if numbers else None


def _card(ctx: TurnContext, app: ApplicationRecord) -> Card:
    zone = ctx.now.tzinfo
    submitted = thai_date(ctx.msg, app.submitted_at.astimezone(zone).date()) if app.submitted_at else "-"
    return Card(
        title=app.tracking_no or "-",
        subtitle=app.service_title,
        fields=[
            (ctx.msg("status.field.state"), ctx.msg(f"application.status.{app.status}")),
            (ctx.msg("status.field.submitted"), submitted),
        ],
        alt_text=f"{app.tracking_no} {ctx.msg(f'application.status.{app.status}')}",
    )


async def start(ctx: TurnContext, data: NoData) -> Transition:
    user_id = ctx.event.user_id or ""
    applications = await repo(ctx).submitted_of(user_id)
    wanted = _asked_tracking_number(ctx)
    if wanted:
        applications = [a for a in applications if (a.tracking_no or "").upper() == wanted.upper()]
        if not applications:
            text = ctx.msg("status.not_found", tracking=wanted)
            return Transition([Text(text=text, choices=menu_choices(ctx))])
    drafts = await repo(ctx).drafts_of(user_id)
    replies: list[Reply] = []
    if not applications:
        replies.append(Text(text=ctx.msg("status.none")))
    else:
        replies.append(Text(text=ctx.msg("status.intro", count=len(applications))))
        replies.extend(_card(ctx, app) for app in applications[:3])
    choices: list[Choice] = []
    if drafts:
        replies.append(Text(text=ctx.msg("status.drafts", count=len(drafts))))
        label = ctx.msg("application.choice.continue")
        choices.append(Choice(label=label, text=label))
    replies[-1].choices = [*choices, *menu_choices(ctx)][:13]
    return Transition(replies)


DIALOG: Dialog[NoData] = Dialog(name="status", start=start, intents=frozenset({"status"}))
