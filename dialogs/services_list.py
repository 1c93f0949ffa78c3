"""Every service of the office, as a carousel grouped by category (intent list_services).

One-shot: each card lists its services as buttons (`a=service_info&s=<id>`), so the
citizen goes on with a tap; nothing is kept between turns.
"""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Text, pick
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import services_carousel, understood


async def start(ctx: TurnContext, data: NoData) -> Transition:
    understood(ctx)
    carousel = services_carousel(ctx)
    carousel.choices = [
        pick(ctx.msg("cards.next.office"), postback("office_hours")),
        pick(ctx.msg("cards.next.menu"), postback("menu")),
    ]
    return Transition([Text(text=ctx.msg("services.intro", count=len(ctx.knowledge.services))), carousel])


DIALOG: Dialog[NoData] = Dialog(
    name="services_list",
    start=start,
    intents=frozenset({"list_services"}),
    postbacks=frozenset({"list_services", "services"}),
)
