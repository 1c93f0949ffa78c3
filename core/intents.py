"""The intents the bot understands: one list for the NLU, the knowledge validator and the dialogs."""

from __future__ import annotations

# the order is the one reports print (confusion tables); the set answers "is this an intent?"
INTENTS_IN_ORDER: tuple[str, ...] = (
    "greeting", "thanks", "help", "list_services", "service_info", "documents", "fees", "duration",
    "office_hours", "apply", "status", "payment", "complaint", "handoff", "cancel", "portal_help", "unknown",
)  # fmt: skip
INTENTS: frozenset[str] = frozenset(INTENTS_IN_ORDER)
