"""The citizen's payment page, its QR image, the printable bill and licence downloads, behind signed links.

    GET /pay/{token}            the bill: amount, service, tracking number, due date, the QR inline, channels
    GET /pay/{token}/qr.png     the QR alone (to save and scan from the gallery in a bank app)
    GET /pay/{token}/print      an A4 bill with the QR, Biller ID, Ref1 and Ref2 (the manual's "download the bill")
    GET /files/licence/{token}  the licence or receipt PDF of a completed case

A tampered token gets 403 and an expired one 410, each with a Thai page saying what to do. The router reads
from `app.state`: `bill_lookup` (core.billing.BillLookup) and `link_signer` (core.signed_links.LinkSigner),
set by the case-lifecycle code at start-up, and `services` (knowledge for the wording, clock for expiry).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pythainlp.util import bahttext

from bot.web.documents import document_labels, office_values
from bot.web.links import LICENCE_PURPOSE, PAY_PURPOSE
from core.billing import Bill, BillLookup
from core.signed_links import LinkExpired, LinkInvalid, LinkSigner
from integrations.documents.licence import thai_date as official_date
from integrations.payment.bills import qr_payload
from integrations.payment.qr_image import qr_png
from integrations.payment.thaiqr import QRPayloadError
from knowledge.snapshot import KnowledgeSnapshot

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)  # citizens' pages: not part of the officers' API schema
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

# the token is a credential: keep it out of caches, search engines and Referer headers
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
}
PAGE_HEADERS = {
    **PRIVATE_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}


@dataclass(frozen=True)
class _Page:
    """What every handler needs, read from app.state once per request."""

    lookup: BillLookup | None
    signer: LinkSigner | None
    snapshot: KnowledgeSnapshot
    now: datetime
    timezone: ZoneInfo

    def msg(self, key: str, /, **values: object) -> str:
        return self.snapshot.message(key, **{**office_values(self.snapshot), **values})

    def thai_date(self, day: date) -> str:
        """4 ธันวาคม พ.ศ. 2569, as on the office's documents."""
        return official_date(day, document_labels(self.snapshot, "receipt"))

    def thai_datetime(self, moment: datetime) -> str:
        local = moment.astimezone(self.timezone)
        return self.msg("pay.datetime", date=self.thai_date(local.date()), time=local.strftime("%H:%M"))

    @property
    def today(self) -> date:
        return self.now.astimezone(self.timezone).date()


def _page(request: Request) -> _Page:
    state = request.app.state
    services = state.services
    timezone = ZoneInfo(services.settings.timezone)
    return _Page(
        lookup=getattr(state, "bill_lookup", None),
        signer=getattr(state, "link_signer", None),
        snapshot=services.knowledge.current,
        now=services.clock(),
        timezone=timezone,
    )


def _problem(request: Request, page: _Page, status: int, title_key: str, body_key: str, **values: object) -> Response:
    return templates.TemplateResponse(
        request,
        "problem.html",
        {"title": page.msg(title_key), "body": page.msg(body_key, **values), "contact": page.msg("pay.contact")},
        status_code=status,
        headers=PAGE_HEADERS,
    )


def _open(request: Request, page: _Page, token: str, purpose: str) -> str | Response:
    """The tracking number a token opens, or the Thai page that says why it does not."""
    if page.signer is None or page.lookup is None:
        return _problem(request, page, 503, "pay.unavailable_title", "pay.unavailable_body")
    try:
        return page.signer.read(token, purpose, page.now)
    except LinkExpired as expired:
        return _problem(request, page, 410, "pay.expired_title", "pay.expired_body", tracking=expired.subject)
    except LinkInvalid:
        return _problem(request, page, 403, "pay.invalid_title", "pay.invalid_body")


async def _bill(request: Request, token: str) -> tuple[_Page, Bill] | Response:
    page = _page(request)
    opened = _open(request, page, token, PAY_PURPOSE)
    if isinstance(opened, Response):
        return opened
    assert page.lookup is not None  # _open refused otherwise
    bill = await page.lookup.bill_for(opened)
    if bill is None:
        return _problem(request, page, 404, "pay.not_found_title", "pay.not_found_body", tracking=opened)
    return page, bill


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "", text) or "document"


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):,f}"


async def _qr(bill: Bill, scale: int) -> bytes | None:
    """The bill's QR as PNG; None when there is nothing to scan (paid, or no usable biller ID configured)."""
    if bill.is_paid:  # nothing left to pay: no QR that could be paid twice
        return None
    try:
        payload = qr_payload(bill)
    except QRPayloadError as error:  # e.g. office.yaml has no payment section: the counter still works
        log.warning("no Thai QR for bill %s: %s", bill.ref1, error)
        return None
    # CPU work (pure-Python PNG): off the event loop
    return await asyncio.to_thread(qr_png, payload, scale)


async def _bill_view(page: _Page, bill: Bill, token: str) -> dict[str, Any]:
    """Everything the two bill templates show, worded."""
    amount = _money(bill.amount_baht)
    payment_settings = page.snapshot.office.payment
    view: dict[str, Any] = {
        "m": page.msg,
        "office": page.snapshot.office,
        "bill": bill,
        "token": token,
        "amount": amount,
        "amount_words": bahttext(float(bill.amount_baht)),
        "due": page.thai_date(bill.due),
        "issued": page.thai_date(bill.issued_on) if bill.issued_on else None,
        "paid_at": page.thai_datetime(bill.paid_at) if bill.paid_at else None,
        "overdue": bill.is_overdue(page.today),
        "payee": bill.payee_name or (payment_settings.account_name if payment_settings else page.snapshot.office.name),
        "placeholder": bool(payment_settings and payment_settings.placeholder),
        "qr_data_uri": None,
    }
    png = await _qr(bill, 8)
    if png is not None:
        view["qr_data_uri"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return view


async def _bill_page(request: Request, token: str, template: str) -> Response:
    """The bill as a page (on the phone, or printable): an opened link shows it, a bad one its Thai page."""
    opened = await _bill(request, token)
    if isinstance(opened, Response):
        return opened
    page, bill = opened
    return templates.TemplateResponse(request, template, await _bill_view(page, bill, token), headers=PAGE_HEADERS)


@router.get("/pay/{token}", response_class=HTMLResponse)
async def pay_page(request: Request, token: str) -> Response:
    return await _bill_page(request, token, "pay.html")


@router.get("/pay/{token}/qr.png")
async def pay_qr(request: Request, token: str) -> Response:
    opened = await _bill(request, token)
    if isinstance(opened, Response):
        return opened
    _, bill = opened
    png = await _qr(bill, 10)
    if png is None:
        return Response(status_code=404, headers=PRIVATE_HEADERS)
    filename = f"qr-{_safe_name(bill.ref1)}.png"
    return Response(
        png,
        media_type="image/png",
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.get("/pay/{token}/print", response_class=HTMLResponse)
async def pay_print(request: Request, token: str) -> Response:
    return await _bill_page(request, token, "print.html")


@router.get("/files/licence/{token}")
async def licence_file(request: Request, token: str) -> Response:
    page = _page(request)
    opened = _open(request, page, token, LICENCE_PURPOSE)
    if isinstance(opened, Response):
        return opened
    assert page.lookup is not None
    pdf = await page.lookup.licence_for(opened)
    if pdf is None:
        return _problem(request, page, 404, "pay.licence_missing_title", "pay.licence_missing_body", tracking=opened)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'inline; filename="{_safe_name(opened)}.pdf"'},
    )
