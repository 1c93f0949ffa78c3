"""Deliver a turn's replies: the reply token first, push for the rest or when the token is spent.

Retry keys are derived from the event id and the batch number (UUIDv5), so a
send retried after a crash, or for a redelivered event, reuses the same key and
LINE accepts it at most once.
"""

from __future__ import annotations

import logging
import uuid

from bot.runtime.render import LineMessage, batches, render_all
from bot.runtime.replies import Reply
from bot.transport.events import InboundEvent
from core.masking import mask_line_id as mask_id
from integrations.line.client import LineError, LineMessenger, ReplyTokenInvalid

log = logging.getLogger(__name__)
RETRY_KEY_NAMESPACE = uuid.UUID("6f1c1f4e-3d8b-4f7e-9a51-8f0d2f7f4c11")


def retry_key(event_id: str, batch: int) -> str:
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{event_id}:{batch}"))


class ReplySender:
    def __init__(self, line: LineMessenger) -> None:
        self._line = line

    async def send(self, event: InboundEvent, replies: list[Reply]) -> None:
        messages = render_all(replies)
        if not messages:
            return
        await self.send_messages(event, messages)

    async def send_messages(self, event: InboundEvent, messages: list[LineMessage]) -> None:
        chunks = batches(messages)
        start = 0
        if event.reply_token:
            try:
                await self._line.reply(event.reply_token, chunks[0])
                start = 1
            except ReplyTokenInvalid:
                log.info("reply token spent for %s: pushing instead", event.event_id)
            except LineError as err:
                log.warning("reply failed for %s (%s): pushing instead", event.event_id, err)
        target = event.reply_to
        if target is None:
            if start < len(chunks):
                log.warning("event %s has no push target; %d message batches dropped", event.event_id,
                            len(chunks) - start)
            return
        for index in range(start, len(chunks)):
            try:
                await self._line.push(target, chunks[index], retry_key=retry_key(event.event_id, index))
            except LineError as err:
                log.error("push to %s failed for good: %s", mask_id(target), err)
                return
