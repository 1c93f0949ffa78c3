"""The last few turns of a conversation, kept in the session so a handoff ticket can show
the officer what was said before the citizen asked for a person.

Digit runs of six or more (an OTP, a national ID, a phone number typed into a form) are
masked before they are kept: the officer needs the gist, not the secrets.
"""

from __future__ import annotations

import re

from bot.runtime.replies import Card, Carousel, Flex, Reply, Text
from bot.runtime.sessions import Session
from bot.transport.events import EventKind, InboundEvent

KEEP_TURNS = 12
MAX_CHARS = 300
_LONG_DIGITS = re.compile(r"\d[\d\- ]{4,}\d")


def _mask(text: str) -> str:
    return _LONG_DIGITS.sub(lambda m: "*" * max(0, len(m.group(0)) - 2) + m.group(0)[-2:], text)


def said_by_citizen(event: InboundEvent) -> str | None:
    if event.kind is EventKind.text:
        return event.text or ""
    if event.kind is EventKind.postback:
        return None  # a button: the bot's answer says what it was
    if event.kind in {EventKind.image, EventKind.file, EventKind.sticker, EventKind.location}:
        return f"[{event.kind.value}]"
    return None


def reply_summary(reply: Reply) -> str | None:
    if isinstance(reply, Text):
        return reply.text
    if isinstance(reply, Card):
        return " · ".join([reply.title, *reply.lines])
    if isinstance(reply, Carousel | Flex):
        return reply.alt_text
    return None


def note_turn(session: Session, event: InboundEvent, replies: list[Reply]) -> None:
    entries = list(session.recent)
    said = said_by_citizen(event)
    if said:
        entries.append({"from": "citizen", "text": _mask(said)[:MAX_CHARS]})
    for reply in replies:
        summary = reply_summary(reply)
        if summary:
            entries.append({"from": "bot", "text": _mask(summary)[:MAX_CHARS]})
    session.recent = entries[-KEEP_TURNS:]
