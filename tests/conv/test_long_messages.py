"""A message longer than its field keeps is refused in Thai, whole: nothing is cut mid-word and
nothing already given is lost."""

from __future__ import annotations

from sqlmodel import select

from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.storage.models.civic import Complaint

LONG = "น้ำประปาไม่ไหลมาหลายวันแล้ว " * 120  # about 3,400 characters: more than a description keeps


async def test_a_long_complaint_is_refused_then_a_short_one_is_kept(sim: Simulator, services: Services) -> None:
    first = await sim.text(LONG)
    assert "เกินที่บันทึกได้ (2,000 ตัวอักษร)" in first.text and "ยังไม่ได้บันทึก" in first.text
    await sim.choose("น้ำประปา")
    again = await sim.text(LONG)
    assert "เกินที่บันทึกได้" in again.text
    await sim.text("น้ำประปาไม่ไหลสามวันแล้ว หมู่ 5")
    await sim.choose("ข้าม")
    await sim.choose("ข้าม")
    done = await sim.choose("ได้ ติดต่อกลับได้")
    assert "รับเรื่องร้องเรียนแล้ว" in done.text
    async with services.db.session() as session:
        [row] = (await session.exec(select(Complaint))).all()
    assert row.description == "น้ำประปาไม่ไหลสามวันแล้ว หมู่ 5"  # the long text was not cut and kept


async def test_a_long_form_answer_is_refused_not_cut() -> None:
    from bot.validators import parse_free_text

    parsed = parse_free_text("ก" * 600)
    assert parsed.value is None and parsed.error == "application.error.text_long"
