"""Understanding failures: FAQ answers, "did you mean", a person after two misses, unknown
questions kept for staff, non-text messages; and a whole conversation through the webhook."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.storage import models
from integrations.storage.models.feedback import UnknownQuestion, record_unknown, top_unknown
from knowledge.store import KnowledgeStore
from tests.alembic_diffs import table_of
from tests.factories import body, postback_event, signed_headers, text_event

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL

MIGRATION = Path(__file__).resolve().parents[2] / "integrations/storage/migrations/versions/0002_unknown_questions.py"


async def _tables(services: Services) -> None:
    """The fixture migrates to head; create_all as well, in case the chain is mid-change."""
    async with services.db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


async def _unknown(services: Services) -> list[UnknownQuestion]:
    async with services.db.session() as session:
        return list((await session.exec(select(UnknownQuestion).order_by(UnknownQuestion.id))).all())  # type: ignore[arg-type]


def _labels(sim: Simulator) -> list[str]:
    return [a.label for a in sim.last.actions]


async def test_a_confident_faq_is_answered_and_its_service_followed(
    sim: Simulator, knowledge_store: KnowledgeStore
) -> None:
    answer = next(e.answer for e in knowledge_store.current.faq if e.id == "signboard_tax_payment_deadline")
    screen = await sim.text("จ่ายภาษีป้ายช้าได้ไหม")
    assert answer.splitlines()[0] in screen.text
    docs = await sim.text("แล้วต้องใช้เอกสารอะไรบ้าง")  # the FAQ's service is now in focus
    assert "ภาษีป้าย" in docs.text and "(1/3)" in docs.text


async def test_documents_questions_keep_their_own_answer_over_a_loose_faq(sim: Simulator) -> None:
    screen = await sim.text("จดทะเบียนพาณิชย์กี่นาทีเสร็จ")  # an FAQ about the 30-day deadline matches loosely
    assert "60 นาที" in screen.text


async def test_did_you_mean_offers_the_likely_services(sim: Simulator, services: Services) -> None:
    await _tables(services)
    screen = await sim.text("เรื่องใบอนุญาตหน่อย")
    assert "หมายถึงเรื่องนี้ไหมคะ" in screen.text
    labels = _labels(sim)
    assert 2 <= len(labels) <= 4 and labels[-1] == "ไม่ใช่ทั้งหมด"
    assert any(a.data == "a=service_info&s=health_hazard_license" for a in sim.last.actions)
    card = await sim.choose("ขอใบอนุญาตกิจการ")
    assert "## ขอใบอนุญาตกิจการที่เป็นอันตรายต่อสุขภาพ" in card.text


async def test_two_misses_in_a_row_offer_a_person(sim: Simulator, services: Services) -> None:
    await _tables(services)
    first = await sim.text("ขอสูตรแกงส้มหน่อย")
    assert "ยังไม่เข้าใจคำถามนี้" in first.text
    second = await sim.text("ทีมไหนชนะบอลเมื่อคืน")
    assert "ให้เจ้าหน้าที่ช่วยตอบในแชตนี้ไหมคะ" in second.text and "0-4475-6171" in second.text
    assert sim.last.actions[0].data == "a=handoff&r=misses"
    person = await sim.choose("คุยกับเจ้าหน้าที่")
    assert "เจ้าหน้าที่จะตอบในแชตนี้" in person.text


async def test_an_understood_turn_resets_the_misses(sim: Simulator, services: Services) -> None:
    await _tables(services)
    await sim.text("ขอสูตรแกงส้มหน่อย")
    await sim.text("ภาษีป้ายกี่วันเสร็จ")
    again = await sim.text("ทีมไหนชนะบอลเมื่อคืน")
    assert "ให้เจ้าหน้าที่ช่วยตอบ" not in again.text
    assert "ยังไม่เข้าใจคำถามนี้" in again.text


async def test_unknown_questions_are_counted_for_staff_without_personal_numbers(
    sim: Simulator, services: Services
) -> None:
    await _tables(services)
    services.clock = lambda: datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    await sim.text("ขอสูตรแกงส้มหน่อย")
    services.clock = lambda: datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    await sim.text("ขอสูตรแกงส้มหน่อยยยย")  # the same question once normalised
    await sim.text("ราคาทองวันนี้ 0812345678")
    rows = await _unknown(services)
    assert [(r.normalized, r.count) for r in rows] == [("ขอสูตรแกงส้มหน่อย", 2), (rows[1].normalized, 1)]
    first = rows[0]
    assert first.last_text == "ขอสูตรแกงส้มหน่อยยยย"
    assert first.first_seen == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    assert first.last_seen == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    assert "0812345678" not in rows[1].last_text and "0812345678" not in rows[1].normalized
    assert "5678" in rows[1].last_text
    async with services.db.session() as session:
        assert [r.count for r in await top_unknown(session)] == [2, 1]
    await sim.text("ราคาทองวันนี้ เลขบัตร 1-1017-00203-45-0")
    await sim.text("ราคาทองวันนี้ บ้านเลขที่ 02 123 45678")  # a number the NLU does not tag: masked too
    stored = " ".join(f"{r.last_text} {r.normalized}" for r in await _unknown(services))
    for private in ("1101700203450", "1-1017-00203-45-0", "00203", "02 123 45678", "12345678"):
        assert private not in stored


async def test_record_unknown_upserts(services: Services) -> None:
    await _tables(services)
    async with services.db.session() as session:
        for _ in range(3):
            await record_unknown(session, "ถามอะไรก็ได้", "ถามอะไรก็ได้")
    [row] = await _unknown(services)
    assert row.count == 3 and row.first_seen <= row.last_seen


async def test_stickers_and_unexpected_photos_get_the_polite_reply(sim: Simulator, services: Services) -> None:
    await _tables(services)
    sticker = await sim.sticker()
    assert "อ่านได้เฉพาะข้อความตัวอักษร" in sticker.text
    photo = await sim.image()
    assert "อ่านได้เฉพาะข้อความตัวอักษร" in photo.text
    assert await _unknown(services) == []  # not a question: nothing recorded, not a miss
    first_miss = await sim.text("ขอสูตรแกงส้มหน่อย")
    assert "ให้เจ้าหน้าที่ช่วยตอบ" not in first_miss.text


async def test_a_stale_button_gets_the_menu(sim: Simulator) -> None:
    screen = await sim.postback("a=something_removed&x=1")
    assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in screen.text
    assert "บริการทั้งหมด" in _labels(sim)


async def test_understood_but_not_available_is_not_a_miss(sim: Simulator, services: Services) -> None:
    from core.intents import INTENTS
    from dialogs import GLOBAL_INTERRUPTS, REGISTRY

    handled = {i for d in (*GLOBAL_INTERRUPTS, *REGISTRY) for i in (*d.intents, *d.postbacks)}
    missing = sorted(INTENTS - handled - {"unknown"})
    if not missing:
        pytest.skip("every intent has a dialog")
    await _tables(services)
    button = await sim.postback(f"a={missing[0]}")  # a menu button whose dialog is not there yet
    assert "ยังทำผ่านแชตไม่ได้" in button.text and "0-4475-6171" in button.text
    await sim.text("ขอสูตรแกงส้มหน่อย")
    assert "ให้เจ้าหน้าที่ช่วยตอบ" not in sim.last.text  # the button was not a miss


async def test_a_checklist_conversation_through_the_webhook(
    client: httpx.AsyncClient, app: FastAPI, services: Services, fake_line: FakeLineServer, user_id: str
) -> None:
    await _tables(services)
    events = [
        text_event(user_id, "ภาษีป้ายต้องใช้อะไรบ้าง", reply_token="i-tok-1"),
        postback_event(user_id, "a=cl_ans&s=signboard_tax&c=juristic_person&v=y", reply_token="i-tok-2"),
        postback_event(user_id, "a=cl_ans&s=signboard_tax&c=has_previous_receipt&v=n", reply_token="i-tok-3"),
        postback_event(user_id, "a=cl_ans&s=signboard_tax&c=by_proxy&v=n", reply_token="i-tok-4"),
        text_event(user_id, "แล้วกี่วันเสร็จ", reply_token="i-tok-5"),
        postback_event(user_id, "a=have&s=signboard_tax&d=0", reply_token="i-tok-6"),
        postback_event(user_id, "a=missing&s=signboard_tax", reply_token="i-tok-7"),
    ]
    for event in events:
        fake_line.token_owner[event["replyToken"]] = user_id
        raw = body(event)
        assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
        await app.state.queue.join()
    replies = [c for c in fake_line.sent("/reply") if c.body.get("_to") == user_id]
    assert len(replies) == len(events)
    for call in replies:
        messages = call.body["messages"]
        assert 1 <= len(messages) <= 5
        assert all(len(m.get("text", "")) <= 5000 for m in messages)
    texts = fake_line.texts_to(user_id)
    assert "(1/3)" in texts[0]
    listed = texts[3]
    assert "หนังสือรับรองนิติบุคคล" in listed and "หนังสือมอบอำนาจ" not in listed
    assert "46 วัน" in texts[4]
    assert "✅ รับทราบค่ะ ข้อ 1" in texts[5]
    assert "บัตรประจำตัวประชาชน" not in texts[6] and "ทะเบียนบ้าน" in texts[6]



async def test_migration_0002_matches_the_model(services: Services) -> None:
    spec = importlib.util.spec_from_file_location("migration_0002_unknown_questions", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert (migration.revision, migration.down_revision) == ("0002_unknown_questions", "0001_applications")

    def run(sync: Any, step: str) -> set[str]:
        with Operations.context(MigrationContext.configure(sync)):
            getattr(migration, step)()
        return set(inspect(sync).get_table_names())

    def diffs(sync: Any) -> list[Any]:
        return [d for d in compare_metadata(MigrationContext.configure(sync), models.metadata)
                if table_of(d) == "unknown_questions"]

    async with services.db.engine.begin() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        if "unknown_questions" in tables:
            assert "unknown_questions" not in await conn.run_sync(run, "downgrade")
        assert "unknown_questions" in await conn.run_sync(run, "upgrade")
        assert await conn.run_sync(diffs) == []
