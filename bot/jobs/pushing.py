"""A push outside a turn, with a retry key that makes a second attempt harmless."""

from __future__ import annotations

import logging

from bot.runtime.render import render_all
from bot.runtime.replies import Reply
from integrations.line.client import LineError, LineMessenger

log = logging.getLogger(__name__)
ALREADY_ACCEPTED = 409  # LINE has this retry key already: an earlier attempt got through


async def push_once(line: LineMessenger, to: str, replies: list[Reply], retry_key: str, what: str) -> bool:
    """Push `replies`; True when LINE has them (now or from an earlier attempt with the same key)."""
    try:
        await line.push(to, render_all(replies), retry_key=retry_key)
    except LineError as err:
        if err.status == ALREADY_ACCEPTED:
            return True
        log.warning("%s not sent: %s", what, err)
        return False
    return True
