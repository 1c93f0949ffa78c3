"""The dialog registry: the only place that sets precedence (see bot/dispatcher.py)."""

from __future__ import annotations

from typing import Any

from bot.events import EventKind
from dialogs import cancel, fallback, handoff, menu, welcome
from dialogs.base import Dialog

# Checked before the active dialog, in this order.
GLOBAL_INTERRUPTS: tuple[Dialog[Any], ...] = (cancel.DIALOG, handoff.DIALOG)

# Entry points, first match wins.
REGISTRY: tuple[Dialog[Any], ...] = (menu.DIALOG,)

# Events that are not messages but still get an answer.
SYSTEM_EVENTS: dict[EventKind, Dialog[Any]] = {EventKind.follow: welcome.DIALOG}

DEFAULT: Dialog[Any] = fallback.DIALOG

_BY_NAME: dict[str, Dialog[Any]] = {
    d.name: d for d in (*GLOBAL_INTERRUPTS, *REGISTRY, *SYSTEM_EVENTS.values(), DEFAULT)
}


def by_name(name: str) -> Dialog[Any] | None:
    return _BY_NAME.get(name)
