"""A citizen asks for a person through the webhook; an officer answers through the API.

Checks what each side would notice: the officers' group push (name, topic, link), the bot's
silence while the ticket is live, every message and photo kept for the officer, one push
per officer reply, the bot back after close with a rating, escalation once.
"""

from __future__ import annotations

import httpx
import pytest

from bot.office.handoffs import HandoffService
from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from tests.applications.helpers import JPEG, FakeClock, WebhookChat
from tests.handoff.conftest import GROUP_ID, SATURDAY_10AM, Officer, until


def pushes_to(line: FakeLineServer, to: str) -> list[dict[str, object]]:
    return [c.body for c in line.sent("/push") if isinstance(c.body, dict) and c.body.get("to") == to]


def texts(line: FakeLineServer, to: str) -> list[str]:
    return [str(m.get("text", m.get("altText", ""))) for p in pushes_to(line, to) for m in p["messages"]]  # type: ignore[union-attr]


async def test_a_request_for_a_person_reaches_the_officers_and_the_bot_steps_aside(
    web: WebhookChat, fake_line: FakeLineServer, client: httpx.AsyncClient, officer: Officer, user_id: str,
) -> None:
    fake_line.profiles[user_id] = "มานี ใจดี"
    await web.text("ภาษีป้ายต้องยื่นเดือนไหน")
    asked = await web.text("ขอคุยกับเจ้าหน้าที่ค่ะ")
    assert "ได้แจ้งเจ้าหน้าที่" in asked.text and "นอกเวลาทำการ" not in asked.text

    await until(lambda: bool(pushes_to(fake_line, GROUP_ID)), "the officers' group push")
    notice = texts(fake_line, GROUP_ID)[0]
    assert "มานี ใจดี" in notice and "ขอคุยกับเจ้าหน้าที่ค่ะ" in notice
    listed = (await client.get("/api/v1/handoffs?state=open", headers=officer.headers)).json()
    assert len(listed) == 1 and listed[0]["display_name"] == "มานี ใจดี"
    ticket_id = listed[0]["id"]
    assert f"/console/inbox/{ticket_id}" in notice

    # while the ticket is open the bot is silent, and everything is kept for the officer
    quiet = await web.text("ป้ายหน้าร้านขนาด 2 เมตร ต้องเสียเท่าไหร่คะ")
    photo = await web.image(JPEG)
    assert quiet.text == "" and photo.text == ""
    detail = (await client.get(f"/api/v1/handoffs/{ticket_id}", headers=officer.headers)).json()
    assert [b["text"] for b in detail["before"]][:1] == ["ภาษีป้ายต้องยื่นเดือนไหน"]  # the conversation so far
    assert any(b["sender"] == "bot" for b in detail["before"])
    said = [m for m in detail["messages"] if m["sender"] == "citizen"]
    assert said[0]["text"] == "ป้ายหน้าร้านขนาด 2 เมตร ต้องเสียเท่าไหร่คะ"
    image = await client.get(said[1]["media_url"], headers=officer.headers)
    assert image.status_code == 200 and image.content == JPEG and image.headers["content-type"] == "image/jpeg"

    # the officer's reply reaches the citizen once, by push with a retry key
    before = len(pushes_to(fake_line, user_id))
    sent = await client.post(f"/api/v1/handoffs/{ticket_id}/messages", headers=officer.headers,
                             json={"text": "ป้ายอักษรไทยล้วน คิดตามพื้นที่ค่ะ เดี๋ยวส่งอัตราให้นะคะ"})
    assert sent.status_code == 201
    await until(lambda: len(pushes_to(fake_line, user_id)) == before + 1, "the reply push")
    reply_call = [c for c in fake_line.sent("/push") if c.body.get("to") == user_id][-1]
    assert reply_call.headers.get("X-Line-Retry-Key")
    assert reply_call.body["messages"][0]["text"].startswith("ป้ายอักษรไทยล้วน")
    assert reply_call.body["messages"][0]["sender"]["name"] == "จนท. สมศรี"
    claimed = (await client.get(f"/api/v1/handoffs/{ticket_id}", headers=officer.headers)).json()
    assert claimed["state"] == "claimed" and claimed["claimed_by_name"] == "สมศรี" and claimed["first_reply_at"]

    # close: the citizen hears the bot is back and is asked for a rating; the bot answers again
    closed = await client.post(f"/api/v1/handoffs/{ticket_id}/close", headers=officer.headers)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    await until(lambda: any("ให้คะแนน" in t for t in texts(fake_line, user_id)), "the closing push")
    closing = pushes_to(fake_line, user_id)[-1]["messages"][0]  # type: ignore[index]
    ratings = [item["action"]["data"] for item in closing["quickReply"]["items"]]  # type: ignore[index]
    assert ratings[0] == f"a=handoff_rate&t={ticket_id}&v=5" and len(ratings) == 5
    answered = await web.text("ภาษีป้ายต้องยื่นเดือนไหน")
    assert "มีนาคม" in answered.text
    thanks = await web.postback(f"a=handoff_rate&t={ticket_id}&v=4")
    assert "ขอบคุณสำหรับคะแนน" in thanks.text
    again = await web.postback(f"a=handoff_rate&t={ticket_id}&v=1")
    assert "ได้รับคะแนนของท่านไว้แล้ว" in again.text
    rated = (await client.get(f"/api/v1/handoffs/{ticket_id}", headers=officer.headers)).json()
    assert rated["rating"] == 4
    closed_list = (await client.get("/api/v1/handoffs?state=closed", headers=officer.headers)).json()
    assert [t["id"] for t in closed_list] == [ticket_id]


async def test_two_misses_then_accepting_the_offer_opens_a_ticket(
    web: WebhookChat, client: httpx.AsyncClient, officer: Officer,
) -> None:
    await web.text("ขอสูตรแกงส้มหน่อย")
    offer = await web.text("ทีมไหนชนะบอลเมื่อคืน")
    assert "ให้เจ้าหน้าที่ช่วยตอบ" in offer.text
    accepted = await web.choose("คุยกับเจ้าหน้าที่")
    assert "ได้แจ้งเจ้าหน้าที่" in accepted.text
    [ticket] = (await client.get("/api/v1/handoffs", headers=officer.headers)).json()
    assert ticket["reason"] == "misses"
    detail = (await client.get(f"/api/v1/handoffs/{ticket['id']}", headers=officer.headers)).json()
    assert [b["text"] for b in detail["before"] if b["sender"] == "citizen"] == [
        "ขอสูตรแกงส้มหน่อย", "ทีมไหนชนะบอลเมื่อคืน"]


async def test_outside_office_hours_the_citizen_learns_when_to_expect_an_answer(
    web: WebhookChat, clock: FakeClock,
) -> None:
    clock.now = SATURDAY_10AM
    asked = await web.postback("a=handoff")
    assert "นอกเวลาทำการ" in asked.text and "วันจันทร์" in asked.text


async def test_without_an_officers_group_the_citizen_is_not_told_anyone_was_notified(
    web: WebhookChat, services: Services, fake_line: FakeLineServer,
) -> None:
    services.settings = services.settings.model_copy(update={"line_officer_group_id": None})
    asked = await web.text("ขอคุยกับเจ้าหน้าที่")
    assert "ได้แจ้งเจ้าหน้าที่" not in asked.text and "บันทึกคำขอ" in asked.text
    assert not [c for c in fake_line.sent("/push") if c.body.get("to", "").startswith("C")]


async def test_asking_twice_keeps_one_ticket(web: WebhookChat, client: httpx.AsyncClient, officer: Officer) -> None:
    await web.text("ขอคุยกับเจ้าหน้าที่")
    second = await web.text("ขอคุยกับเจ้าหน้าที่")
    assert second.text == ""  # already with an officer: kept in the transcript, no second notice
    tickets = (await client.get("/api/v1/handoffs", headers=officer.headers)).json()
    assert len(tickets) == 1


async def test_an_unclaimed_ticket_is_escalated_once(
    web: WebhookChat, services: Services, fake_line: FakeLineServer, clock: FakeClock, user_id: str,
) -> None:
    await web.text("ขอคุยกับเจ้าหน้าที่")
    await until(lambda: len(pushes_to(fake_line, GROUP_ID)) == 1, "first notice")
    handoffs = HandoffService(services)
    clock.advance(minutes=14)
    assert await handoffs.escalate_due() == 0
    clock.advance(minutes=2)
    assert await handoffs.escalate_due() == 1
    assert await handoffs.escalate_due() == 0
    await until(lambda: len(pushes_to(fake_line, GROUP_ID)) == 2, "second notice")
    assert "รอมา 16 นาที" in texts(fake_line, GROUP_ID)[1]
    await until(lambda: any("ขออภัยที่ให้รอนาน" in t for t in texts(fake_line, user_id)), "holding message")


async def test_a_claimed_ticket_is_not_escalated(
    web: WebhookChat, services: Services, client: httpx.AsyncClient, officer: Officer, clock: FakeClock,
) -> None:
    await web.text("ขอคุยกับเจ้าหน้าที่")
    [ticket] = (await client.get("/api/v1/handoffs", headers=officer.headers)).json()
    assert (await client.post(f"/api/v1/handoffs/{ticket['id']}/claim", headers=officer.headers)).status_code == 200
    clock.advance(minutes=60)
    assert await HandoffService(services).escalate_due() == 0


@pytest.mark.parametrize("text", ["", "   "])
async def test_an_empty_reply_is_refused(
    web: WebhookChat, client: httpx.AsyncClient, officer: Officer, text: str,
) -> None:
    await web.text("ขอคุยกับเจ้าหน้าที่")
    [ticket] = (await client.get("/api/v1/handoffs", headers=officer.headers)).json()
    answer = await client.post(f"/api/v1/handoffs/{ticket['id']}/messages", headers=officer.headers,
                               json={"text": text})
    assert answer.status_code in {409, 422}
    detail = (await client.get(f"/api/v1/handoffs/{ticket['id']}", headers=officer.headers)).json()
    assert not [m for m in detail["messages"] if m["sender"] == "officer"]
