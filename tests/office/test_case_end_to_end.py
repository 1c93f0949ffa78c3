"""Issue 12, "Tests": one case from the citizen's submission (webhook) to `completed` (officers' API).

Each officer or payment transition reaches the applicant as exactly one push; a LINE 500 is
retried with the same key; a sender stopped between the commit and the push still delivers
once; the bill's QR decodes (independently of the builder) to the office's biller, Ref1 and
amount with a valid CRC; a replayed or wrong-amount callback changes nothing; a stranger
learns nothing; the licence link works until it expires and refuses an altered token.
"""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
import zxingcpp
from fastapi import FastAPI
from PIL import Image
from pydantic import SecretStr

from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services
from bot.tools.simulator import Simulator
from bot.tools.textview import screen_of
from integrations.line.fake import FakeLineServer, Fault
from integrations.payment.signature import sign_body
from integrations.sms.fake import FakeSms
from tests.applications.helpers import FakeClock, WebhookChat, photo, tap, to_review
from tests.office.conftest import Staff

PUSH = "/v2/bot/message/push"
SECRET = "test-payment-webhook-secret"
GROUP = "C" + "a" * 32


# --- an independent reader of EMVCo QR payloads (not the builder's own parser) --------------
def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(payload: str) -> dict[str, str]:
    fields, i = {}, 0
    while i < len(payload):
        tag, size = payload[i:i + 2], int(payload[i + 2:i + 4])
        fields[tag] = payload[i + 4:i + 4 + size]
        i += 4 + size
    return fields


def test_the_crc_reader_matches_the_published_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the CRC catalogue's check value for CCITT-FALSE


# --- helpers ----------------------------------------------------------------------------------
def pushes(fake_line: FakeLineServer, to: str) -> list[Any]:
    return [c for c in fake_line.calls if c.path == PUSH and c.status == 200 and c.body.get("to") == to]


async def until_pushed(fake_line: FakeLineServer, to: str, count: int) -> list[Any]:
    async def wait() -> None:
        while len(pushes(fake_line, to)) < count:
            fake_line.message_event.clear()
            await fake_line.message_event.wait()

    await asyncio.wait_for(wait(), 10)  # a guard against a hang, not a speed limit
    return pushes(fake_line, to)


def card_text(call: Any) -> str:
    return screen_of(call.body["messages"]).text


def button(call: Any, label: str) -> Any:
    return next(a for a in screen_of(call.body["messages"]).actions if a.label == label)


async def callback(client: httpx.AsyncClient, body: dict[str, Any], secret: str = SECRET) -> httpx.Response:
    raw = json.dumps(body).encode()
    return await client.post("/api/v1/payments/callback", content=raw,
                             headers={"X-Signature": sign_body(raw, secret), "Content-Type": "application/json"})


async def test_one_case_from_submission_to_licence(
    web: WebhookChat, client: httpx.AsyncClient, app: FastAPI, services: Services, staff: Staff,
    fake_line: FakeLineServer, fake_sms: FakeSms, clock: FakeClock,
) -> None:
    services.settings.payment_webhook_secret = SecretStr(SECRET)
    services.settings.line_officer_group_id = GROUP
    user = web.user_id

    async def officer_moves(to: str, who: dict[str, str] | None = None, **body: Any) -> dict[str, Any]:
        answer = await client.post(f"/api/v1/cases/{tracking}/transitions", json={"to": to, **body},
                                   headers=who or staff.officer)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    # the citizen applies in LINE
    await to_review(web, fake_line)
    await tap(web, "ยืนยันและส่งคำขอ")
    done = await web.text(fake_sms.last_code())
    tracking = "TJL-2569-000001"
    assert tracking in done.text
    assert pushes(fake_line, user) == []  # the submission was answered in the chat

    # a new officer lists today's submissions
    today = (await client.get("/api/v1/cases?submitted_on=2026-01-10", headers=staff.officer)).json()
    assert [c["tracking"] for c in today] == [tracking] and today[0]["state"] == "submitted"

    # 1. preliminary check
    await officer_moves("preliminary_check")
    [first] = await until_pushed(fake_line, user, 1)
    assert "ตรวจสอบคำขอเบื้องต้น" in card_text(first) and tracking in card_text(first)

    # 2. more documents: the card's button takes the citizen straight to uploading just that one
    await officer_moves("more_documents", note="ขอสำเนาทะเบียนบ้านเพิ่มค่ะ", documents=["สำเนาทะเบียนบ้าน"])
    second = (await until_pushed(fake_line, user, 2))[-1]
    assert "สำเนาทะเบียนบ้าน" in card_text(second) and "ขอสำเนาทะเบียนบ้านเพิ่มค่ะ" in card_text(second)
    asked = await web.tap(button(second, "ส่งเอกสาร"))
    assert "สำเนาทะเบียนบ้าน" in asked.text and "1/1" in asked.text
    typed = await web.text("ส่งพรุ่งนี้นะ")
    assert "รูปถ่ายหรือไฟล์ PDF" in typed.text
    sent = await photo(web, fake_line)
    assert "ได้รับเอกสารครบแล้ว" in sent.text and "ตรวจสอบคำขอเบื้องต้น" in sent.text
    queue = (await client.get("/api/v1/cases?waiting_for=officer", headers=staff.officer)).json()
    assert [c["tracking"] for c in queue] == [tracking] and queue[0]["state"] == "preliminary_check"
    detail = (await client.get(f"/api/v1/cases/{tracking}", headers=staff.officer)).json()
    assert "สำเนาทะเบียนบ้าน" in [d["name"] for d in detail["documents"]]
    assert detail["history"][-1]["actor_kind"] == "citizen"

    # 3. consideration, through a LINE 500: retried with the same key, delivered once
    fake_line.fail_next(PUSH, Fault(500))
    await officer_moves("consideration")
    third = (await until_pushed(fake_line, user, 3))[-1]
    attempts = [c for c in fake_line.calls if c.path == PUSH and c.body.get("to") == user][-2:]
    assert [c.status for c in attempts] == [500, 200]
    assert attempts[0].headers["X-Line-Retry-Key"] == attempts[1].headers["X-Line-Retry-Key"]
    assert "พิจารณา" in card_text(third)

    # 4. the officer sends a document as a link; the citizen acknowledges it
    await officer_moves("documents_sent", documents=["แบบยืนยันตัวตน https://office.example/forms/confirm.pdf"])
    fourth = (await until_pushed(fake_line, user, 4))[-1]
    assert "https://office.example/forms/confirm.pdf" in card_text(fourth)
    read = await web.tap(button(fourth, "รับทราบ"))
    assert "พิจารณา" in read.text

    # 5. approved (an admin decides) — with the sender stopped between the commit and the push
    forbidden = await client.post(f"/api/v1/cases/{tracking}/transitions", json={"to": "approved"},
                                  headers=staff.officer)
    assert forbidden.status_code == 403
    await app.state.outbox.stop()  # the process "dies" right after committing
    await officer_moves("approved", who=staff.admin)
    assert len(pushes(fake_line, user)) == 4
    restarted = build_outbox_sender(services)
    assert await restarted.drain() == 1 and await restarted.drain() == 0
    fifth = pushes(fake_line, user)[-1]
    assert "อนุญาตแล้ว" in card_text(fifth)
    app.state.outbox = restarted
    restarted.start(services.settings.outbox_interval_seconds)

    # 6. fee due: a card with the due date, the payment page, the bill and a scannable QR
    await officer_moves("fee_due", fee_baht=50)
    sixth = (await until_pushed(fake_line, user, 6))[-1]
    kinds = [m["type"] for m in sixth.body["messages"]]
    assert kinds == ["flex", "image"] and "50 บาท" in card_text(sixth) and "25 มกราคม 2569" in card_text(sixth)
    bill = (await client.get(f"/api/v1/cases/{tracking}/bill", headers=staff.officer)).json()
    fields = tlv(bill["qr_payload"])
    assert fields["01"] == "12" and fields["53"] == "764" and fields["58"] == "TH" and fields["54"] == "50.00"
    merchant = tlv(fields["30"])
    assert merchant["00"] == "A000000677010112"
    assert merchant["01"] == services.knowledge.current.office.payment.biller_id
    assert merchant["02"] == bill["ref1"] == "TJL2569000001" and merchant["03"] == bill["ref2"]
    body, crc = bill["qr_payload"][:-4], bill["qr_payload"][-4:]
    assert body.endswith("6304") and int(crc, 16) == crc16_ccitt_false(body.encode())
    qr_url = sixth.body["messages"][1]["originalContentUrl"]
    png = await client.get(qr_url.replace(services.settings.public_base_url, ""))
    assert png.status_code == 200
    [scanned] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert scanned.text == bill["qr_payload"]
    pay_page = await client.get(button(sixth, "ชำระเงิน").uri.replace(services.settings.public_base_url, ""))
    assert pay_page.status_code == 200 and tracking in pay_page.text

    # 7. payment: unsigned refused, a wrong amount flagged (not accepted), then paid once, replay ignored
    raw = json.dumps({"payment_ref": "P-1", "ref1": bill["ref1"], "amount_baht": "50.00",
                      "paid_at": "2026-01-11T02:00:00+00:00"}).encode()
    assert (await client.post("/api/v1/payments/callback", content=raw,
                              headers={"X-Signature": "00" * 32})).status_code == 401
    wrong = await callback(client, {"payment_ref": "P-0", "ref1": bill["ref1"], "amount_baht": "5.00",
                                    "paid_at": "2026-01-11T01:00:00+00:00"})
    assert wrong.json()["status"] == "flagged"
    assert (await client.get(f"/api/v1/cases/{tracking}", headers=staff.officer)).json()["state"] == "fee_due"
    [alert] = await until_pushed(fake_line, GROUP, 1)
    assert tracking in card_text(alert) and "5" in card_text(alert)
    paid = await callback(client, json.loads(raw))
    assert paid.json() == {"status": "accepted", "tracking": tracking, "reason": None}
    seventh = (await until_pushed(fake_line, user, 7))[-1]
    assert "ชำระค่าธรรมเนียมแล้ว" in card_text(seventh) and "ได้รับชำระ 50 บาท" in card_text(seventh)
    replay = await callback(client, json.loads(raw))
    assert replay.json()["status"] == "duplicate"
    assert (await client.get(f"/api/v1/cases/{tracking}", headers=staff.officer)).json()["state"] == "paid"

    # 8. completed: the licence as a signed link that expires
    final = await officer_moves("completed")
    assert [h["to_state"] for h in final["history"]] == [
        "submitted", "preliminary_check", "more_documents", "preliminary_check", "consideration",
        "documents_sent", "consideration", "approved", "fee_due", "paid", "completed"]
    eighth = (await until_pushed(fake_line, user, 8))[-1]
    licence = button(eighth, "ดาวน์โหลดใบอนุญาต").uri.replace(services.settings.public_base_url, "")
    pdf = await client.get(licence)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    altered = licence[:-3] + ("AAA" if not licence.endswith("AAA") else "BBB")
    assert (await client.get(altered)).status_code == 403
    clock.advance(days=services.settings.licence_link_days + 1)
    assert (await client.get(licence)).status_code == 410

    # exactly one push per officer / payment transition, all to this citizen, each its own retry key
    delivered = pushes(fake_line, user)
    assert len(delivered) == 8
    assert len({c.headers["X-Line-Retry-Key"] for c in delivered}) == 8

    # a stranger typing the number learns nothing
    stranger = Simulator(services, user_id="U" + "e" * 32)
    other = await stranger.text(f"{tracking} ถึงไหนแล้วคะ")
    assert f"ไม่พบคำขอเลขที่ {tracking}" in other.text
    assert "เสร็จสมบูรณ์" not in other.text and "สมชาย" not in other.text
    probe = await stranger.postback(f"a=case_upload&t={tracking}")
    assert "ไม่พบคำขอเลขที่" in probe.text

    # the citizen's own status shows the state and the history
    mine = await web.text("เรื่องของฉันถึงไหนแล้ว")
    assert tracking in mine.text and "เสร็จสมบูรณ์" in mine.text and "ความคืบหน้า" in mine.text
