"""The dialog registry: the only place that sets precedence (see bot/runtime/dispatcher.py)."""

from __future__ import annotations

from typing import Any

from bot.transport.events import EventKind
from dialogs import (
    application,  # applications in the chat
    cancel,
    case_actions,  # cases: send requested documents, acknowledge, withdraw (card buttons)
    checklist,  # information: the citizen's document checklist
    complaint,  # civic: complaints
    drafts,  # applications: their drafts
    facts,  # information: fees, duration
    fallback,
    faq,  # information: FAQ answers
    handoff,
    language,  # English questions, emoji on their own
    menu,
    office,  # information: hours, open now, contact, location
    payment,  # information: where and how to pay
    portal_help,  # civic: BizPortal / DGA Connect help
    reminders,  # civic: deadline reminders
    service_info,  # information: the service card
    services_list,  # information: all services by category
    signboard,  # information: signboard tax estimate
    status,  # applications: where is my application
    welcome,
)
from dialogs.base import Dialog

# Checked before the active dialog, in this order.
GLOBAL_INTERRUPTS: tuple[Dialog[Any], ...] = (cancel.DIALOG, handoff.DIALOG)

# Entry points, first match wins.
REGISTRY: tuple[Dialog[Any], ...] = (
    reminders.DIALOG,  # "เตือนด้วย"/"เลิกแจ้งเตือน" name a service too: before the service dialogs
    menu.DIALOG,
    drafts.DIALOG,  # "ฉบับร่าง": list/delete drafts
    application.DIALOG,  # intent apply, a=apply&s=…, "ทำต่อ"
    portal_help.DIALOG,
    complaint.DIALOG,
    case_actions.DIALOG,  # a=case_upload|case_read|case_cancel&t=<tracking number> (case cards)
    status.DIALOG,  # intent status, a=status&t=<tracking number>, a pasted complaint reference
    language.DIALOG,  # emoji alone, English the NLU cannot place (after status: references are Latin)
    signboard.DIALOG,  # "คำนวณภาษีป้าย", a=sign_calc: before fees, which the words also match
    office.DIALOG,  # intent office_hours: before the FAQ, whose office answers cannot say "open now"
    faq.DIALOG,  # a confident FAQ match (documents/fees/duration only when very close)
    services_list.DIALOG,
    checklist.DIALOG,  # intent documents, a=documents/have/missing…, "ยังขาดอะไร"
    facts.DIALOG,  # intents fees, duration
    payment.DIALOG,  # intent payment: the knowledge base's payment channels
    service_info.DIALOG,  # intent service_info: the most general, last
)

# Events that are not messages but still get an answer.
SYSTEM_EVENTS: dict[EventKind, Dialog[Any]] = {EventKind.follow: welcome.DIALOG}

DEFAULT: Dialog[Any] = fallback.DIALOG

_BY_NAME: dict[str, Dialog[Any]] = {
    d.name: d for d in (*GLOBAL_INTERRUPTS, *REGISTRY, *SYSTEM_EVENTS.values(), DEFAULT)
}


def by_name(name: str) -> Dialog[Any] | None:
    return _BY_NAME.get(name)
