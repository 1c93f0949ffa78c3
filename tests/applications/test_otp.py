"""OTP rules (NIST SP 800-63B): hashed, 5 minutes, single use, 5 tries then a 15-minute lock,
resend after 60 s invalidates the previous code, 5 codes per number per hour, never logged."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from bot.runtime.services import Services, otp_rules, pii_cipher
from core.otp import SendStatus, VerifyStatus, new_code, normalise_code
from integrations.sms.fake import FakeSms
from integrations.storage.models.applications import OtpChallenge
from integrations.storage.otp import OtpService
from integrations.storage.repos_applications import ApplicationRepo
from tests.applications.helpers import PHONE, FakeClock


def text_for(code: str) -> str:
    return f"รหัส OTP {code}"


@pytest.fixture
def otp(services: Services, clock: FakeClock) -> OtpService:
    return OtpService(services.db, services.sms, pii_cipher(services.settings), otp_rules(services.settings), clock)


async def new_application(services: Services, clock: FakeClock) -> int:
    repo = ApplicationRepo(services.db, pii_cipher(services.settings), clock)
    app = await repo.create_draft("U" + "0" * 32, "elderly_allowance", "เบี้ยยังชีพผู้สูงอายุ", None)
    assert app.id is not None
    return app.id


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_codes_are_six_random_digits_and_typed_forms_are_read() -> None:
    codes = {new_code() for _ in range(200)}
    assert all(re.fullmatch(r"\d{6}", c) for c in codes) and len(codes) > 190
    assert normalise_code("123 456") == "123456"
    assert normalise_code("๑๒๓๔๕๖") == "123456"
    assert normalise_code("12345") is None and normalise_code("1234567") is None
    assert normalise_code("รหัส 123456") is None


async def test_only_a_salted_hmac_of_the_code_is_stored(otp: OtpService, services: Services, clock: FakeClock,
                                                        fake_sms: FakeSms) -> None:
    app_id = await new_application(services, clock)
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.sent
    code = fake_sms.last_code(PHONE)
    async with services.db.session() as session:
        row = (await session.exec(OtpChallenge.__table__.select())).one()  # type: ignore[call-overload]
    stored = " ".join(str(v) for v in row)
    assert code not in stored and PHONE not in stored
    assert len(row.code_hash) == 64 and len(row.salt) == 32


async def test_a_code_is_valid_five_minutes_and_only_once(otp: OtpService, services: Services, clock: FakeClock,
                                                         fake_sms: FakeSms) -> None:
    app_id = await new_application(services, clock)
    await otp.send(app_id, PHONE, text_for)
    clock.advance(minutes=5)
    assert (await otp.verify(app_id, fake_sms.last_code())).status is VerifyStatus.expired
    clock.advance(seconds=1)
    await otp.send(app_id, PHONE, text_for)
    code = fake_sms.last_code()
    clock.advance(minutes=4, seconds=59)
    assert (await otp.verify(app_id, code)).status is VerifyStatus.ok
    assert (await otp.verify(app_id, code)).status is VerifyStatus.missing


async def test_five_wrong_codes_lock_for_fifteen_minutes(otp: OtpService, services: Services, clock: FakeClock,
                                                        fake_sms: FakeSms) -> None:
    app_id = await new_application(services, clock)
    await otp.send(app_id, PHONE, text_for)
    code = fake_sms.last_code()
    results = [await otp.verify(app_id, wrong(code)) for _ in range(5)]
    assert [r.remaining for r in results[:4]] == [4, 3, 2, 1]
    assert results[4].status is VerifyStatus.locked
    assert results[4].until == clock.now + timedelta(minutes=15)
    assert (await otp.verify(app_id, code)).status is VerifyStatus.locked  # even the right code
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.locked
    clock.advance(minutes=15)
    assert (await otp.verify(app_id, code)).status is VerifyStatus.missing  # the locked code is gone
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.sent
    assert (await otp.verify(app_id, fake_sms.last_code())).status is VerifyStatus.ok


async def test_resend_waits_sixty_seconds_and_invalidates_the_previous_code(
    otp: OtpService, services: Services, clock: FakeClock, fake_sms: FakeSms
) -> None:
    app_id = await new_application(services, clock)
    await otp.send(app_id, PHONE, text_for)
    first = fake_sms.last_code()
    clock.advance(seconds=30)
    soon = await otp.send(app_id, PHONE, text_for)
    assert soon.status is SendStatus.too_soon and soon.wait_seconds == 30
    clock.advance(seconds=30)
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.sent
    second = fake_sms.last_code()
    if first != second:
        assert (await otp.verify(app_id, first)).status is VerifyStatus.wrong
    assert (await otp.verify(app_id, second)).status is VerifyStatus.ok


async def test_at_most_five_codes_per_number_per_hour(otp: OtpService, services: Services, clock: FakeClock,
                                                     fake_sms: FakeSms) -> None:
    apps = [await new_application(services, clock) for _ in range(3)]
    statuses = []
    for i in range(6):
        statuses.append((await otp.send(apps[i % 3], PHONE, text_for)).status)
        clock.advance(seconds=61)
    assert statuses == [SendStatus.sent] * 5 + [SendStatus.rate_limited]
    assert len(fake_sms.sent) == 5
    other = await otp.send(apps[0], "0898765432", text_for)
    assert other.status is SendStatus.sent  # the limit is per number
    clock.advance(minutes=60)
    assert (await otp.send(apps[1], PHONE, text_for)).status is SendStatus.sent


async def test_a_gateway_failure_is_reported_and_no_code_is_kept(
    otp: OtpService, services: Services, clock: FakeClock, fake_sms: FakeSms
) -> None:
    app_id = await new_application(services, clock)
    fake_sms.fail_next()
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.failed
    assert (await otp.verify(app_id, "123456")).status is VerifyStatus.missing
    assert (await otp.send(app_id, PHONE, text_for)).status is SendStatus.sent  # no 60 s wait after a failure


async def test_codes_and_numbers_never_reach_the_logs(otp: OtpService, services: Services, clock: FakeClock,
                                                      fake_sms: FakeSms, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app_id = await new_application(services, clock)
    await otp.send(app_id, PHONE, text_for)
    code = fake_sms.last_code()
    for _ in range(5):
        await otp.verify(app_id, wrong(code))
    fake_sms.fail_next()
    clock.advance(minutes=16)
    await otp.send(app_id, PHONE, text_for)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "OTP sent for application" in logged and "locked" in logged
    assert code not in logged and wrong(code) not in logged and PHONE not in logged
