"""Cases in the console: the queue with counts, the case page (national ID masked until an audited
reveal, documents inline, history), and actions that follow the state machine and reach the citizen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from integrations.storage.models.console import ConsoleAudit
from tests.applications.helpers import JPEG, VALID_ID, FakeClock, tap, to_review
from tests.console.conftest import PASSWORD, csrf_of, log_in
from tests.handoff.conftest import MONDAY_10AM

CITIZEN = "U" + "e5" * 16


@pytest.fixture
async def tracking(services: Services, fake_line: FakeLineServer, fake_sms: FakeSms, app: FastAPI) -> str:
    services.clock = FakeClock(MONDAY_10AM)
    sim = Simulator(services, user_id=CITIZEN)
    await to_review(sim, fake_line)
    await tap(sim, "ยืนยันและส่งคำขอ")
    done = await sim.text(fake_sms.last_code())
    assert "TJL-2569-000001" in done.text
    return "TJL-2569-000001"


@pytest.fixture
async def admin(app: FastAPI, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    await services.accounts.create("boss", PASSWORD, role="admin", display_name="ปลัดสมชาย")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot.test") as http:
        await log_in(http, "boss")
        yield http


@pytest.fixture
async def clerk(app: FastAPI, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    await services.accounts.create("somsri", PASSWORD, role="officer")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot.test") as http:
        await log_in(http, "somsri")
        yield http


def pushes(line: FakeLineServer) -> list[str]:
    return [str(m.get("altText", m.get("text", ""))) + str(m) for c in line.sent("/push")
            if c.body.get("to") == CITIZEN for m in c.body["messages"]]


async def pushed(line: FakeLineServer, count: int) -> list[str]:
    for _ in range(200):
        if len(pushes(line)) >= count:
            return pushes(line)
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count} pushes, got {len(pushes(line))}")


async def move(client: httpx.AsyncClient, tracking: str, to: str, **fields: str) -> httpx.Response:
    page = await client.get(f"/console/cases/{tracking}")
    version = page.text.split('name="version" value="')[1].split('"')[0]
    return await client.post(f"/console/cases/{tracking}/transition",
                             data={"to": to, "csrf": csrf_of(page.text), "version": version, **fields})


async def test_the_queue_counts_by_state_and_service(tracking: str, clerk: httpx.AsyncClient) -> None:
    queue = await clerk.get("/console/cases")
    assert queue.status_code == 200 and tracking in queue.text
    assert 'data-state="submitted"' in queue.text and "รอเจ้าหน้าที่ 1" in queue.text
    empty = await clerk.get("/console/cases?state=approved")
    assert tracking not in empty.text


async def test_the_national_id_is_masked_until_revealed_and_the_reveal_is_audited(
    tracking: str, clerk: httpx.AsyncClient, services: Services,
) -> None:
    page = await clerk.get(f"/console/cases/{tracking}")
    assert "1-XXXX-XXXXX-XX-0" in page.text and "1-1017-00203-45-0" not in page.text and VALID_ID not in page.text
    assert "นายสมชาย ใจดี" in page.text and "รับเงินสดด้วยตนเอง" in page.text and "<dd>None</dd>" not in page.text
    image = page.text.split(f'/console/cases/{tracking}/documents/')[1].split('"')[0]
    document = await clerk.get(f"/console/cases/{tracking}/documents/{image}")
    assert document.status_code == 200 and document.content == JPEG
    assert (await clerk.post(f"/console/cases/{tracking}/reveal")).status_code == 403  # no CSRF token
    shown = await clerk.post(f"/console/cases/{tracking}/reveal", data={"csrf": csrf_of(page.text)})
    assert "1-1017-00203-45-0" in shown.text
    async with services.db.session() as session:
        [record] = (await session.exec(select(ConsoleAudit))).all()
    assert (record.action, record.subject, record.officer_name) == ("reveal_national_id", tracking, "somsri")
    assert VALID_ID not in (record.detail or "")


async def test_actions_follow_the_state_machine_and_each_reaches_the_citizen_once(
    tracking: str, clerk: httpx.AsyncClient, admin: httpx.AsyncClient, fake_line: FakeLineServer,
) -> None:
    before = len(pushes(fake_line))
    checked = await move(clerk, tracking, "preliminary_check", note="เจ้าหน้าที่รับเรื่องแล้วค่ะ")
    assert checked.status_code == 303 and "done=" in checked.headers["location"]
    assert "เจ้าหน้าที่รับเรื่องแล้วค่ะ" in (await pushed(fake_line, before + 1))[-1]
    await move(clerk, tracking, "consideration")
    await pushed(fake_line, before + 2)

    page = await clerk.get(f"/console/cases/{tracking}")
    assert 'data-move="denied"' not in page.text and 'data-move="approved"' not in page.text  # a clerk cannot decide
    forged = await move(clerk, tracking, "approved")
    assert "error=" in forged.headers["location"]
    assert 'id="case-state">ผ่านการตรวจสอบเบื้องต้นแล้ว' in (await clerk.get(f"/console/cases/{tracking}")).text
    admin_page = await admin.get(f"/console/cases/{tracking}")
    assert 'data-move="approved"' in admin_page.text
    approved = await move(admin, tracking, "approved", note="อนุมัติแล้วค่ะ")
    assert "done=" in approved.headers["location"]
    assert "อนุมัติแล้วค่ะ" in (await pushed(fake_line, before + 3))[-1]
    assert len(pushes(fake_line)) == before + 3  # the refused move sent nothing

    no_fee = await move(clerk, tracking, "fee_due")
    assert "error=" in no_fee.headers["location"]  # this service has no fixed fee: the officer must enter it
    await move(clerk, tracking, "fee_due", fee_baht="50")
    await pushed(fake_line, before + 4)
    counter = await move(clerk, tracking, "paid", note="ชำระที่เคาน์เตอร์")
    assert "done=" in counter.headers["location"]
    page = await clerk.get(f"/console/cases/{tracking}")
    assert "ชำระค่าธรรมเนียมแล้ว" in page.text and "50" in page.text and "ชำระที่เคาน์เตอร์" in page.text
    await pushed(fake_line, before + 5)


async def test_a_case_move_without_the_csrf_token_is_refused(tracking: str, clerk: httpx.AsyncClient) -> None:
    refused = await clerk.post(f"/console/cases/{tracking}/transition", data={"to": "preliminary_check"})
    assert refused.status_code == 403
    assert 'id="case-state">ยื่นคำขอแล้ว' in (await clerk.get(f"/console/cases/{tracking}")).text
