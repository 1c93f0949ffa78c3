"""The inbox pages as htmx uses them: the list, the transcript partial, the service card / checklist picker."""

from __future__ import annotations

import asyncio

import httpx

from bot.office.handoffs import HandoffService
from bot.runtime.services import Services
from core.handoff import OpenReason
from integrations.line.fake import FakeLineServer
from tests.console.conftest import PASSWORD, csrf_of, log_in

CITIZEN = "U" + "a7" * 16


async def test_the_picker_sends_a_services_checklist_worded_from_the_knowledge_files(
    client: httpx.AsyncClient, services: Services, fake_line: FakeLineServer,
) -> None:
    await services.accounts.create("somsri", PASSWORD, display_name="สมศรี")
    await log_in(client, "somsri")
    opened = await HandoffService(services).open(line_user_id=CITIZEN, reason=OpenReason.asked,
                                                 topic="ขอเอกสารภาษีป้าย", service_id="signboard_tax")
    ticket = opened.ticket.id
    listed = await client.get("/console/inbox/list", headers={"HX-Request": "true"})
    assert f'data-ticket="{ticket}"' in listed.text and "ขอเอกสารภาษีป้าย" in listed.text
    page = await client.get(f"/console/inbox/{ticket}")
    assert 'value="signboard_tax" selected' in page.text  # the service in focus is preselected
    partial = await client.post(f"/console/inbox/{ticket}/pick", data={
        "service_id": "signboard_tax", "what": "checklist", "csrf": csrf_of(page.text)},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(page.text)})
    assert partial.status_code == 200 and "<html" not in partial.text  # a fragment for htmx to swap in
    documents = services.knowledge.current.services["signboard_tax"].documents
    assert documents[0].name in partial.text
    for _ in range(200):
        pushed = [c.body for c in fake_line.sent("/push") if c.body.get("to") == CITIZEN]
        if pushed:
            break
        await asyncio.sleep(0.02)
    text = pushed[0]["messages"][0]["text"]
    assert "เอกสารที่ต้องใช้สำหรับ" in text and documents[0].name in text
    refused = await client.post(f"/console/inbox/{ticket}/pick", data={
        "service_id": "no_such_service", "csrf": csrf_of(page.text)})
    assert refused.status_code == 303 and "error=" in refused.headers["location"]
    shown = await client.get(refused.headers["location"])
    assert "กรุณาเลือกบริการ" in shown.text


async def test_an_unknown_ticket_is_a_thai_404(client: httpx.AsyncClient, services: Services) -> None:
    await services.accounts.create("somsri", PASSWORD)
    await log_in(client, "somsri")
    missing = await client.get("/console/inbox/999")
    assert missing.status_code == 404 and "ไม่พบคำขอคุยเลขที่ 999" in missing.text
