"""What the citizen's LINE shows after a case moves: one push of a Flex card (and its companions).

Every officer or payment transition becomes exactly one outbox row: the card (service,
tracking number, the new state in plain Thai, the officer's note, what to do next, buttons),
plus, in the same push, the officer's document links (`documents_sent`) or the QR image
(`fee_due`). Wording: knowledge/national/messages/cases.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, ImageReply, Reply, Text
from core.cases import CaseState
from core.thai_dates import thai_date
from knowledge.snapshot import KnowledgeSnapshot

S = CaseState
CASE_UPLOAD_ACTION = "case_upload"  # postback: start sending the requested documents (dialogs/case_uploads.py)
CASE_READ_ACTION = "case_read"  # postback: "I have read the officer's documents"
CASE_STATUS_ACTION = "status"  # the status intent's own postback (dialogs/status.py)


def msg(snapshot: KnowledgeSnapshot, key: str, /, **values: object) -> str:
    return snapshot.office_message(key, **values)


def baht(satang: int) -> str:
    """1,250 or 1,250.50 (no decimals for whole baht, as on Thai bills)."""
    value = Decimal(satang) / 100
    return f"{value:,.0f}" if satang % 100 == 0 else f"{value:,.2f}"


def state_text(snapshot: KnowledgeSnapshot, state: str) -> str:
    return msg(snapshot, f"case.state.{state}")


@dataclass(frozen=True)
class CaseNotice:
    """Everything a card needs, gathered by the case service after the move."""

    tracking: str
    service_name: str
    state: CaseState
    note: str | None = None
    documents: tuple[str, ...] = ()  # requested (fix/more) or sent (documents_sent: "name URL" or a URL)
    fee_satang: int | None = None
    due: date | None = None
    pay_url: str | None = None
    bill_url: str | None = None
    qr_url: str | None = None
    licence_url: str | None = None
    licence_expires: date | None = None
    paid_at: datetime | None = None


def _status_button(snapshot: KnowledgeSnapshot, tracking: str) -> Button:
    return Button(label=msg(snapshot, "case.button.status.label"), data=postback(CASE_STATUS_ACTION, t=tracking),
                  style="secondary")


def case_card(snapshot: KnowledgeSnapshot, notice: CaseNotice) -> list[Reply]:
    state = notice.state
    state_label = state_text(snapshot, state)
    fields = [(msg(snapshot, "case.card.tracking"), notice.tracking), (msg(snapshot, "case.card.state"), state_label)]
    due_text = thai_date(snapshot.message, notice.due) if notice.due else ""
    if state is S.fee_due and notice.fee_satang is not None:
        fields += [(msg(snapshot, "case.card.amount"),
                    msg(snapshot, "case.card.amount_value", amount=baht(notice.fee_satang))),
                   (msg(snapshot, "case.card.due"), due_text)]
    lines: list[str] = []
    if notice.note:
        lines.append(msg(snapshot, "case.card.note", note=notice.note))
    if state in {S.fix_uploads, S.more_documents} and notice.documents:
        lines.append(msg(snapshot, "case.card.requested"))
        lines += [f"• {name}" for name in notice.documents]
    if state is S.paid and notice.fee_satang is not None and notice.paid_at is not None:
        lines.append(msg(snapshot, "case.card.paid", amount=baht(notice.fee_satang),
                         when=thai_date(snapshot.message, notice.paid_at.date())))
    expires = thai_date(snapshot.message, notice.licence_expires) if notice.licence_expires else ""
    lines.append(msg(snapshot, f"case.next.{state}", due=due_text, expires=expires))

    buttons: list[Button] = []
    if state in {S.fix_uploads, S.more_documents}:
        buttons.append(Button(label=msg(snapshot, "case.button.upload.label"),
                              data=postback(CASE_UPLOAD_ACTION, t=notice.tracking)))
    elif state is S.documents_sent:
        buttons.append(Button(label=msg(snapshot, "case.button.read.label"),
                              data=postback(CASE_READ_ACTION, t=notice.tracking)))
    elif state is S.fee_due:
        if notice.pay_url:
            buttons.append(Button(label=msg(snapshot, "case.button.pay.label"), uri=notice.pay_url))
        if notice.bill_url:
            buttons.append(Button(label=msg(snapshot, "case.button.bill.label"), uri=notice.bill_url,
                                  style="secondary"))
    elif state is S.completed and notice.licence_url:
        buttons.append(Button(label=msg(snapshot, "case.button.licence.label"), uri=notice.licence_url))
    buttons.append(_status_button(snapshot, notice.tracking))

    card = Card(title=notice.service_name, subtitle=state_label, fields=fields, lines=lines, buttons=buttons,
                alt_text=msg(snapshot, "case.card.alt", service=notice.service_name, state=state_label,
                             tracking=notice.tracking))
    replies: list[Reply] = [card]
    if state is S.documents_sent and notice.documents:
        listed = "\n".join(f"{i}. {doc}" for i, doc in enumerate(notice.documents, 1))
        replies.append(Text(text=f"{msg(snapshot, 'case.card.documents', tracking=notice.tracking)}\n{listed}"))
    if state is S.fee_due and notice.qr_url and notice.fee_satang is not None:
        replies.append(ImageReply(url=notice.qr_url, preview_url=notice.qr_url))
    return replies


def fee_reminder(snapshot: KnowledgeSnapshot, notice: CaseNotice) -> list[Reply]:
    text = msg(snapshot, "case.remind.fee", amount=baht(notice.fee_satang or 0), tracking=notice.tracking,
               service=notice.service_name, due=thai_date(snapshot.message, notice.due) if notice.due else "")
    buttons = [Button(label=msg(snapshot, "case.button.pay.label"), uri=notice.pay_url)] if notice.pay_url else []
    buttons.append(_status_button(snapshot, notice.tracking))
    return [Card(title=notice.service_name, subtitle=state_text(snapshot, S.fee_due), lines=[text],
                 buttons=buttons, alt_text=text[:400])]


def idle_reminder(snapshot: KnowledgeSnapshot, notice: CaseNotice) -> list[Reply]:
    text = msg(snapshot, "case.remind.idle", tracking=notice.tracking, service=notice.service_name)
    lines = [text] + [f"• {name}" for name in notice.documents]
    return [Card(title=notice.service_name, subtitle=state_text(snapshot, notice.state), lines=lines,
                 buttons=[Button(label=msg(snapshot, "case.button.upload.label"),
                                 data=postback(CASE_UPLOAD_ACTION, t=notice.tracking)),
                          _status_button(snapshot, notice.tracking)],
                 alt_text=text[:400])]
