"""Console pages for cases: the queue with counts, a case's page, its actions.

The case service (bot/office/cases.py) and its state machine (core/cases.py) decide
everything: the buttons shown are `targets(state, the officer's role)`, and a move goes
through `CaseService.transition`, which writes the history row and the citizen's push in
one transaction. The national ID is masked unless the officer presses "show", which is a
POST (so it is never in a URL or the browser history) and is written to the audit trail.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.office.cases import CaseConflict, CaseDetail, CaseNotFound, CaseService
from bot.validators import format_national_id
from console.auth import ConsoleUser, PostingUser, User, services_of
from console.pages import audit
from console.routes import back_to, render
from core.cases import ACTION_STATES, NEEDS_DOCUMENTS, Actor, CaseState, Refusal, targets
from core.masking import mask_national_id

router = APIRouter(prefix="/console", include_in_schema=False)

REFUSALS_TH = {
    "forbidden": "บทบาทของท่านทำรายการนี้ไม่ได้ (การอนุญาต/ไม่อนุญาตเป็นของผู้มีอำนาจ)",
    "not_allowed": "สถานะปัจจุบันของคำขอไปยังสถานะนี้ไม่ได้",
    "wrong_return": "ต้องส่งกลับไปยังขั้นตอนที่ขอเอกสารไว้",
    "unknown_state": "ไม่รู้จักสถานะนี้",
    "documents_required": "กรุณาระบุเอกสาร (บรรทัดละหนึ่งรายการ; เอกสารที่ส่งให้ประชาชนต้องเป็นลิงก์ https://)",
    "fee_required": "กรุณาระบุค่าธรรมเนียม",
    "bad_fee": "ค่าธรรมเนียมไม่ถูกต้อง",
}


# what the officer does (the button), not what the citizen is told (case.state.* messages)
ACTION_LABELS = {
    "preliminary_check": "เริ่มตรวจสอบเบื้องต้น", "consideration": "ผ่านการตรวจ ส่งพิจารณา",
    "fix_uploads": "ขอให้แก้ไขเอกสาร", "more_documents": "ขอเอกสารเพิ่ม", "documents_sent": "ส่งเอกสารให้ประชาชน",
    "returned": "คืนเรื่อง", "approved": "อนุญาต", "denied": "ไม่อนุญาต", "fee_due": "แจ้งชำระค่าธรรมเนียม",
    "paid": "รับชำระที่เคาน์เตอร์แล้ว", "completed": "เสร็จสิ้น (ออกใบอนุญาต/ใบเสร็จ)", "cancelled": "ยกเลิกคำขอ",
}
RECEIVED_LABEL = "ได้รับเอกสารที่ขอแล้ว ดำเนินการต่อ"
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def cases_of(request: Request) -> CaseService:
    service: CaseService = services_of(request).cases
    return service


def state_label(request: Request, state: str) -> str:
    messages = services_of(request).knowledge.current.messages
    return messages.get(f"case.state.{state}", state)


def answer_text(value: object) -> str:
    """A form answer as an officer reads it (no None/True/False)."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, list):
        return ", ".join(answer_text(v) for v in value)
    day = ISO_DATE.match(str(value))
    if day:  # a date answer: as Thai forms print it, Buddhist year
        return f"{day.group(3)}/{day.group(2)}/{int(day.group(1)) + 543}"
    return str(value)


def actor_of(user: ConsoleUser) -> Actor:
    return Actor.admin if user.is_admin else Actor.officer


@router.get("/cases", response_class=HTMLResponse)
async def case_queue(request: Request, user: User, state: str = "", service: str = "",
                     waiting: str = "") -> HTMLResponse:
    everything = await cases_of(request).list_cases(limit=1000)
    by_state = Counter(c.state for c in everything)
    by_service = Counter(c.service_id for c in everything)
    shown = [c for c in everything if (not state or c.state == state) and (not service or c.service_id == service)
             and (not waiting or c.waiting_for == waiting)]
    titles = {c.service_id: c.service_title for c in everything}
    return render(
        request, "cases.html", section="cases", cases=shown, total=len(everything),
        by_state=[(s.value, by_state[s.value]) for s in CaseState if by_state[s.value]],
        by_service=sorted(by_service.items(), key=lambda p: -p[1]), titles=titles,
        state=state, service=service, waiting=waiting, waiting_count=sum(1 for c in everything
                                                                          if c.waiting_for == "officer"),
        label=lambda s: state_label(request, s),
    )


def _page(request: Request, user: ConsoleUser, detail: CaseDetail, *, revealed: bool = False,
          error: str = "", done: str = "", status_code: int = 200) -> HTMLResponse:
    summary = detail.summary
    national_id = detail.applicant.get("national_id")
    shown_id = None
    if national_id:
        shown_id = format_national_id(national_id) if revealed else mask_national_id(national_id)
    state = CaseState(summary.state)
    back_to_step = CaseState(detail.return_to) if detail.return_to else None
    moves = targets(state, actor_of(user), back_to_step)

    def action(target: CaseState) -> str:
        if state in ACTION_STATES and target == back_to_step:
            return RECEIVED_LABEL
        return ACTION_LABELS.get(target.value, state_label(request, target.value))

    return render(
        request, "case.html", section="cases", case=detail, s=summary, national_id=shown_id, revealed=revealed,
        moves=[(m.value, action(m), m in NEEDS_DOCUMENTS) for m in moves],
        label=lambda v: state_label(request, v), answer=answer_text, error=error, done=done,
        status_code=status_code,
        images={d.key for d in detail.documents if (d.content_type or "").startswith("image/") and d.file_key},
    )


@router.get("/cases/{tracking}", response_class=HTMLResponse)
async def case_page(request: Request, user: User, tracking: str, done: str = "", error: str = "") -> HTMLResponse:
    try:
        detail = await cases_of(request).detail(tracking)
    except CaseNotFound:
        return render(request, "not_found.html", status_code=404, what=f"คำขอเลขที่ {tracking}")
    return _page(request, user, detail, done=done, error=error)


@router.post("/cases/{tracking}/reveal", response_class=HTMLResponse)
async def reveal_national_id(request: Request, user: PostingUser, tracking: str) -> HTMLResponse:
    try:
        detail = await cases_of(request).detail(tracking)
    except CaseNotFound:
        return render(request, "not_found.html", status_code=404, what=f"คำขอเลขที่ {tracking}")
    await audit(request, user, "reveal_national_id", tracking, "national ID shown on the case page")
    return _page(request, user, detail, revealed=True)


@router.get("/cases/{tracking}/documents/{key}")
async def case_document(request: Request, user: User, tracking: str, key: str) -> Response:
    try:
        info, data = await cases_of(request).document_file(tracking, key)
    except CaseNotFound:
        return Response(status_code=404)
    return Response(data, media_type=info.content_type or "application/octet-stream",
                    headers={"Cache-Control": "private, max-age=600", "X-Content-Type-Options": "nosniff"})


@router.post("/cases/{tracking}/transition")
async def move_case(
    request: Request, user: PostingUser, tracking: str, to: str = Form(""), note: str = Form(""),
    documents: str = Form(""), fee_baht: str = Form(""), version: int | None = Form(None),
) -> Response:
    """One action on the case page: the state machine decides, the citizen gets one push with the note."""
    url = f"/console/cases/{quote(tracking)}"
    try:
        fee = Decimal(fee_baht.strip().replace(",", "")) if fee_baht.strip() else None
    except InvalidOperation:
        return back_to(f"{url}?error={quote(REFUSALS_TH['bad_fee'])}")
    names = [line.strip() for line in documents.splitlines() if line.strip()]
    try:
        await cases_of(request).transition(tracking, to, actor=actor_of(user), officer=user.officer,
                                           note=note.strip() or None, documents=names, fee_baht=fee,
                                           expected_version=version)
    except CaseNotFound:
        return render(request, "not_found.html", status_code=404, what=f"คำขอเลขที่ {tracking}")
    except CaseConflict:
        return back_to(f"{url}?error={quote('มีผู้อื่นเปลี่ยนสถานะคำขอนี้ไปแล้ว กรุณาตรวจดูอีกครั้ง')}")
    except Refusal as refusal:
        return back_to(f"{url}?error={quote(REFUSALS_TH.get(refusal.code.value, refusal.reason))}")
    done = f"เปลี่ยนสถานะเป็น \"{state_label(request, to)}\" แล้ว ระบบแจ้งประชาชนทาง LINE แล้ว"
    return back_to(f"{url}?done={quote(done)}")


__all__ = ["router"]
