"""The whole application through POST /callback, the fake LINE server and the fake SMS gateway."""

from __future__ import annotations

import logging
import re

import pytest

from bot.config import Settings
from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from tests.applications.helpers import (
    JPEG,
    PHONE,
    VALID_ID,
    FakeClock,
    WebhookChat,
    elderly_form,
    identity,
    photo,
    start_elderly,
    tap,
    to_review,
)
from tests.db_helpers import db_rows, everything_stored

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL


async def test_elderly_allowance_from_request_to_tracking_number(
    web: WebhookChat, fake_line: FakeLineServer, fake_sms: FakeSms, settings: Settings, services: Services,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    notice = await web.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    assert "การลงทะเบียนและยื่นคำขอรับเงินเบี้ยยังชีพผู้สูงอายุ" in notice.text
    for part in ("ข้อมูลที่เก็บ", "เก็บเพื่อ", "ภารกิจของรัฐ", "ระยะเวลาเก็บ", "ผู้เห็นข้อมูล", "1.0-2568"):
        assert part in notice.text
    asked = await tap(web, "ยอมรับ")
    assert "ชื่อและนามสกุล" in asked.text
    await identity(web)
    await elderly_form(web)
    await photo(web, fake_line)
    review = await photo(web, fake_line)
    assert "✓ ได้รับเอกสารแล้วค่ะ (2/2)" in review.text
    for shown in ("นายสมชาย ใจดี", "1-1017-00203-45-0", "081-234-5678", "12 มีนาคม 2500", "รับเงินสดด้วยตนเอง"):
        assert shown in review.text
    labels = [a.label for a in review.actions]
    assert {"แก้ไขข้อมูลผู้ยื่น", "แก้ไขรายละเอียด", "แก้ไขเอกสาร", "ยืนยันและส่งคำขอ"} <= set(labels)

    sent = await tap(web, "ยืนยันและส่งคำขอ")
    assert "08X-XXX-5678" in sent.text and PHONE not in sent.text
    assert len(fake_sms.sent) == 1 and fake_sms.sent[0][0] == PHONE
    code = fake_sms.last_code(PHONE)
    done = await web.text(code)
    assert "ยื่นคำขอเรียบร้อยแล้ว" in done.text
    assert "TJL-2569-000001" in done.text

    status, tracking, step = (await db_rows(services.db, "SELECT status, tracking_no, step FROM applications"))[0]
    assert (status, tracking, step) == ("submitted", "TJL-2569-000001", None)
    consent = await db_rows(services.db, "SELECT accepted, notice_version, decided_at FROM consents")
    assert consent[0][:2] == (1, "1.0-2568") and consent[0][2]
    docs = await db_rows(services.db, "SELECT status, content_type, size_bytes FROM application_documents")
    assert docs == [("received", "image/jpeg", len(JPEG))] * 2
    history = await db_rows(services.db, "SELECT from_status, to_status FROM application_status_changes ORDER BY id")
    assert history == [(None, "draft"), ("draft", "submitted")]

    raw = await everything_stored(services.db)
    assert VALID_ID.encode() not in raw and PHONE.encode() not in raw and code.encode() not in raw
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (VALID_ID, "1-1017-00203-45-0", PHONE, "081-234-5678", code):
        assert secret not in logged


async def test_wrong_national_ids_get_clear_answers_and_nothing_typed_is_lost(
    web: WebhookChat, fake_line: FakeLineServer
) -> None:
    await start_elderly(web)
    await web.text("นายสมชาย ใจดี")
    short = await web.text("110170020345")
    assert "มี 12 หลัก" in short.text and "13 หลัก" in short.text
    letters = await web.text("1101-ABC-02034-5-0")
    assert "ตัวเลข 13 หลัก" in letters.text
    checksum = await web.text("1 1017 00203 45 1")
    assert "1-1017-00203-45-1" in checksum.text and "ไม่ใช่เลขประจำตัวประชาชนที่ถูกต้อง" in checksum.text
    assert "13 หลัก" in checksum.text  # the question again
    landline = await web.text(VALID_ID)
    assert "บันทึกเลขประจำตัวประชาชน 1-1017-00203-45-0" in landline.text
    wrong_phone = await web.text("02-123-4567")
    assert "เบอร์บ้าน" in wrong_phone.text
    await web.text(PHONE)
    await web.text("12 หมู่ 5 ต.ท่าจะหลุง อ.โชคชัย จ.นครราชสีมา")
    bad_date = await web.text("สิบสอง")
    assert "อ่านวันที่ไม่ออก" in bad_date.text
    await elderly_form(web)
    await photo(web, fake_line)
    review = await photo(web, fake_line)
    assert "นายสมชาย ใจดี" in review.text and "1-1017-00203-45-0" in review.text


async def test_oversized_and_wrong_files_get_clear_answers(web: WebhookChat, fake_line: FakeLineServer,
                                                          services: Services, settings: Settings) -> None:
    await start_elderly(web)
    await identity(web)
    await elderly_form(web)
    big_file = await web.file("scan.pdf", size=11 * 1024 * 1024)
    assert "ใหญ่เกิน 10 MB" in big_file.text and "เอกสาร 1/2" in big_file.text
    big_photo = await web.image(JPEG + b"\x00" * (10 * 1024 * 1024))
    assert "ใหญ่เกิน 10 MB" in big_photo.text
    gif = await web.image(b"GIF89a" + b"\x00" * 100, "image/gif")
    assert "JPG, PNG" in gif.text and "เอกสาร 1/2" in gif.text
    typed = await web.text("เดี๋ยวส่งนะ")
    assert "รูปถ่ายหรือไฟล์ PDF" in typed.text
    pdf = await web.file("id-card.pdf")
    assert "(1/2)" in pdf.text and "เอกสาร 2/2" in pdf.text
    assert await db_rows(services.db, "SELECT count(*) FROM application_documents") == [(1,)]


async def test_five_wrong_codes_lock_the_application_for_fifteen_minutes(
    web: WebhookChat, fake_line: FakeLineServer, fake_sms: FakeSms, clock: FakeClock, settings: Settings,
    services: Services,
) -> None:
    await to_review(web, fake_line)
    await tap(web, "ยืนยันและส่งคำขอ")
    code = fake_sms.last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for remaining in (4, 3, 2, 1):
        answer = await web.text(wrong)
        assert f"ลองได้อีก {remaining} ครั้ง" in answer.text
    locked = await web.text(wrong)
    assert "พักการยืนยันคำขอนี้" in locked.text and "10:15" in locked.text  # 10:00 Bangkok + 15 min
    again = await tap(web, "ลองส่งอีกครั้ง")
    assert "พักการยืนยันคำขอนี้" in again.text and len(fake_sms.sent) == 1
    assert await db_rows(services.db, "SELECT status FROM applications") == [("draft",)]

    clock.advance(minutes=15, seconds=1)
    await tap(web, "ลองส่งอีกครั้ง")
    assert len(fake_sms.sent) == 2
    assert "TJL-2569-000001" in (await web.text(fake_sms.last_code())).text


async def test_the_first_code_no_longer_works_once_the_applicant_is_submitted(
    web: WebhookChat, fake_line: FakeLineServer, fake_sms: FakeSms
) -> None:
    await to_review(web, fake_line)
    await tap(web, "ยืนยันและส่งคำขอ")
    code = fake_sms.last_code()
    assert "TJL-2569-000001" in (await web.text(code)).text
    replay = await web.text(code)
    assert "TJL-2569" not in replay.text


async def test_sms_gateway_down_keeps_the_application_a_draft(
    web: WebhookChat, fake_line: FakeLineServer, fake_sms: FakeSms, settings: Settings, services: Services
) -> None:
    await to_review(web, fake_line)
    fake_sms.fail_next(1)
    failed = await tap(web, "ยืนยันและส่งคำขอ")
    assert "ระบบส่ง SMS ขัดข้อง" in failed.text and "ฉบับร่าง" in failed.text
    assert await db_rows(services.db, "SELECT status FROM applications") == [("draft",)]
    retried = await tap(web, "ลองส่งอีกครั้ง")
    assert "08X-XXX-5678" in retried.text
    assert "TJL-2569-000001" in (await web.text(fake_sms.last_code())).text


async def test_a_draft_resumes_where_it_stopped_after_a_restart(
    services: Services, settings: Settings, fake_line: FakeLineServer, fake_sms: FakeSms, user_id: str,
    knowledge_store: object, nlu_service: object,
) -> None:
    import httpx

    from app import create_app
    from bot.runtime.kv import MemoryStore
    from bot.runtime.services import build_services
    from tests.applications.helpers import FakeClock as Clock

    async def run(svc: Services, steps: object) -> WebhookChat:
        svc.clock = Clock()
        application = create_app(services=svc)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
                chat = WebhookChat(http, application, fake_line, user_id)
                await steps(chat)  # type: ignore[operator]
                return chat

    async def first_half(chat: WebhookChat) -> None:
        await start_elderly(chat)
        await identity(chat)
        await chat.text("12 มีนาคม 2500")
        asked = await tap(chat, "4. โอนเข้าบัญชีเงิน…")
        assert "ข้อ 3/4" in asked.text  # a transfer to the proxy's account: the bank account is asked

    await run(services, first_half)  # the app shuts down: sessions (in memory) are gone

    fresh = build_services(settings, store=MemoryStore(), knowledge=knowledge_store,  # type: ignore[arg-type]
                           nlu=nlu_service, sms=fake_sms)  # type: ignore[arg-type]

    async def second_half(chat: WebhookChat) -> None:
        resumed = await chat.text("ทำต่อ")
        assert "ต่อจากที่ค้างไว้" in resumed.text and "ข้อ 3/4" in resumed.text
        await chat.text("กรุงไทย 123-4-56789-0")
        first_doc = await tap(chat, "ไม่ใช่")  # other state benefit; the conditions follow from the payment method
        assert "เอกสาร 1/5" in first_doc.text, first_doc.text
        for _ in range(4):
            await photo(chat, fake_line)
        review = await photo(chat, fake_line)
        assert "นายสมชาย ใจดี" in review.text and "12 มีนาคม 2500" in review.text
        await tap(chat, "ยืนยันและส่งคำขอ")
        done = await chat.text(fake_sms.last_code())
        assert "TJL-2569-000001" in done.text

    await run(fresh, second_half)
    assert re.search(r"ทำคำขอเบี้ยยังชีพผู้สูงอายุต่อ", "\n".join(fake_line.texts_to(user_id)))
