"""One-time codes by SMS to confirm a submission: stored as keyed hashes, sent through the SMS gateway.

The rules (NIST SP 800-63B, 5.1.3 out-of-band) and the outcomes are in core/otp.py.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import col, select

from core.otp import OtpRules, SendResult, SendStatus, VerifyResult, VerifyStatus, new_code, normalise_code
from integrations.sms import SmsError, SmsSender
from integrations.storage.db import Database
from integrations.storage.models.applications import Application, OtpChallenge
from integrations.storage.models.reliability import OtpFailureTotal
from integrations.storage.pii import PiiCipher

log = logging.getLogger(__name__)


class OtpService:
    def __init__(self, db: Database, sms: SmsSender, cipher: PiiCipher, rules: OtpRules,
                 clock: Callable[[], datetime]) -> None:
        self.db = db
        self.sms = sms
        self.cipher = cipher
        self.rules = rules
        self.clock = clock

    def _hash(self, salt: str, code: str) -> str:
        return hmac.new(self.cipher.otp_key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()

    async def _live(self, application_id: int) -> OtpChallenge | None:
        async with self.db.session() as session:
            return (await session.exec(
                select(OtpChallenge)
                .where(OtpChallenge.application_id == application_id, col(OtpChallenge.used_at).is_(None),
                       col(OtpChallenge.superseded_at).is_(None))
                .order_by(col(OtpChallenge.created_at).desc())
            )).first()

    async def _locked_until(self, application_id: int, now: datetime) -> datetime | None:
        async with self.db.session() as session:
            app = await session.get(Application, application_id)
        until = app.otp_locked_until if app else None
        return until if until is not None and until > now else None

    async def _blocked(self, application_id: int) -> bool:
        async with self.db.session() as session:
            total = await session.get(OtpFailureTotal, application_id)
        return total is not None and total.failures >= self.rules.max_total_failures

    async def send(self, application_id: int, phone: str, text_for: Callable[[str], str]) -> SendResult:
        """Send a new code to `phone`; `text_for(code)` builds the SMS text."""
        now = self.clock()
        if await self._blocked(application_id):
            return SendResult(SendStatus.blocked)
        until = await self._locked_until(application_id, now)
        if until is not None:
            return SendResult(SendStatus.locked, until=until)
        phone_index = self.cipher.index(phone)
        async with self.db.session() as session:
            last = (await session.exec(
                select(OtpChallenge).where(OtpChallenge.application_id == application_id)
                .order_by(col(OtpChallenge.created_at).desc())
            )).first()
            hour_ago = now - timedelta(hours=1)
            application = await session.get(Application, application_id)
            account = application.line_user_id if application else ""
            # only this LINE account's sends count: another account cannot spend this citizen's allowance
            of_account = (
                select(func.count(), func.min(OtpChallenge.created_at))
                .join(Application, col(Application.id) == col(OtpChallenge.application_id))
                .where(col(Application.line_user_id) == account, col(OtpChallenge.created_at) > hour_ago)
            )
            recent = (await session.exec(of_account.where(OtpChallenge.phone_index == phone_index))).one()
            recent_any = (await session.exec(of_account)).one()
        resend_after = timedelta(seconds=self.rules.resend_after_seconds)
        if last is not None and now - last.created_at < resend_after:
            wait = math.ceil((last.created_at + resend_after - now).total_seconds())
            return SendResult(SendStatus.too_soon, wait_seconds=wait)
        for (count, oldest), cap in ((recent, self.rules.max_sends_per_hour),
                                     (recent_any, self.rules.max_sends_per_hour_per_account)):
            if count >= cap:
                oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
                return SendResult(SendStatus.rate_limited, until=oldest + timedelta(hours=1))

        code, salt = new_code(), secrets.token_hex(16)
        try:
            await self.sms.send(phone, text_for(code))
        except SmsError:
            log.warning("OTP for application %s not sent: SMS gateway failed", application_id)
            return SendResult(SendStatus.failed)
        expires = now + timedelta(seconds=self.rules.ttl_seconds)
        async with self.db.session() as session:
            await session.exec(
                update(OtpChallenge)
                .where(col(OtpChallenge.application_id) == application_id, col(OtpChallenge.used_at).is_(None),
                       col(OtpChallenge.superseded_at).is_(None))
                .values(superseded_at=now)
            )
            session.add(OtpChallenge(application_id=application_id, phone_index=phone_index, salt=salt,
                                     code_hash=self._hash(salt, code), created_at=now, expires_at=expires))
        log.info("OTP sent for application %s", application_id)
        return SendResult(SendStatus.sent, expires_at=expires)

    async def verify(self, application_id: int, typed: str) -> VerifyResult:
        now = self.clock()
        if await self._blocked(application_id):
            return VerifyResult(VerifyStatus.blocked)
        until = await self._locked_until(application_id, now)
        if until is not None:
            return VerifyResult(VerifyStatus.locked, until=until)
        challenge = await self._live(application_id)
        if challenge is None:
            return VerifyResult(VerifyStatus.missing)
        if now >= challenge.expires_at:
            return VerifyResult(VerifyStatus.expired)
        code = normalise_code(typed) or ""
        if hmac.compare_digest(self._hash(challenge.salt, code), challenge.code_hash):
            async with self.db.session() as session:
                used = await session.exec(
                    update(OtpChallenge)
                    .where(col(OtpChallenge.id) == challenge.id, col(OtpChallenge.used_at).is_(None))
                    .values(used_at=now)
                )
                if used.rowcount == 1:
                    await session.exec(
                        update(Application).where(col(Application.id) == application_id).values(otp_failures=0)
                    )
                    await session.exec(
                        update(OtpFailureTotal).where(col(OtpFailureTotal.application_id) == application_id)
                        .values(failures=0, updated_at=now)
                    )
            if used.rowcount == 1:
                return VerifyResult(VerifyStatus.ok)
            return VerifyResult(VerifyStatus.missing)  # used a moment ago by a concurrent turn
        return await self._wrong(application_id, challenge, now)

    async def _wrong(self, application_id: int, challenge: OtpChallenge, now: datetime) -> VerifyResult:
        limit = self.rules.max_attempts
        async with self.db.session() as session:
            result = await session.exec(
                update(Application).where(col(Application.id) == application_id)
                .values(otp_failures=Application.otp_failures + 1).returning(col(Application.otp_failures))
            )
            failures = int(result.scalar_one())
            total = await session.get(OtpFailureTotal, application_id)
            if total is None:
                total = OtpFailureTotal(application_id=application_id, failures=0, updated_at=now)
            total.failures, total.updated_at = total.failures + 1, now
            session.add(total)
            if total.failures >= self.rules.max_total_failures:
                await session.exec(
                    update(OtpChallenge).where(col(OtpChallenge.id) == challenge.id).values(superseded_at=now)
                )
                log.warning("OTP blocked for application %s after %d wrong codes in total", application_id,
                            total.failures)
                return VerifyResult(VerifyStatus.blocked)
            if failures < limit:
                return VerifyResult(VerifyStatus.wrong, remaining=limit - failures)
            until = now + timedelta(seconds=self.rules.lock_seconds)
            await session.exec(
                update(Application).where(col(Application.id) == application_id)
                .values(otp_failures=0, otp_locked_until=until)
            )
            await session.exec(
                update(OtpChallenge).where(col(OtpChallenge.id) == challenge.id).values(superseded_at=now)
            )
        log.info("OTP locked for application %s after %d wrong codes", application_id, limit)
        return VerifyResult(VerifyStatus.locked, until=until)
