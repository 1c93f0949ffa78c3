"""OTP caps of issue 15 (NIST SP 800-63B 5.2.2): a total of wrong codes across lock windows, and
SMS allowances counted per LINE account so a stranger cannot use up a citizen's."""

from __future__ import annotations

import pytest

from bot.runtime.services import Services, otp_rules, pii_cipher
from core.otp import SendStatus, VerifyStatus
from integrations.sms.fake import FakeSms
from integrations.storage.otp import OtpService
from integrations.storage.repos_applications import ApplicationRepo
from tests.applications.helpers import PHONE, FakeClock

CITIZEN, STRANGER = "U" + "c" * 32, "U" + "5" * 32


@pytest.fixture
def otp(services: Services, clock: FakeClock) -> OtpService:
    return OtpService(services.db, services.sms, pii_cipher(services.settings), otp_rules(services.settings), clock)


async def application_of(services: Services, clock: FakeClock, user: str) -> int:
    repo = ApplicationRepo(services.db, pii_cipher(services.settings), clock)
    app = await repo.create_draft(user, "elderly_allowance", "เบี้ยยังชีพผู้สูงอายุ", None)
    assert app.id is not None
    return app.id


def text_for(code: str) -> str:
    return f"รหัส OTP {code}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_guessing_stops_for_good_after_100_wrong_codes_across_lock_windows(
    otp: OtpService, services: Services, clock: FakeClock, fake_sms: FakeSms
) -> None:
    app_id = await application_of(services, clock, CITIZEN)
    statuses: list[VerifyStatus] = []
    while len(statuses) < 120 and VerifyStatus.blocked not in statuses:
        sent = await otp.send(app_id, PHONE, text_for)
        if sent.status is not SendStatus.sent:  # a lock window or the hourly cap: wait it out
            clock.advance(hours=1)
            continue
        result = await otp.verify(app_id, wrong(fake_sms.last_code(PHONE)))
        statuses.append(result.status)
        clock.advance(seconds=61)
    assert len(statuses) == 100 and statuses[-1] is VerifyStatus.blocked
    assert VerifyStatus.locked in statuses  # it went through many lock windows first
    clock.advance(hours=24)
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.blocked
    assert (await otp.verify(app_id, "123456")).status is VerifyStatus.blocked
    fresh = await application_of(services, clock, CITIZEN)  # a new start gets codes again
    assert (await otp.send(fresh, PHONE, text_for)).status is SendStatus.sent


async def test_a_right_code_resets_the_total(otp: OtpService, services: Services, clock: FakeClock,
                                             fake_sms: FakeSms) -> None:
    app_id = await application_of(services, clock, CITIZEN)
    await otp.send(app_id, PHONE, text_for)
    assert (await otp.verify(app_id, wrong(fake_sms.last_code(PHONE)))).status is VerifyStatus.wrong
    assert (await otp.verify(app_id, fake_sms.last_code(PHONE))).status is VerifyStatus.ok
    async with services.db.engine.connect() as conn:
        from sqlalchemy import text

        assert (await conn.execute(text("SELECT failures FROM otp_failure_totals"))).scalar_one() == 0


async def test_a_stranger_typing_a_citizens_number_cannot_use_up_the_citizens_codes(
    otp: OtpService, services: Services, clock: FakeClock, fake_sms: FakeSms
) -> None:
    strangers_app = await application_of(services, clock, STRANGER)
    for _ in range(8):
        await otp.send(strangers_app, PHONE, text_for)
        clock.advance(seconds=61)
    assert (await otp.send(strangers_app, PHONE, text_for)).status is SendStatus.rate_limited
    citizens_app = await application_of(services, clock, CITIZEN)
    assert (await otp.send(citizens_app, PHONE, text_for)).status is SendStatus.sent


async def test_one_account_cannot_send_codes_to_number_after_number(
    otp: OtpService, services: Services, clock: FakeClock
) -> None:
    app_id = await application_of(services, clock, STRANGER)
    statuses = []
    for n in range(12):
        statuses.append((await otp.send(app_id, f"08123400{n:02d}", text_for)).status)
        clock.advance(seconds=61)
    assert statuses.count(SendStatus.sent) == services.settings.otp_max_sends_per_hour_per_account
    assert statuses[-1] is SendStatus.rate_limited
