"""The signboard tax calculator in the chat: size, type, moving or not → an estimate labelled as
an estimate, with the regulation it follows; answers that do not fit are asked again in context."""

from __future__ import annotations

from bot.tools.simulator import Simulator
from dialogs.signboard import parse_size


async def test_estimate_from_the_fees_answer(sim: Simulator) -> None:
    fees = await sim.text("ภาษีป้ายเสียเท่าไหร่")
    assert "คำนวณภาษีป้าย" in [a.label for a in fees.actions]
    asked = await sim.choose("คำนวณภาษีป้าย")
    assert "กว้างและยาวกี่เซนติเมตร" in asked.text
    again = await sim.text("ป้ายร้านข้าวมันไก่")  # not a size: asked again, not a new topic
    assert "กว้าง x ยาว" in again.text
    kind = await sim.text("1 x 3 เมตร")
    assert "แบบไหน" in kind.text
    moving = await sim.choose("ไทยปนต่างประเทศ/ภาพ")
    assert "เคลื่อนที่" in moving.text
    result = await sim.choose("ไม่ใช่ ป้ายธรรมดา")
    first = result.text.splitlines()[0]
    assert first == "ภาษีป้ายโดยประมาณ 1,560 บาทต่อปีค่ะ"  # 30,000 cm² = 60 × 26 baht
    assert "กฎกระทรวงกำหนดอัตราภาษีป้าย พ.ศ. 2563" in result.text and "ประมาณ" in result.text


async def test_a_small_sign_pays_the_minimum(sim: Simulator) -> None:
    await sim.text("คำนวณภาษีป้าย ขนาด 50 x 100")
    await sim.choose("ไทยล้วน")
    result = await sim.choose("ไม่ใช่ ป้ายธรรมดา")
    assert "200 บาทต่อปี" in result.text and "ขั้นต่ำ" in result.text


def test_sizes_are_read_in_centimetres_or_metres() -> None:
    assert parse_size("100 x 300") == (100, 300)
    assert parse_size("กว้าง 80 ยาว 240 ซม.") == (80, 240)
    assert parse_size("1.5*2 เมตร") == (150, 200)
    assert parse_size("ป้ายใหญ่มาก") is None
