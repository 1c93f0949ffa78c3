"""ติดตามสถานะ: a citizen sees their own submitted applications, and nobody else's."""

from __future__ import annotations

import pytest

from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from tests.applications.helpers import FakeClock, tap, to_review

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL


async def test_status_lists_the_submitted_application_with_its_tracking_number(
    sim: Simulator, services: Services, fake_line: FakeLineServer, fake_sms: FakeSms, clock: FakeClock
) -> None:
    assert "ยังไม่พบคำขอ" in (await sim.text("ติดตามสถานะคำขอ")).text
    await to_review(sim, fake_line)
    await tap(sim, "ยืนยันและส่งคำขอ")
    done = await sim.text(fake_sms.last_code())
    assert "TJL-2569-000001" in done.text

    screen = await sim.text("คำขอของฉันถึงไหนแล้ว")
    assert "TJL-2569-000001" in screen.text
    assert "ยื่นคำขอแล้ว รอเจ้าหน้าที่รับเรื่อง" in screen.text
    assert "เบี้ยยังชีพผู้สูงอายุ" in screen.text

    by_number = await sim.text("TJL-2569-000001 ถึงไหนแล้วคะ")
    assert "ยื่นคำขอแล้ว" in by_number.text

    stranger = Simulator(services, user_id="U" + "f" * 32)
    other = await stranger.text("คำขอ TJL-2569-000001 ถึงไหนแล้วคะ")
    assert "ไม่พบคำขอเลขที่ TJL-2569-000001" in other.text
