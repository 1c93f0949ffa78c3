"""The NLU as a citizen meets it in the chat: a person when asked "is anyone there", short
follow-ups answered for the service in focus, and guesses as buttons when the NLU is unsure."""

from __future__ import annotations

from sqlmodel import SQLModel

from bot.runtime.services import Services
from bot.tools.simulator import Simulator


async def _tables(services: Services) -> None:
    async with services.db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


async def test_asking_whether_anyone_is_there_reaches_a_person(sim: Simulator, services: Services) -> None:
    await _tables(services)
    asked = await Simulator(services, user_id="U" + "a" * 32).text("ขอคุยกับเจ้าหน้าที่ค่ะ")
    screen = await sim.text("มีใครอยู่แถวนี้ไหมคะ ตอบหน่อย")
    assert screen.text.splitlines()[0] == asked.text.splitlines()[0]  # the same answer as asking outright
    assert "เจ้าหน้าที่" in screen.text


async def test_short_follow_ups_keep_the_service_in_focus(sim: Simulator) -> None:
    await sim.text("ภาษีป้ายของร้านต้องเตรียมเอกสารอะไรบ้างคะ")
    fees = await sim.text("แล้วต้องจ่ายเท่าไหร่")
    assert "ค่าธรรมเนียมภาษีป้าย" in fees.text
    duration = await sim.text("อันนั้นใช้กี่วัน")
    assert "ภาษีป้าย ใช้เวลาดำเนินการ" in duration.text


async def test_an_unsure_reading_offers_its_best_guesses_as_buttons(sim: Simulator, services: Services) -> None:
    await _tables(services)
    screen = await sim.text("เรื่องใบอนุญาตหน่อย")
    assert "หมายถึงเรื่องนี้ไหมคะ" in screen.text
    guesses = [a for a in sim.last.actions if a.label != "ไม่ใช่ทั้งหมด"]
    assert 2 <= len(guesses) <= 3
    assert {a.data for a in guesses} >= {
        "a=service_info&s=health_hazard_license",
        "a=service_info&s=health_hazard_license_renewal",
    }
    card = await sim.choose(guesses[0].label)
    assert "## " in card.text  # the chosen service's card


async def test_romanised_thai_gets_the_service_card(sim: Simulator) -> None:
    card = await sim.text("bia kon kae")
    assert "## เบี้ยยังชีพผู้สูงอายุ" in card.text
