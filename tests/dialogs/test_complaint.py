"""Complaints: whole conversations through the simulator, and one with a photo through the webhook."""

from __future__ import annotations

import importlib.util
import re
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
from sqlalchemy.exc import OperationalError
from sqlmodel import select

import integrations.storage.repos_civic as civic_storage
from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.storage import models
from integrations.storage.models.civic import CIVIC_TABLES, Complaint
from tests.alembic_diffs import table_of
from tests.factories import body, message_event, postback_event, signed_headers, text_event

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 2000
PDF = b"%PDF-1.4 not a photo"


async def _create_tables(services: Services) -> None:
    async with services.db.engine.begin() as conn:
        await conn.run_sync(models.metadata.create_all)


@pytest.fixture
async def tables(services: Services) -> None:
    services.clock = lambda: datetime(2026, 5, 10, 3, 0, tzinfo=UTC)  # 10 May 2569, Bangkok morning
    await _create_tables(services)


async def _complaints(services: Services) -> list[Complaint]:
    async with services.db.session() as session:
        return list((await session.exec(select(Complaint).order_by(Complaint.id))).all())  # type: ignore[arg-type]


def _labels(screen_actions: list) -> list[str]:  # type: ignore[type-arg]
    return [a.label for a in screen_actions]


async def test_water_complaint_with_photo_and_location(
    sim: Simulator, services: Services, fake_line: FakeLineServer, tables: None
) -> None:
    first = await sim.text("น้ำประปาไม่ไหลสองวันแล้วค่ะ")
    assert "รายละเอียด: น้ำประปาไม่ไหลสองวันแล้วค่ะ" in first.text  # the first message is kept
    assert "“น้ำประปา” ใช่ไหมคะ" in first.text
    assert _labels(first.actions)[0] == "ใช่"
    photo_q = await sim.choose("ใช่")
    assert "รูป" in photo_q.text and "ข้าม" in _labels(photo_q.actions)
    assert {a.kind for a in photo_q.actions} >= {"camera", "cameraRoll"}
    fake_line.content["m-photo-1"] = (JPEG, "image/jpeg")
    where = await sim.image("m-photo-1")
    assert "ได้รับรูปแล้วค่ะ (1/3)" in where.text and "ที่ไหน" in where.text
    assert any(a.kind == "location" for a in where.actions)
    consent = await sim.location(14.78, 102.05, "หมู่ 5 ตำบลท่าจะหลุง")
    assert "ได้รับตำแหน่งแล้วค่ะ" in consent.text and "ติดต่อกลับ" in consent.text
    done = await sim.choose("ได้ ติดต่อกลับได้")
    assert "รับเรื่องร้องเรียนแล้วค่ะ" in done.text
    assert "TJL-C-2569-000001" in done.text
    assert "1111" in done.text and "ศูนย์บริการประชาชน" in done.text

    [row] = await _complaints(services)
    assert row.reference == "TJL-C-2569-000001"
    assert (row.category, row.description) == ("water", "น้ำประปาไม่ไหลสองวันแล้วค่ะ")
    assert (row.latitude, row.longitude, row.address) == (14.78, 102.05, "หมู่ 5 ตำบลท่าจะหลุง")
    assert row.contact_consent is True and row.status == "received"
    assert row.line_user_id == sim.user_id
    assert await services.files.read(row.photo_keys[0]) == JPEG
    assert (await services.sessions.load(f"user:{sim.user_id}")).dialog is None


async def test_a_general_request_asks_everything_and_numbers_follow_on(
    sim: Simulator, services: Services, tables: None
) -> None:
    start = await sim.text("ขอร้องเรียนค่ะ")
    assert "หมวดใด" in start.text
    assert _labels(start.actions) == ["น้ำประปา", "ไฟฟ้า/ไฟส่องสว่าง", "ถนน/ทางเท้า", "ขยะ/ความสะอาด",
                                      "เหตุเดือดร้อนรำคาญ", "อื่น ๆ"]
    ask = await sim.choose("ถนน/ทางเท้า")
    assert "รายละเอียด" in ask.text
    again = await sim.text("ข้าม")  # the description cannot be skipped
    assert "รายละเอียด" in again.text
    await sim.text("ถนนหน้าวัดเป็นหลุมลึก รถมอเตอร์ไซค์ล้มบ่อย")
    await sim.text("ข้ามค่ะ")  # no photo
    await sim.choose("ข้าม")  # no location
    done = await sim.choose("ไม่ต้องติดต่อกลับ")
    assert "TJL-C-2569-000001" in done.text and "ไม่ต้อง" in done.text

    await sim.postback("a=complaint")  # the rich menu button
    await sim.choose("อื่น ๆ")
    await sim.text("เจ้าหน้าที่ไม่รับโทรศัพท์เลยค่ะ")
    await sim.choose("ข้าม")
    await sim.text("หน้าที่ทำการ อบต.")  # a place typed instead of shared
    done = await sim.text("ได้ค่ะ")  # typed instead of tapped
    assert "TJL-C-2569-000002" in done.text
    rows = await _complaints(services)
    assert [r.category for r in rows] == ["road", "other"]
    assert rows[1].address == "หน้าที่ทำการ อบต." and rows[1].latitude is None
    assert rows[0].photo_keys == [] and rows[0].contact_consent is False
    assert rows[1].contact_consent is True


async def test_wrong_category_guess_can_be_corrected(sim: Simulator, services: Services, tables: None) -> None:
    first = await sim.text("ไฟถนนดับทั้งซอย มืดมาก")
    assert "“ไฟฟ้า/ไฟส่องสว่าง”" in first.text
    photo_q = await sim.choose("ถนน/ทางเท้า")  # the citizen picks another category
    assert "รูป" in photo_q.text
    await sim.choose("ข้าม")
    await sim.choose("ข้าม")
    await sim.choose("ไม่ต้องติดต่อกลับ")
    [row] = await _complaints(services)
    assert row.category == "road" and row.description == "ไฟถนนดับทั้งซอย มืดมาก"


async def test_bad_photos_are_refused_clearly_and_nothing_is_lost(
    sim: Simulator, services: Services, fake_line: FakeLineServer, tables: None
) -> None:
    await sim.text("ขยะล้นถัง ส่งกลิ่นเหม็นทั้งหมู่บ้าน")
    await sim.choose("ใช่")
    fake_line.content["m-pdf"] = (PDF, "image/jpeg")  # LINE says image, the bytes say otherwise
    wrong = await sim.image("m-pdf")
    assert "รูปภาพ (JPG, PNG)" in wrong.text and "ข้าม" in _labels(wrong.actions)
    fake_line.content["m-big"] = (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 + 1), "image/jpeg")
    big = await sim.image("m-big")
    assert "10 MB" in big.text
    missing = await sim.image("m-gone")  # LINE has no content for it (404)
    assert "ไม่สำเร็จ" in missing.text
    pdf_file = await sim.file("ใบเสร็จ.pdf", 2000)
    assert "รับเฉพาะรูปภาพ" in pdf_file.text
    extra = await sim.text("เพิ่มเติมค่ะ ขยะกองอยู่หน้าบ้านเลขที่ 12 มาหลายวันแล้ว")
    assert "เพิ่มในรายละเอียดแล้วค่ะ" in extra.text and "รูป" in extra.text
    await sim.choose("ข้าม")
    await sim.choose("ข้าม")
    await sim.choose("ได้ ติดต่อกลับได้")
    [row] = await _complaints(services)
    assert row.category == "waste" and row.photo_keys == []
    assert row.description.startswith("ขยะล้นถัง") and "บ้านเลขที่ 12" in row.description


async def test_a_failed_save_keeps_everything_and_can_be_retried(
    sim: Simulator, services: Services, monkeypatch: pytest.MonkeyPatch, tables: None
) -> None:
    await sim.text("ร้านคาราโอเกะเปิดเพลงดังถึงตีสองทุกคืน")
    await sim.choose("ใช่")
    await sim.choose("ข้าม")
    await sim.choose("ข้าม")
    real = civic_storage.next_serial
    calls = {"n": 0}

    async def flaky(*args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("UPDATE tracking_counters", {}, Exception("database is locked"))
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(civic_storage, "next_serial", flaky)
    failed = await sim.choose("ได้ ติดต่อกลับได้")
    assert "ข้อมูลที่แจ้งไว้ยังอยู่ครบ" in failed.text
    assert await _complaints(services) == []
    done = await sim.choose("ส่งเรื่องอีกครั้ง")
    assert "TJL-C-2569-000001" in done.text
    [row] = await _complaints(services)
    assert row.category == "nuisance" and row.contact_consent is True


async def test_photo_and_place_sent_early_are_kept(
    sim: Simulator, services: Services, fake_line: FakeLineServer, tables: None
) -> None:
    await sim.text("แจ้งเรื่องร้องเรียน")
    await sim.choose("ถนน/ทางเท้า")
    fake_line.content["m-early"] = (JPEG, "image/jpeg")
    still = await sim.image("m-early")  # a photo before any words
    assert "ได้รับรูปแล้ว" in still.text and "รายละเอียด" in still.text
    await sim.location(14.7, 102.1)
    consent = await sim.text("ฝาท่อหายหน้าตลาด อันตรายมาก")
    assert "ติดต่อกลับ" in consent.text  # photo and place were already given
    await sim.choose("ไม่ต้องติดต่อกลับ")
    [row] = await _complaints(services)
    assert len(row.photo_keys) == 1 and row.latitude == 14.7 and row.address is None


async def test_cancel_writes_nothing(sim: Simulator, services: Services, tables: None) -> None:
    await sim.text("น้ำไม่ไหล")
    await sim.choose("ใช่")
    cancelled = await sim.text("ยกเลิก")
    assert "ยกเลิกรายการเรียบร้อยแล้ว" in cancelled.text
    assert await _complaints(services) == []


async def test_complaint_with_photo_through_the_webhook(
    client: httpx.AsyncClient, app: FastAPI, services: Services, fake_line: FakeLineServer, user_id: str
) -> None:
    services.clock = lambda: datetime(2026, 5, 10, 3, 0, tzinfo=UTC)
    await _create_tables(services)
    fake_line.content["web-photo-1"] = (JPEG, "image/jpeg")
    events = [
        text_event(user_id, "ไฟกิ่งหน้าซอย 3 เสียมาเป็นอาทิตย์", reply_token="c-tok-1"),
        postback_event(user_id, "a=complaint&c=light", reply_token="c-tok-2"),
        message_event(user_id, {"type": "image", "id": "web-photo-1", "contentProvider": {"type": "line"}},
                      reply_token="c-tok-3"),
        postback_event(user_id, "a=complaint&skip=location", reply_token="c-tok-4"),
        postback_event(user_id, "a=complaint&consent=1", reply_token="c-tok-5"),
    ]
    for event in events:
        fake_line.token_owner[event["replyToken"]] = user_id
        raw = body(event)
        assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
        await app.state.queue.join()
    texts = fake_line.texts_to(user_id)
    assert any("ได้รับรูปแล้วค่ะ" in t for t in texts)
    reference = re.search(r"TJL-C-2569-\d{6}", " ".join(texts))
    assert reference is not None
    [row] = await _complaints(services)
    assert row.reference == reference.group(0) and row.category == "light"
    assert await services.files.read(row.photo_keys[0]) == JPEG
    downloads = [c for c in fake_line.calls if c.path == "/v2/bot/message/web-photo-1/content"]
    assert len(downloads) == 1 and downloads[0].status == 200


MIGRATION = Path(__file__).resolve().parents[2] / "integrations/storage/migrations/versions/0003_civic.py"



async def test_migration_0003_matches_the_models(services: Services) -> None:
    spec = importlib.util.spec_from_file_location("migration_0003_civic", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert (migration.revision, migration.down_revision) == ("0003_civic", "0002_unknown_questions")
    mine = {t.name for t in CIVIC_TABLES}

    def upgrade(sync: Any) -> list[Any]:
        with Operations.context(MigrationContext.configure(sync)):
            migration.upgrade()
        return compare_metadata(MigrationContext.configure(sync), models.metadata)

    def downgrade(sync: Any) -> set[str]:
        with Operations.context(MigrationContext.configure(sync)):
            migration.downgrade()
        return set(inspect(sync).get_table_names())

    async with services.db.engine.begin() as conn:
        if mine <= await conn.run_sync(lambda sync: set(inspect(sync).get_table_names())):
            await conn.run_sync(downgrade)  # the fixture migrated to head already: start from 0002
        diffs = await conn.run_sync(upgrade)
        assert [d for d in diffs if table_of(d) in mine] == []
        assert not mine & await conn.run_sync(downgrade)
        await conn.run_sync(upgrade)
