"""Route one event to one dialog, in a fixed, written-down order.

1. Events that are not conversation (unfollow, unsend, beacon, …): no answer.
   A chat handed to an officer: the bot stays silent.
2. Global interrupts: cancel, menu, talk to a person — work in any state.
3. The active dialog's handler for its current step.
4. Entry points of the dialogs in REGISTRY order (postback action, then NLU intent).
   While a flow waits for an answer, typed words it did not take start another dialog only when
   the NLU is fairly sure they are another question (IN_FLOW_MIN_CONFIDENCE), or a dialog's own
   matcher claims them; anything else (a name at "use the previous details?") is re-asked in
   context by step 5 instead of opening, say, a complaint.
5. The active dialog's own fallback (re-ask its question).
6. The default dialog (FAQ, "did you mean…", offer a person).
Any exception becomes one Thai apology; the session is then left as it was.
"""

from __future__ import annotations

import logging

from bot.runtime.context import TurnContext
from bot.runtime.postback import Postback
from bot.runtime.replies import Reply
from bot.transport.events import EventKind
from core.masking import mask_line_id as mask_id
from dialogs import DEFAULT, GLOBAL_INTERRUPTS, REGISTRY, SYSTEM_EVENTS, by_name, handoff
from dialogs.base import Dialog, Transition
from dialogs.language import with_english_note

log = logging.getLogger(__name__)

SILENT_KINDS = {
    EventKind.unfollow, EventKind.leave, EventKind.member_left, EventKind.unsend,
    EventKind.video_play_complete, EventKind.beacon, EventKind.account_link, EventKind.things,
    EventKind.other, EventKind.join, EventKind.member_joined,
}


IN_FLOW_MIN_CONFIDENCE = 0.55  # "แล้วค่าธรรมเนียมล่ะ" (fees 0.6) leaves; "บ้านเลขที่ 12 หมู่ 5" (complaint 0.4) stays
IN_FLOW_MATCHERS_IGNORED = frozenset({"language"})  # an emoji inside a flow is re-asked, not greeted


def _interrupts_a_flow(ctx: TurnContext, dialog: Dialog) -> bool:  # type: ignore[type-arg]
    nlu = ctx.nlu
    if nlu is not None and nlu.intent != "unknown" and nlu.confidence >= IN_FLOW_MIN_CONFIDENCE:
        return True
    return dialog.name not in IN_FLOW_MATCHERS_IGNORED and dialog.matcher is not None and dialog.matcher(ctx)


class Dispatcher:
    async def dispatch(self, ctx: TurnContext) -> list[Reply]:
        in_flow = ctx.session.dialog is not None  # before the turn: was a question of a flow open?
        replies = await self._dispatch(ctx)
        return with_english_note(ctx, replies, in_flow=in_flow)  # English: one English line on top

    async def _dispatch(self, ctx: TurnContext) -> list[Reply]:
        event = ctx.event
        system = SYSTEM_EVENTS.get(event.kind)
        if system is not None:
            return await self._run_start(ctx, system)
        if event.kind in {EventKind.join, EventKind.leave}:
            await handoff.note_group(ctx)  # `python -m bot officer group` prints the ids seen
        if event.kind in SILENT_KINDS:
            log.debug("no answer for %s from %s", event.kind, mask_id(event.user_id))
            return []
        if ctx.session.handoff:
            # an officer has this chat: the message is kept for the console, the bot stays silent
            kept = await handoff.during(ctx)
            if kept is not None:
                return kept
        ctx.postback = Postback.unpack(event.postback_data) if event.kind is EventKind.postback else None
        if ctx.text:
            ctx.nlu = ctx.services.nlu.parse(ctx.text)
            ctx.session.last_intent = ctx.nlu.intent

        for dialog in GLOBAL_INTERRUPTS:
            if dialog.wants(ctx):
                return await self._run_start(ctx, dialog)

        active = by_name(ctx.session.dialog) if ctx.session.dialog else None
        step = ctx.session.step
        if active is not None and step is not None and step in active.steps:
            data = active.load(ctx.session.data)
            transition = await active.steps[step](ctx, data)
            if transition is not None:
                return self._apply(ctx, active, transition, data)

        if active is None or active.allow_reentry:
            open_question = active is not None and active.fallback is not None and ctx.postback is None
            for dialog in REGISTRY:
                if not dialog.wants(ctx):
                    continue
                if open_question and not _interrupts_a_flow(ctx, dialog):
                    continue  # an answer that did not fit: the flow's fallback asks again
                return await self._run_start(ctx, dialog)

        if active is not None and active.fallback is not None:
            data = active.load(ctx.session.data)
            transition = await active.fallback(ctx, data)
            if transition is not None:
                return self._apply(ctx, active, transition, data)
        return await self._run_start(ctx, DEFAULT)

    async def _run_start(self, ctx: TurnContext, dialog: Dialog) -> list[Reply]:  # type: ignore[type-arg]
        data = dialog.fresh()
        transition = await dialog.start(ctx, data)
        return self._apply(ctx, dialog, transition, data)

    @staticmethod
    def _apply(ctx: TurnContext, dialog: Dialog, transition: Transition, data: object) -> list[Reply]:  # type: ignore[type-arg]
        session = ctx.session
        ctx.notes.dialog = dialog.name  # the turn's metrics label (bot/metrics.py)
        if dialog is not DEFAULT:
            session.misses = 0  # understood: "two misses in a row" counts only consecutive misses
        if transition.next is None:
            # A one-shot answer (fees, hours…) given in the middle of another flow leaves
            # that flow where it was, so the citizen's next answer continues it.
            if session.dialog == dialog.name:
                session.end_dialog()
        else:
            if transition.next not in dialog.steps:
                raise ValueError(f"dialog {dialog.name} has no step {transition.next!r}")
            session.dialog = dialog.name
            session.step = transition.next
            new_data = transition.data if transition.data is not None else data
            session.data = new_data.model_dump(mode="json")  # type: ignore[attr-defined]
        if transition.handoff:
            session.handoff = True
        return transition.replies
