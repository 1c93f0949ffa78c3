"""The citizen's payment page, QR image, printable bill and licence link, opened as a browser would."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
import zxingcpp
from fastapi import FastAPI
from PIL import Image

from bot.web.links import LICENCE_PURPOSE, PAY_PURPOSE
from core.billing import Bill, BillStatus, ref1_for, ref2_for
from core.signed_links import LinkSigner
from tests.web.conftest import NOW, MemoryBills

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL

TRACKING = "TJL-2569-000123"
BILLER = "099400016550100"


def _bill(**changes: object) -> Bill:
    base = Bill(
        tracking=TRACKING, service_name="การขออนุญาตติดตั้งป้าย", payer_name="นางสาวปิ่นแก้ว ศรีสุขใส",
        amount_baht=Decimal("200.00"), due=date(2026, 12, 19), ref1=ref1_for(TRACKING), ref2=ref2_for(TRACKING),
        biller_id=BILLER, issued_on=date(2026, 12, 4),
    )
    return Bill(**{**base.__dict__, **changes})


def _scan(png: bytes) -> dict[str, str]:
    """Decode the QR as a phone would and read its fields (a TLV reader of the test's own)."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    text = results[0].text
    fields: dict[str, str] = {}
    while text:
        fields[text[:2]] = text[4 : 4 + int(text[2:4])]
        text = text[4 + int(text[2:4]) :]
    merchant, rest = {}, fields["30"]
    while rest:
        merchant[rest[:2]] = rest[4 : 4 + int(rest[2:4])]
        rest = rest[4 + int(rest[2:4]) :]
    return {"biller": merchant["01"], "ref1": merchant["02"], "ref2": merchant.get("03", ""), "amount": fields["54"]}


def _inline_qr(html: str) -> bytes:
    match = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert match, "no inline QR image on the page"
    return base64.b64decode(match.group(1))


def _pay_token(signer: LinkSigner, days: int = 20) -> str:
    return signer.make(PAY_PURPOSE, TRACKING, NOW + timedelta(days=days))


async def test_payment_page_shows_the_bill_and_a_scannable_qr(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner, pay_app: FastAPI
) -> None:
    bills.bills[TRACKING] = _bill()
    response = await web.get(f"/pay/{_pay_token(signer)}")
    assert response.status_code == 200
    html = response.text
    for shown in ("200.00 บาท", "การขออนุญาตติดตั้งป้าย", TRACKING, "นางสาวปิ่นแก้ว ศรีสุขใส",
                  "19 ธันวาคม พ.ศ. 2569", "ยังไม่ได้ชำระ", "TJL2569000123", ref2_for(TRACKING)):
        assert shown in html, shown
    office = pay_app.state.services.knowledge.current.office
    assert office.hours.text in html and office.phone in html  # the counter channel, with hours
    assert "/print" in html and "/qr.png" in html
    assert _scan(_inline_qr(html)) == {"biller": BILLER, "ref1": "TJL2569000123", "ref2": ref2_for(TRACKING),
                                       "amount": "200.00"}
    # the token is a credential: not cached, not indexed, not leaked in Referer
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "http://" not in html.replace('content="no-referrer"', "") and "https://" not in html  # no external assets


async def test_placeholder_biller_is_announced_on_the_page(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner, pay_app: FastAPI
) -> None:
    bills.bills[TRACKING] = _bill()
    html = (await web.get(f"/pay/{_pay_token(signer)}")).text
    payment = pay_app.state.services.knowledge.current.office.payment
    assert ("ระบบทดลอง" in html) is bool(payment and payment.placeholder)


async def test_qr_png_scans_to_the_bill(web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner) -> None:
    bills.bills[TRACKING] = _bill(amount_baht=Decimal("1234.5"))
    response = await web.get(f"/pay/{_pay_token(signer)}/qr.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert _scan(response.content)["amount"] == "1234.50"


async def test_printable_bill_has_the_bank_part(web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner) -> None:
    bills.bills[TRACKING] = _bill()
    response = await web.get(f"/pay/{_pay_token(signer)}/print")
    assert response.status_code == 200
    html = response.text
    for shown in ("ใบแจ้งการชำระเงิน", BILLER, "TJL2569000123", ref2_for(TRACKING), "สองร้อยบาทถ้วน",
                  "4 ธันวาคม พ.ศ. 2569", "window.print()", "size: A4"):
        assert shown in html, shown
    assert _scan(_inline_qr(html))["ref1"] == "TJL2569000123"


async def test_paid_bill_says_so_and_offers_no_qr(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner
) -> None:
    bills.bills[TRACKING] = _bill(status=BillStatus.PAID, paid_at=datetime(2026, 12, 5, 3, 15, tzinfo=UTC))
    token = _pay_token(signer)
    html = (await web.get(f"/pay/{token}")).text
    assert "ได้รับชำระเมื่อ 5 ธันวาคม พ.ศ. 2569 เวลา 10:15 น." in html  # Bangkok time
    assert "data:image/png" not in html
    assert (await web.get(f"/pay/{token}/qr.png")).status_code == 404


async def test_overdue_bill_warns_and_names_the_office(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner
) -> None:
    bills.bills[TRACKING] = _bill(due=date(2026, 12, 1))
    html = (await web.get(f"/pay/{_pay_token(signer)}")).text
    assert "เลยกำหนดชำระ (1 ธันวาคม พ.ศ. 2569)" in html


async def test_expired_link_is_410_with_what_to_do(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner
) -> None:
    bills.bills[TRACKING] = _bill()
    token = signer.make(PAY_PURPOSE, TRACKING, NOW - timedelta(minutes=1))
    for path in (f"/pay/{token}", f"/pay/{token}/qr.png", f"/pay/{token}/print"):
        response = await web.get(path)
        assert response.status_code == 410
        assert "ลิงก์นี้หมดอายุแล้วค่ะ" in response.text and TRACKING in response.text
    assert bills.lookups == 0  # refused before the bill was read


async def test_tampered_or_foreign_link_is_403(web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner) -> None:
    bills.bills[TRACKING] = _bill()
    bills.bills["TJL-2569-000124"] = _bill(tracking="TJL-2569-000124", payer_name="คนอื่น")
    token = _pay_token(signer)
    other = signer.make(PAY_PURPOSE, "TJL-2569-000124", NOW + timedelta(days=20))
    swapped = other.split(".")[0] + "." + token.split(".", 1)[1]  # someone else's case, my signature
    licence_token = signer.make(LICENCE_PURPOSE, TRACKING, NOW + timedelta(days=20))
    foreign = LinkSigner(b"another-office-secret-xyz").make(PAY_PURPOSE, TRACKING, NOW + timedelta(days=20))
    for bad in (swapped, licence_token, foreign, token[:-3], "nonsense"):
        response = await web.get(f"/pay/{bad}")
        assert response.status_code == 403, bad
        assert "เปิดลิงก์นี้ไม่ได้ค่ะ" in response.text
        assert "คนอื่น" not in response.text and TRACKING not in response.text
    assert bills.lookups == 0


async def test_unknown_bill_is_404_in_thai(web: httpx.AsyncClient, signer: LinkSigner) -> None:
    response = await web.get(f"/pay/{_pay_token(signer)}")
    assert response.status_code == 404 and "ไม่พบใบแจ้งชำระค่ะ" in response.text


async def test_page_escapes_names(web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner) -> None:
    bills.bills[TRACKING] = _bill(payer_name='<script>alert("x")</script>')
    html = (await web.get(f"/pay/{_pay_token(signer)}")).text
    assert "<script>alert" not in html and "&lt;script&gt;" in html


async def test_licence_link_serves_the_pdf_while_valid(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner
) -> None:
    bills.licences[TRACKING] = b"%PDF-1.4 licence"
    token = signer.make(LICENCE_PURPOSE, TRACKING, NOW + timedelta(days=7))
    response = await web.get(f"/files/licence/{token}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 licence"
    assert f'filename="{TRACKING}.pdf"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"


async def test_licence_link_refused_when_expired_altered_or_for_payment(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner
) -> None:
    bills.licences[TRACKING] = b"%PDF-1.4 licence"
    expired = signer.make(LICENCE_PURPOSE, TRACKING, NOW - timedelta(seconds=1))
    response = await web.get(f"/files/licence/{expired}")
    assert response.status_code == 410 and "หมดอายุ" in response.text and b"%PDF" not in response.content
    valid = signer.make(LICENCE_PURPOSE, TRACKING, NOW + timedelta(days=7))
    subject, expires, mac = valid.split(".")
    for bad in (f"{subject}.{int(expires) + 3600}.{mac}", _pay_token(signer)):
        response = await web.get(f"/files/licence/{bad}")
        assert response.status_code == 403 and b"%PDF" not in response.content


async def test_licence_not_ready_is_404(web: httpx.AsyncClient, signer: LinkSigner) -> None:
    token = signer.make(LICENCE_PURPOSE, TRACKING, NOW + timedelta(days=7))
    response = await web.get(f"/files/licence/{token}")
    assert response.status_code == 404 and "ยังไม่มีเอกสารค่ะ" in response.text


async def test_pages_without_the_cases_wiring_say_unavailable(app: FastAPI) -> None:
    # app.py sets both at start-up; a deployment that lost them must say so, not crash
    for name in ("bill_lookup", "link_signer"):
        if hasattr(app.state, name):
            delattr(app.state, name)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        response = await http.get("/pay/anything")
    assert response.status_code == 503 and "ระบบชำระเงินยังไม่พร้อมค่ะ" in response.text


async def test_office_without_a_biller_id_still_shows_the_counter(
    web: httpx.AsyncClient, bills: MemoryBills, signer: LinkSigner, pay_app: FastAPI
) -> None:
    bills.bills[TRACKING] = _bill(biller_id="")  # office.yaml has no payment section
    token = _pay_token(signer)
    response = await web.get(f"/pay/{token}")
    assert response.status_code == 200
    html = response.text
    assert "data:image/png" not in html and "200.00 บาท" in html
    office = pay_app.state.services.knowledge.current.office
    assert office.hours.text in html and "/print" in html
    assert (await web.get(f"/pay/{token}/qr.png")).status_code == 404
    printed = await web.get(f"/pay/{token}/print")
    assert printed.status_code == 200 and "200.00 บาท" in printed.text
    assert "Biller ID" not in printed.text  # no bank part without a biller to pay
