"""Complaints, deadline-reminder subscriptions and unanswered questions in the database
(the Complaints, Reminders and UnknownQuestions ports of core/ports.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import col, select

from core.complaints import ComplaintView, NewComplaint
from core.ports import PortUnavailable, Subscribed
from integrations.storage.db import Database
from integrations.storage.models.civic import Complaint, ReminderSubscription, SentReminder, next_serial
from integrations.storage.models.feedback import record_unknown

log = logging.getLogger(__name__)
NUMBER_ATTEMPTS = 3  # a clash on a new year's first number is retried


class ComplaintRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def file(self, complaint: NewComplaint, prefix: str, year_be: int) -> str:
        """Write the complaint and take its number in one transaction (retried on a number clash)."""
        try:
            return await self._file(complaint, prefix, year_be)
        except SQLAlchemyError as err:
            raise PortUnavailable("the complaint could not be saved") from err

    async def _file(self, complaint: NewComplaint, prefix: str, year_be: int) -> str:
        for attempt in range(NUMBER_ATTEMPTS):
            row = Complaint(
                reference="", category=complaint.category, description=complaint.description,
                photo_keys=list(complaint.photo_keys), latitude=complaint.latitude, longitude=complaint.longitude,
                address=complaint.address, contact_consent=complaint.contact_consent,
                line_user_id=complaint.line_user_id, created_at=complaint.created_at,
            )
            try:
                async with self.db.session() as session:
                    serial = await next_serial(session, prefix, year_be)
                    row.reference = f"{prefix}-{year_be}-{serial:06d}"
                    session.add(row)
                return row.reference
            except IntegrityError:
                if attempt == NUMBER_ATTEMPTS - 1:
                    raise
                log.info("complaint number clash, retrying")
        raise AssertionError("unreachable")  # pragma: no cover

    async def complaints_of(self, line_user_id: str, limit: int = 5) -> list[ComplaintView]:
        """The newest complaints of this LINE user (never anyone else's)."""
        if not line_user_id:
            return []
        query = (
            select(Complaint)
            .where(Complaint.line_user_id == line_user_id)
            .order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc())
            .limit(limit)
        )
        try:
            async with self.db.session() as session:
                rows = (await session.exec(query)).all()
        except SQLAlchemyError as err:
            raise PortUnavailable("complaints could not be read") from err
        return [ComplaintView(r.reference, r.category, r.status, r.created_at, r.description) for r in rows]


class ReminderRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def subscribe(self, chat_id: str, service_id: str, deadline_id: str, now: datetime,
                        sent_now: Callable[[int], Mapping[str, str]], year: int) -> Subscribed:
        async with self.db.session() as session:
            query = select(ReminderSubscription).where(
                ReminderSubscription.line_user_id == chat_id,
                ReminderSubscription.service_id == service_id,
                ReminderSubscription.deadline_id == deadline_id,
            )
            sub = (await session.exec(query)).first()
            already = sub is not None and not sub.opted_out
            if sub is None:
                sub = ReminderSubscription(line_user_id=chat_id, service_id=service_id, deadline_id=deadline_id,
                                           created_at=now)
            sub.opted_out, sub.opted_out_at = False, None
            session.add(sub)
            await session.flush()
            assert sub.id is not None
            # inside the window now: this answer is the reminder, the scheduler must not repeat it
            done = await session.exec(select(SentReminder.kind).where(
                SentReminder.subscription_id == sub.id, SentReminder.year == year))
            recorded = set(done.all())
            for kind, key in sent_now(sub.id).items():
                if kind not in recorded:
                    session.add(SentReminder(subscription_id=sub.id, year=year, kind=kind, retry_key=key,
                                             sent_at=now))
            return Subscribed(subscription_id=sub.id, already=already)

    async def active(self, chat_id: str) -> Sequence[ReminderSubscription]:
        async with self.db.session() as session:
            query = (
                select(ReminderSubscription)
                .where(ReminderSubscription.line_user_id == chat_id, col(ReminderSubscription.opted_out).is_(False))
                .order_by(col(ReminderSubscription.id))
            )
            return list((await session.exec(query)).all())

    async def opt_out(self, chat_id: str, subscription_id: int, now: datetime) -> ReminderSubscription | None:
        """Stop one subscription; someone else's is not found (rather than refused)."""
        async with self.db.session() as session:
            sub = await session.get(ReminderSubscription, subscription_id)
            if sub is None or sub.line_user_id != chat_id:
                return None
            if not sub.opted_out:
                sub.opted_out, sub.opted_out_at = True, now
                session.add(sub)
            return sub

    async def all_active(self) -> Sequence[ReminderSubscription]:
        async with self.db.session() as session:
            active = select(ReminderSubscription).where(col(ReminderSubscription.opted_out).is_(False))
            return list((await session.exec(active)).all())

    async def sent_in(self, year: int) -> set[tuple[int, str]]:
        async with self.db.session() as session:
            rows = await session.exec(select(SentReminder.subscription_id, SentReminder.kind)
                                      .where(SentReminder.year == year))
            return {(sub_id, kind) for sub_id, kind in rows.all()}

    async def record_sent(self, subscription_id: int, year: int, kinds: Sequence[str], key: str,
                          when: datetime) -> None:
        """Mark reminders as sent (idempotent: a row written by another instance is fine)."""
        for kind in kinds:
            try:
                async with self.db.session() as session:
                    session.add(SentReminder(subscription_id=subscription_id, year=year, kind=kind,
                                             retry_key=key, sent_at=when))
            except IntegrityError:
                log.debug("reminder %s/%s/%s already recorded", subscription_id, year, kind)


class UnknownQuestionLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, normalized: str, text: str, when: datetime) -> None:
        async with self.db.session() as session:
            await record_unknown(session, normalized, text, when)
