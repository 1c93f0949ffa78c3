"""The officers' case API: list, detail, transitions with 401/403/404/409/422, one push per move, bills."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from integrations.storage.models.cases import CaseTransition
from integrations.storage.models.office import OutboxMessage
from tests.applications.helpers import FakeClock
from tests.office.conftest import Staff, submitted_case


async def move(client: httpx.AsyncClient, who: dict[str, str], tracking: str, to: str, **body: object
               ) -> httpx.Response:
    return await client.post(f"/api/v1/cases/{tracking}/transitions", json={"to": to, **body}, headers=who)


async def test_a_submitted_application_is_a_case_in_the_officers_queue(
    client: httpx.AsyncClient, services: Services, staff: Staff, user_id: str
) -> None:
    tracking = await submitted_case(services, user_id)
    listed = await client.get("/api/v1/cases", headers=staff.officer)
    assert listed.status_code == 200
    [case] = listed.json()
    assert case["tracking"] == tracking and case["state"] == "submitted" and case["waiting_for"] == "officer"
    assert case["applicant_name"] == "นายสมชาย ใจดี"
    assert (await client.get("/api/v1/cases?state=consideration", headers=staff.officer)).json() == []
    assert (await client.get("/api/v1/cases?service=elderly_allowance", headers=staff.officer)).json() == []
    assert (await client.get("/api/v1/cases?state=nonsense", headers=staff.officer)).status_code == 422

    detail = (await client.get(f"/api/v1/cases/{tracking}", headers=staff.officer)).json()
    assert detail["applicant"]["national_id"] == "1101700203450" and detail["applicant"]["phone"] == "0812345678"
    assert [h["to_state"] for h in detail["history"]] == ["submitted"]
    [doc] = detail["documents"]
    assert doc["name"] == "สำเนาบัตรประจำตัวประชาชน" and doc["url"].endswith(f"/documents/{doc['key']}")
    file = await client.get(doc["url"], headers=staff.officer)
    assert file.status_code == 200 and file.content.startswith(b"\xff\xd8\xff")
    assert (await client.get(doc["url"])).status_code == 401


async def test_errors_say_what_is_wrong(client: httpx.AsyncClient, services: Services, staff: Staff,
                                        user_id: str) -> None:
    tracking = await submitted_case(services, user_id)
    assert (await client.post(f"/api/v1/cases/{tracking}/transitions", json={"to": "preliminary_check"})
            ).status_code == 401
    assert (await move(client, staff.officer, "TJL-2569-999999", "preliminary_check")).status_code == 404
    assert (await client.get("/api/v1/cases/TJL-2569-999999", headers=staff.officer)).status_code == 404
    bad = await move(client, staff.officer, tracking, "somewhere")
    assert bad.status_code == 422
    assert (await client.post(f"/api/v1/cases/{tracking}/transitions", json={"note": "x"},
                              headers=staff.officer)).status_code == 422
    refused = await move(client, staff.officer, tracking, "completed")
    assert refused.status_code == 409 and refused.json()["detail"]["code"] == "not_allowed"
    assert "submitted" in refused.json()["detail"]["reason"]
    assert (await move(client, staff.officer, tracking, "preliminary_check")).status_code == 200
    no_docs = await move(client, staff.officer, tracking, "more_documents", documents=[])
    assert no_docs.status_code == 422 and no_docs.json()["detail"]["code"] == "documents_required"
    assert (await move(client, staff.officer, tracking, "consideration")).status_code == 200
    forbidden = await move(client, staff.officer, tracking, "approved")
    assert forbidden.status_code == 403 and forbidden.json()["detail"]["code"] == "forbidden"
    stale = await move(client, staff.admin, tracking, "approved", version=1)
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "conflict"
    # nothing refused left a trace: three moves, three history rows, two pushes queued
    async with services.db.session() as session:
        history = (await session.exec(select(CaseTransition.to_state).order_by(CaseTransition.id))).all()
        queued = (await session.exec(select(OutboxMessage))).all()
    assert list(history) == ["submitted", "preliminary_check", "consideration"]
    assert len(queued) == 2


async def test_each_move_pushes_exactly_one_card_to_the_applicant(
    client: httpx.AsyncClient, services: Services, staff: Staff, user_id: str, other_user: str,
    fake_line: FakeLineServer, clock: FakeClock,
) -> None:
    tracking = await submitted_case(services, user_id)
    await submitted_case(services, other_user)
    answer = await move(client, staff.officer, tracking, "preliminary_check", note="ได้รับเรื่องแล้วค่ะ")
    assert answer.json()["state"] == "preliminary_check"
    await fake_line.wait_for_messages(1)  # the app's own outbox sender delivers it
    [push] = fake_line.sent("/push")
    assert push.body["to"] == user_id and len(push.body["messages"]) == 1
    card = push.body["messages"][0]
    assert card["type"] == "flex" and tracking in card["altText"]
    flat = str(card["contents"])
    assert "ตรวจสอบคำขอเบื้องต้น" in flat and "ได้รับเรื่องแล้วค่ะ" in flat and tracking in flat
    assert fake_line.messages_to(other_user) == []


async def test_the_bill_of_a_fixed_fee_and_of_an_officers_fee(
    client: httpx.AsyncClient, services: Services, staff: Staff, user_id: str, clock: FakeClock
) -> None:
    fixed = await submitted_case(services, user_id)  # commercial registration: 50 baht in the manual
    formula = await submitted_case(services, user_id, "health_hazard_license")  # set by formula
    for tracking in (fixed, formula):
        for to in ("preliminary_check", "consideration"):
            assert (await move(client, staff.officer, tracking, to)).status_code == 200
        assert (await move(client, staff.admin, tracking, "approved")).status_code == 200
    assert (await client.get(f"/api/v1/cases/{fixed}/bill", headers=staff.officer)).status_code == 404
    assert (await move(client, staff.officer, fixed, "fee_due")).status_code == 200
    bill = (await client.get(f"/api/v1/cases/{fixed}/bill", headers=staff.officer)).json()
    assert bill["amount_baht"] == "50.00" and bill["due"] == "2026-01-25"  # 15 days: the manual states none
    assert bill["ref1"] == fixed.replace("-", "") and bill["qr_payload"].startswith("000201010212")

    needs_fee = await move(client, staff.officer, formula, "fee_due")
    assert needs_fee.status_code == 422 and needs_fee.json()["detail"]["code"] == "fee_required"
    assert (await move(client, staff.officer, formula, "fee_due", fee_baht="1200.50")).status_code == 200
    other = (await client.get(f"/api/v1/cases/{formula}/bill", headers=staff.officer)).json()
    assert other["amount_baht"] == "1200.50"


@pytest.mark.parametrize("service_id", ["signboard_tax"])
async def test_the_manuals_payment_deadline_sets_the_due_date(
    client: httpx.AsyncClient, services: Services, staff: Staff, user_id: str, clock: FakeClock, service_id: str
) -> None:
    tracking = await submitted_case(services, user_id, service_id)
    for who, to in ((staff.officer, "preliminary_check"), (staff.officer, "consideration"), (staff.admin, "approved")):
        await move(client, who, tracking, to)
    clock.advance(days=3)
    assert (await move(client, staff.officer, tracking, "fee_due", fee_baht=200)).status_code == 200
    bill = (await client.get(f"/api/v1/cases/{tracking}/bill", headers=staff.officer)).json()
    assert bill["due"] == "2026-01-28"  # billed 13 January, 15 days as the signboard tax manual says
