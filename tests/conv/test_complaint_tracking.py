"""The complaint's reference and its promise to track it are true: the citizen's own complaints
and their state are found by the reference (typed or pasted), by "เรื่องที่แจ้งไปถึงไหนแล้ว" and
in the status menu; nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.storage.models.civic import Complaint


@pytest.fixture(autouse=True)
def may_morning(services: Services) -> None:
    services.clock = lambda: datetime(2026, 5, 10, 3, 0, tzinfo=UTC)


async def _report_water_problem(sim: Simulator) -> str:
    await sim.text("น้ำประปาไม่ไหลสองวันแล้วค่ะ")
    await sim.choose("ใช่")
    await sim.choose("ข้าม")
    await sim.choose("ข้าม")
    done = await sim.choose("ได้ ติดต่อกลับได้")
    assert "TJL-C-2569-000001" in done.text
    return "TJL-C-2569-000001"


async def _set_status(services: Services, reference: str, status: str) -> None:
    async with services.db.session() as session:
        row = (await session.exec(select(Complaint).where(Complaint.reference == reference))).one()
        row.status = status
        session.add(row)


@pytest.mark.parametrize("asked", ["เรื่องที่แจ้งไปถึงไหนแล้ว", "TJL-C-2569-000001", "tjl c 2569 000001 ถึงไหนแล้วคะ"])
async def test_a_citizen_finds_their_complaint_and_its_state(sim: Simulator, services: Services, asked: str) -> None:
    reference = await _report_water_problem(sim)
    answer = await sim.text(asked)
    assert reference in answer.text and "รับเรื่องแล้ว" in answer.text and "น้ำประปา" in answer.text
    await _set_status(services, reference, "in_progress")
    assert "กำลังดำเนินการ" in (await sim.text(asked)).text


async def test_the_status_menu_shows_complaints_as_applications_are_shown(sim: Simulator) -> None:
    reference = await _report_water_problem(sim)
    menu = await sim.postback("a=status")
    assert reference in menu.text and "รับเรื่องแล้ว" in menu.text


async def test_nobody_else_sees_the_complaint(sim: Simulator, services: Services) -> None:
    reference = await _report_water_problem(sim)
    stranger = Simulator(services, user_id="U" + "e" * 32)
    answer = await stranger.text(reference)
    assert "ไม่พบเรื่องร้องเรียนเลขที่ TJL-C-2569-000001" in answer.text
    assert "น้ำประปา" not in answer.text
    assert reference not in (await stranger.text("เรื่องที่แจ้งไปถึงไหนแล้ว")).text
