"""Application conversations through the Simulator (same processor, dispatcher and rendering)."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import Services, build_services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from integrations.storage.models.applications import Application, Consent
from tests.applications.helpers import (
    OTHER_VALID_ID,
    FakeClock,
    elderly_form,
    identity,
    photo,
    start_elderly,
    tap,
    to_review,
)


async def all_rows(services: Services, model: type) -> list:  # type: ignore[type-arg]
    async with services.db.session() as session:
        return list((await session.exec(model.__table__.select())).all())  # type: ignore[attr-defined]


async def submit(sim: Simulator, fake_sms: FakeSms) -> str:
    await tap(sim, "ยืนยันและส่งคำขอ")
    return (await sim.text(fake_sms.last_code())).text


async def test_a_second_application_reuses_the_saved_identity_after_asking(
    sim: Simulator, fake_line: FakeLineServer, fake_sms: FakeSms, clock: FakeClock
) -> None:
    await to_review(sim, fake_line)
    assert "TJL-2569-000001" in await submit(sim, fake_sms)

    notice = await sim.text("ขอลงทะเบียนเบี้ยคนพิการ")
    assert "เบี้ยความพิการ" in notice.text or "คนพิการ" in notice.text
    offered = await tap(sim, "ยอมรับ")
    assert "ใช้ข้อมูลผู้ยื่นเดิมไหม" in offered.text
    assert "นายสมชาย ใจดี" in offered.text and "1-1017-00203-45-0" in offered.text
    form = await tap(sim, "ใช้ข้อมูลนี้")
    assert "ใช้ข้อมูลผู้ยื่นเดิมแล้ว" in form.text and "ข้อ 1/" in form.text


async def test_editing_the_identity_keeps_every_value_not_changed(
    sim: Simulator, fake_line: FakeLineServer, fake_sms: FakeSms, clock: FakeClock
) -> None:
    await to_review(sim, fake_line)
    name = await tap(sim, "แก้ไขข้อมูลผู้ยื่น")
    assert "(ข้อมูลเดิม: นายสมชาย ใจดี)" in name.text
    await tap(sim, "ใช้ข้อมูลเดิม")
    changed = await sim.text(OTHER_VALID_ID)
    assert "3-1005-03377-77-9" in changed.text
    await tap(sim, "ใช้ข้อมูลเดิม")  # phone
    review = await tap(sim, "ใช้ข้อมูลเดิม")  # address
    assert "ตรวจสอบคำขอก่อนยื่น" in review.text
    assert "3-1005-03377-77-9" in review.text and "นายสมชาย ใจดี" in review.text and "081-234-5678" in review.text
    assert "TJL-2569-000001" in await submit(sim, fake_sms)


async def test_editing_the_form_from_the_review_walks_the_fields_with_their_answers(
    sim: Simulator, fake_line: FakeLineServer, clock: FakeClock
) -> None:
    await to_review(sim, fake_line)
    first = await tap(sim, "แก้ไขรายละเอียด")
    assert "ข้อ 1/4" in first.text and "(ข้อมูลเดิม: 12 มีนาคม 2500)" in first.text
    await sim.text("1/1/2501")
    await tap(sim, "ใช้ข้อมูลเดิม")  # payment method: cash, so the bank account is not walked
    review = await tap(sim, "ใช้ข้อมูลเดิม")
    assert "1 มกราคม 2501" in review.text and "รับเงินสดด้วยตนเอง" in review.text
    assert "ธนาคารและเลขที่บัญชี" not in review.text


async def test_an_unknown_service_is_asked_with_categories(sim: Simulator, clock: FakeClock) -> None:
    which = await sim.text("ยื่นคำขอ")
    assert "ยื่นคำขอเรื่องใด" in which.text
    services = await tap(sim, "สวัสดิการ")
    assert "เบี้ยความพิการ" in [a.label for a in services.actions]
    notice = await sim.choose("เบี้ยยังชีพผู้สูงอา")
    assert "ข้อมูลส่วนบุคคล" in notice.text and "เบี้ยยังชีพผู้สูงอายุ" in notice.text


async def test_declining_the_notice_stores_nothing_but_the_decision(
    sim: Simulator, services: Services, clock: FakeClock
) -> None:
    await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    declined = await tap(sim, "ไม่ยอมรับ")
    assert "ไม่ได้เก็บข้อมูล" in declined.text
    assert await all_rows(services, Application) == []
    consents = await all_rows(services, Consent)
    assert [(c.accepted, c.notice_version, c.application_id) for c in consents] == [(False, "1.0-2568", None)]


async def test_drafts_are_listed_and_one_can_be_deleted_with_its_files(
    sim: Simulator, services: Services, fake_line: FakeLineServer, settings: Settings, clock: FakeClock
) -> None:
    await start_elderly(sim)
    await identity(sim)
    await elderly_form(sim)
    await photo(sim, fake_line)
    uploads = list(Path(settings.storage_dir).rglob("*.jpg"))
    assert len(uploads) == 1
    await sim.text("ยกเลิก")
    listed = await sim.text("ฉบับร่าง")
    assert "ยังทำไม่เสร็จ 1 รายการ" in listed.text and "ส่งเอกสาร" in listed.text
    confirm = await tap(sim, "ลบฉบับร่าง")
    assert "ลบฉบับร่างคำขอเบี้ยยังชีพผู้สูงอายุ" in confirm.text
    done = await tap(sim, "ใช่")
    assert "ลบฉบับร่างเรียบร้อยแล้ว" in done.text
    (app,) = await all_rows(services, Application)
    assert app.status == "withdrawn" and app.national_id_enc is None and app.applicant_name is None
    assert list(Path(settings.storage_dir).rglob("*.jpg")) == []
    nothing = await sim.text("ทำต่อ")
    assert "ไม่มีคำขอที่ค้างอยู่" in nothing.text


async def test_applying_again_offers_the_draft_or_a_fresh_start(
    sim: Simulator, services: Services, clock: FakeClock
) -> None:
    await start_elderly(sim)
    await sim.text("นายสมชาย ใจดี")
    again = await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    assert "ยังทำไม่เสร็จ" in again.text
    resumed = await tap(sim, "ทำต่อ")
    assert "เลขประจำตัวประชาชน 13 หลัก" in resumed.text
    await sim.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    fresh = await tap(sim, "เริ่มใหม่")
    assert "ข้อมูลส่วนบุคคล" in fresh.text
    statuses = sorted(a.status for a in await all_rows(services, Application))
    assert statuses == ["withdrawn"]


async def test_cancel_then_resume_in_a_new_process_on_the_same_database(
    sim: Simulator, services: Services, settings: Settings, fake_line: FakeLineServer, fake_sms: FakeSms,
    knowledge_store: object, nlu_service: object, clock: FakeClock,
) -> None:
    await start_elderly(sim)
    await identity(sim)
    await sim.text("12 มีนาคม 2500")
    await sim.text("ยกเลิก")
    await services.close()

    fresh = build_services(settings, store=MemoryStore(), knowledge=knowledge_store,  # type: ignore[arg-type]
                           nlu=nlu_service, sms=fake_sms)  # type: ignore[arg-type]
    fresh.clock = clock
    await fresh.db.migrate()
    again = Simulator(fresh, user_id=sim.user_id)
    resumed = await again.text("ทำต่อ")
    assert "ต่อจากที่ค้างไว้" in resumed.text and "ข้อ 2/4" in resumed.text
    await tap(again, "1. รับเงินสดด้วยตนเ…")
    await tap(again, "ไม่ใช่")  # other state benefit; no bank account, no condition question for cash
    await photo(again, fake_line)
    await photo(again, fake_line)
    assert "TJL-2569-000001" in await submit(again, fake_sms)
    await fresh.close()


async def test_what_the_payment_method_answered_is_not_asked_again(
    sim: Simulator, services: Services, fake_line: FakeLineServer, clock: FakeClock
) -> None:
    key = f"user:{sim.user_id}"
    session = await services.sessions.load(key)
    session.answers.update({"bank_transfer": False})  # said in the checklist, then changed mind in the form
    await services.sessions.save(key, session)
    await start_elderly(sim)
    await identity(sim)
    await sim.text("12 มีนาคม 2500")
    bank = await tap(sim, "3. โอนเข้าบัญชีเงิน…")
    assert "ขอชื่อธนาคารและเลขที่บัญชี" in bank.text
    benefit = await sim.text("ออมสิน 020-1-23456-7")
    assert "บำนาญ" in benefit.text
    docs = await tap(sim, "ไม่ใช่")
    for asked_again in ("โอนเข้าบัญชีธนาคาร ใช่ไหม", "มอบอำนาจให้คนอื่น", "บัญชีธนาคารของคนที่รับมอบอำนาจ"):
        assert asked_again not in docs.text
    assert "เอกสาร 1/3" in docs.text, docs.text  # ID card, house registration, bank book
    await photo(sim, fake_line)
    await photo(sim, fake_line)
    review = await photo(sim, fake_line)
    assert "สมุดบัญชีเงินฝากธนาคาร" in review.text and "ผู้รับมอบอำนาจ" not in review.text.split("เอกสาร")[-1]


async def test_cash_in_person_skips_the_bank_account_and_every_condition(sim: Simulator, clock: FakeClock) -> None:
    await start_elderly(sim)
    await identity(sim)
    await sim.text("12 มีนาคม 2500")
    benefit = await tap(sim, "1. รับเงินสดด้วยตนเ…")
    assert "ข้อ 4/4" in benefit.text and "เลขที่บัญชี" not in benefit.text
    docs = await tap(sim, "ไม่ใช่")
    assert "เอกสาร 1/2" in docs.text


async def test_signboard_form_takes_a_number_a_choice_a_location_and_a_date(
    sim: Simulator, clock: FakeClock
) -> None:
    await sim.text("อยากยื่นภาษีป้าย")
    await tap(sim, "ยอมรับ")
    await identity(sim)
    bad = await sim.text("ใหญ่มาก")
    assert "ขอเป็นตัวเลข" in bad.text
    choice = await sim.text("1,200 ตร.ซม.")
    assert "ข้อ 2/4" in choice.text and "1." in choice.text
    wrong = await sim.text("9")
    assert "1 ถึง 3" in wrong.text
    where = await sim.text("2")
    assert "ส่งตำแหน่งที่ตั้ง" in [a.label for a in where.actions]
    when = await sim.location(14.8, 102.1, "หมู่ 5 ท่าจะหลุง")
    assert "หมู่ 5 ท่าจะหลุง" in when.text and "ข้อ 4/4" in when.text
    asked = await sim.text("1 ม.ค. 2569")
    assert "บันทึกวันที่ติดตั้งหรือแสดงป้าย: 1 มกราคม 2569" in asked.text


async def test_a_draft_of_another_line_account_cannot_be_resumed_or_deleted(
    sim: Simulator, services: Services, other_user: str, clock: FakeClock
) -> None:
    await start_elderly(sim)
    (app,) = await all_rows(services, Application)
    stranger = Simulator(services, user_id=other_user)
    resumed = await stranger.postback(f"a=app_resume&id={app.id}")
    assert "ไม่มีคำขอที่ค้างอยู่" in resumed.text
    deleted = await stranger.postback(f"a=draft_del&id={app.id}")
    assert "ไม่มีคำขอที่ค้างอยู่" in deleted.text
    assert (await all_rows(services, Application))[0].status == "draft"


async def test_a_question_typed_mid_form_is_not_taken_for_a_wrong_answer(sim: Simulator, clock: FakeClock) -> None:
    await start_elderly(sim)
    await sim.text("นายสมชาย ใจดี")
    aside = await sim.text("ค่าธรรมเนียมเท่าไรคะ")
    assert "ต้องเป็นตัวเลข 13 หลัก" not in aside.text
    assert "บันทึกเลขประจำตัวประชาชน" in (await sim.text("1101700203450")).text


async def test_a_service_card_button_starts_that_application(sim: Simulator, clock: FakeClock) -> None:
    notice = await sim.postback("a=apply&s=signboard_tax")
    assert "ภาษีป้าย" in notice.text and "ข้อมูลส่วนบุคคล" in notice.text
    other = await tap(sim, "เลือกบริการอื่น")
    assert "ยื่นคำขอเรื่องใด" in other.text
