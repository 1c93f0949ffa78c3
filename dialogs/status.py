"""Where is my application, or my complaint? (intent status, the "ติดตามสถานะ" buttons).

Only the citizen's own applications and complaints are shown: a tracking number or complaint
reference (TJL-C-2569-000123, typed or pasted) from someone else's LINE account finds nothing,
so a stranger's status never leaks. Complaints come through `ctx.services.complaints`.
"""

from __future__ import annotations

from bot.office.cases import CaseDetail
from bot.office.notify import CASE_READ_ACTION, CASE_UPLOAD_ACTION
from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, Choice, Reply, Text
from core.cases import CaseState, citizen_may_cancel
from core.complaints import ComplaintView, find_complaint_references
from core.ports import ApplicationRecord
from core.thai_dates import thai_date
from dialogs.application.common import repo
from dialogs.base import Dialog, NoData, Transition
from dialogs.case_actions import CASE_CANCEL_ACTION
from dialogs.menu import menu_choices


def _asked_tracking_number(ctx: TurnContext) -> str | None:
    if ctx.postback is not None and ctx.postback.get("t"):
        return ctx.postback.get("t")
    entities = getattr(ctx.nlu, "entities", None)
    numbers = getattr(entities, "tracking_numbers", ())
    return numbers[0].value if numbers else None


def _card(ctx: TurnContext, app: ApplicationRecord, case: CaseDetail | None = None) -> Card:
    zone = ctx.now.tzinfo
    submitted = thai_date(ctx.msg, app.submitted_at.astimezone(zone).date()) if app.submitted_at else "-"
    # the office's case (bot/office/cases.py), when there is one, says where the request really is
    state = ctx.msg(f"case.state.{case.summary.state}") if case else ctx.msg(f"application.status.{app.status}")
    lines: list[str] = []
    buttons: list[Button] = []
    if case is not None:
        lines.append(ctx.msg("case.status.history"))
        lines += [ctx.msg("case.status.history_line", date=thai_date(ctx.msg, h.at.astimezone(zone).date()),
                          state=ctx.msg(f"case.state.{h.to_state}")) for h in case.history[-5:]]
        buttons = _case_buttons(ctx, case)
    return Card(
        title=app.tracking_no or "-",
        subtitle=app.service_title,
        fields=[
            (ctx.msg("status.field.state"), state),
            (ctx.msg("status.field.submitted"), submitted),
        ],
        lines=lines,
        buttons=buttons,
        alt_text=f"{app.tracking_no} {state}",
    )


def _case_buttons(ctx: TurnContext, case: CaseDetail) -> list[Button]:
    tracking, state = case.summary.tracking, CaseState(case.summary.state)
    buttons: list[Button] = []
    if state in {CaseState.fix_uploads, CaseState.more_documents}:
        buttons.append(Button(label=ctx.msg("case.button.upload.label"), data=postback(CASE_UPLOAD_ACTION, t=tracking)))
    elif state is CaseState.documents_sent:
        buttons.append(Button(label=ctx.msg("case.button.read.label"), data=postback(CASE_READ_ACTION, t=tracking)))
    elif state is CaseState.fee_due:
        notice = ctx.services.cases.notice_of(case)
        if notice.pay_url:
            buttons.append(Button(label=ctx.msg("case.button.pay.label"), uri=notice.pay_url))
    elif state is CaseState.completed:
        notice = ctx.services.cases.notice_of(case)
        if notice.licence_url:
            buttons.append(Button(label=ctx.msg("case.button.licence.label"), uri=notice.licence_url))
    if citizen_may_cancel(state):
        buttons.append(Button(label=ctx.msg("case.button.cancel.label"), data=postback(CASE_CANCEL_ACTION, t=tracking),
                              style="secondary"))
    return buttons


MAX_COMPLAINTS_SHOWN = 5
COMPLAINT_SEARCH = 200  # a pasted reference is looked for among this many of the citizen's own


def _asked_complaint(ctx: TurnContext) -> str | None:
    found = find_complaint_references(ctx.text or "") if ctx.postback is None else []
    return found[0] if found else (ctx.postback.get("c") if ctx.postback is not None else None)


def _complaints_text(ctx: TurnContext, complaints: list[ComplaintView]) -> Text:
    zone = ctx.now.tzinfo
    lines = [ctx.msg("complaints.intro", count=len(complaints))]
    for c in complaints[:MAX_COMPLAINTS_SHOWN]:
        lines.append(ctx.msg("complaints.line", reference=c.reference,
                             category=ctx.msg(f"complaint.category.{c.category}"),
                             state=ctx.msg(f"complaints.state.{c.status}"),
                             date=thai_date(ctx.msg, c.created_at.astimezone(zone).date())))
    return Text(text="\n".join(lines))


def wants_complaint_status(ctx: TurnContext) -> bool:
    """A complaint reference typed or pasted on its own asks where that complaint is."""
    return ctx.postback is None and bool(find_complaint_references(ctx.text or ""))


async def start(ctx: TurnContext, data: NoData) -> Transition:
    user_id = ctx.event.user_id or ""
    wanted_complaint = _asked_complaint(ctx)
    if wanted_complaint:
        mine = await ctx.ports.complaints.complaints_of(user_id, COMPLAINT_SEARCH)
        found = [c for c in mine if c.reference.upper() == wanted_complaint.upper()]
        if not found:
            text = ctx.msg("complaints.not_found", reference=wanted_complaint)
            return Transition([Text(text=text, choices=menu_choices(ctx))])
        answer = _complaints_text(ctx, found)
        answer.choices = menu_choices(ctx)
        return Transition([answer])
    applications = await repo(ctx).submitted_of(user_id)
    wanted = _asked_tracking_number(ctx)
    complaints: list[ComplaintView] = []
    if wanted:
        applications = [a for a in applications if (a.tracking_no or "").upper() == wanted.upper()]
        if not applications:
            text = ctx.msg("status.not_found", tracking=wanted)
            return Transition([Text(text=text, choices=menu_choices(ctx))])
    else:
        complaints = await ctx.ports.complaints.complaints_of(user_id, MAX_COMPLAINTS_SHOWN)
    drafts = await repo(ctx).drafts_of(user_id)
    replies: list[Reply] = []
    if not applications and not complaints:
        replies.append(Text(text=ctx.msg("complaints.none_either")))
    if applications:
        replies.append(Text(text=ctx.msg("status.intro", count=len(applications))))
        for app in applications[: 2 if complaints else 3]:
            case = await ctx.services.cases.for_citizen(app.tracking_no or "", user_id)
            replies.append(_card(ctx, app, case))
    if complaints:
        replies.append(_complaints_text(ctx, complaints))
    choices: list[Choice] = []
    if drafts:
        replies.append(Text(text=ctx.msg("status.drafts", count=len(drafts))))
        label = ctx.msg("application.choice.continue")
        choices.append(Choice(label=label, text=label))
    replies[-1].choices = [*choices, *menu_choices(ctx)][:13]
    return Transition(replies)


DIALOG: Dialog[NoData] = Dialog(
    name="status", start=start, intents=frozenset({"status"}), matcher=wants_complaint_status
)
