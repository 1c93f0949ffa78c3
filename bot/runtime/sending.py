"""Deliver a turn's replies: the reply token first, push for the rest or when the token is spent.

Retry keys are derived from the event id and the batch number (UUIDv5), so a
send retried after a crash, or for a redelivered event, reuses the same key and
LINE accepts it at most once.

Nothing is sent twice (issue 15): a reply has no retry key, so a reply whose outcome is
unknown (LINE answered 5xx, or nothing before the timeout) is never repeated as a push;
it is logged. Before the reply token is used, what is about to be sent is written to the
journal (when there is one), so a crash mid-send is resumed by `resume`: the same reply
token once more (single-use, so LINE refuses it if the first arrived) and pushes with the
same retry keys.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from bot.runtime.render import LineMessage, batches, render_all
from bot.runtime.replies import Reply
from bot.transport.events import InboundEvent
from core.masking import mask_line_id as mask_id
from integrations.line.client import LineError, LineMessenger, ReplyOutcomeUnknown, ReplyTokenInvalid
from integrations.storage.db import Database

log = logging.getLogger(__name__)
RETRY_KEY_NAMESPACE = uuid.UUID("6f1c1f4e-3d8b-4f7e-9a51-8f0d2f7f4c11")


def retry_key(event_id: str, batch: int) -> str:
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{event_id}:{batch}"))


class AnswerJournal(Protocol):
    async def answering(self, event_id: str, messages: str, reply_attempted: bool) -> None: ...


ANSWER_PURPOSE = "answer"  # outbox rows holding a turn's answer that LINE did not take in time


def _worth_retrying(err: LineError) -> bool:
    """A push that may succeed later (LINE down, throttling, no connection); other 4xx are final."""
    return err.status is None or err.status >= 500 or err.status == 429


class ReplySender:
    def __init__(self, line: LineMessenger, journal: AnswerJournal | None = None,
                 outbox_db: Database | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self._line = line
        self.journal = journal
        self.outbox_db = outbox_db  # set: pushes LINE does not take now go to the persisted outbox
        self._clock = clock or (lambda: datetime.now(UTC))

    async def send(self, event: InboundEvent, replies: list[Reply]) -> None:
        messages = render_all(replies)
        if not messages:
            return
        await self.send_messages(event, messages)

    async def send_messages(self, event: InboundEvent, messages: list[LineMessage]) -> None:
        chunks = batches(messages)
        if self.journal is not None:
            await self.journal.answering(event.event_id, json.dumps(messages, ensure_ascii=False),
                                         reply_attempted=bool(event.reply_token))
        start = 0
        if event.reply_token:
            try:
                await self._line.reply(event.reply_token, chunks[0])
                start = 1
            except ReplyTokenInvalid:
                log.info("reply token spent for %s: pushing instead", event.event_id)
            except ReplyOutcomeUnknown as err:
                # LINE may have delivered it; a push now could show the citizen the answer twice
                log.warning("reply outcome unknown for %s (%s): not sent again", event.event_id, err)
                start = 1
            except LineError as err:
                log.warning("reply failed for %s (%s): pushing instead", event.event_id, err)
        await self._push_from(event, chunks, start)

    async def resume(self, event: InboundEvent, messages: list[LineMessage], reply_attempted: bool) -> None:
        """Finish a send interrupted by a crash: what may not have arrived, and nothing twice.

        A reply token is single-use, so replying again with the same token is safe: LINE refuses
        it if the first reply arrived. That refusal is never turned into a push (the token may
        also have expired during a long outage; the answer is then lost, and logged).
        """
        chunks = batches(messages)
        start = 0
        if reply_attempted and event.reply_token:
            start = 1
            try:
                await self._line.reply(event.reply_token, chunks[0])
                log.info("resumed %s: the reply had not arrived, sent now", event.event_id)
            except ReplyTokenInvalid:
                log.warning("resumed %s: reply token already used or expired; not pushed", event.event_id)
            except LineError as err:
                log.warning("resumed %s: reply failed (%s); not pushed", event.event_id, err)
        await self._push_from(event, chunks, start)

    async def _push_from(self, event: InboundEvent, chunks: list[list[LineMessage]], start: int) -> None:
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
                if self.outbox_db is not None and _worth_retrying(err):
                    await self._to_outbox(event, target, chunks, index)
                    return
                log.error("push to %s failed for good: %s", mask_id(target), err)
                return

    async def _to_outbox(self, event: InboundEvent, target: str, chunks: list[list[LineMessage]],
                         first: int) -> None:
        """Hand the rest of the answer to the outbox (minutes of retries, same retry keys) and move on."""
        assert self.outbox_db is not None
        from bot.office.outbox import enqueue  # the office side's outbox; imported late to keep start-up light

        now = self._clock()
        try:
            async with self.outbox_db.session() as session:
                for index in range(first, len(chunks)):
                    enqueue(session, target, chunks[index], purpose=ANSWER_PURPOSE, now=now,
                            retry_key=retry_key(event.event_id, index))
        except Exception as exc:  # e.g. the same answer queued before a crash (unique retry key)
            log.error("answer for %s not handed to the outbox: %s", event.event_id, type(exc).__name__)
            return
        log.warning("LINE did not take the answer to %s now: %d batch(es) left to the outbox",
                    event.event_id, len(chunks) - first)
