"""The dashboard: today's conversations, handoffs opened and answered, median first reply, cases by
state, and the NLU's unknown rate over 7 days (inline SVG)."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from bot.office.handoffs import HandoffService, OfficerRef
from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from tests.applications.helpers import FakeClock
from tests.console.conftest import PASSWORD, log_in
from tests.handoff.conftest import MONDAY_10AM


def tile(html: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}">(\d+)<', html)
    assert found, element_id
    return int(found.group(1))


async def test_the_dashboard_counts_what_happened_today(services: Services, app: FastAPI,
                                                        client: httpx.AsyncClient) -> None:
    clock = FakeClock(MONDAY_10AM)
    services.clock = clock
    await services.accounts.create("somsri", PASSWORD)
    first, second = Simulator(services, user_id="U" + "1a" * 16), Simulator(services, user_id="U" + "2b" * 16)
    await first.text("ภาษีป้ายต้องยื่นเดือนไหน")
    await first.text("ขอสูตรแกงส้มหน่อย")  # not understood
    await second.text("ขอคุยกับเจ้าหน้าที่")
    handoffs = HandoffService(services)
    [ticket] = await handoffs.list("open")
    clock.advance(minutes=6)
    await handoffs.reply(ticket.id or 0, OfficerRef(1, "somsri"), "สวัสดีค่ะ")

    await log_in(client, "somsri")
    page = await client.get("/console/dashboard")
    assert page.status_code == 200
    assert tile(page.text, "conversations") == 2
    assert tile(page.text, "handoffs-today") == 1 and "ตอบแล้ว 1" in page.text
    assert "6.0 นาที" in page.text
    assert "<svg" in page.text and "<rect" in page.text
    rates = re.findall(r"<title>(\d\d/\d\d): ([\d-]+)%</title>", page.text)
    assert len(rates) == 7 and rates[-1][1] not in {"-", "0"}  # today had an unknown message
