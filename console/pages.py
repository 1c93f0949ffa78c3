"""Console pages besides the inbox: knowledge, dashboard, accounts (admin).

Thin handlers again: the knowledge store and its editor (knowledge/editor.py), the
accounts service (bot/office/accounts.py), the handoff tables and the dashboard counters
(bot/runtime/daily_stats.py) do the work.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func
from sqlmodel import col, delete, select

from bot.office.accounts import AccountError
from bot.runtime.daily_stats import DayStats, recent_days
from console.auth import Admin, ConsoleUser, PostingAdmin, User, services_of
from console.routes import back_to, render
from core.handoff import ReplyTiming, TicketState, median_first_reply_minutes
from integrations.storage.models.console import ConsoleAudit
from integrations.storage.models.feedback import UnknownQuestion, top_unknown
from integrations.storage.models.handoff import HandoffTicket
from integrations.storage.models.office import OfficerRole
from knowledge.editor import EditRefused, add_faq_question

router = APIRouter(prefix="/console", include_in_schema=False)


async def audit(request: Request, user: ConsoleUser, action: str, subject: str, detail: str | None = None) -> None:
    services = services_of(request)
    async with services.db.session() as session:
        session.add(ConsoleAudit(at=services.clock(), officer_id=user.officer.id or 0, officer_name=user.name,
                                 action=action, subject=subject[:120], detail=detail))


# --- knowledge ----------------------------------------------------------------------------------


@router.get("/knowledge", response_class=HTMLResponse)
async def knowledge_page(request: Request, user: User, done: str = "", error: str = "") -> HTMLResponse:
    services = services_of(request)
    store = services.knowledge
    snapshot = store.current
    async with services.db.session() as session:
        unknown = await top_unknown(session, limit=30)
        changes = list((await session.exec(
            select(ConsoleAudit).where(ConsoleAudit.action == "faq_question_added")
            .order_by(col(ConsoleAudit.at).desc()).limit(10))).all())
    return render(
        request, "knowledge.html", section="knowledge", snapshot=snapshot,
        messages=sorted(snapshot.messages.items()), last_errors=store.last_errors, last_reload=store.last_reload,
        last_errors_at=store.last_errors_at, unknown=unknown, changes=changes, done=done, error=error,
    )


@router.post("/knowledge/faq-question")
async def add_question(
    request: Request, user: PostingAdmin, unknown_id: int = Form(...), faq_id: str = Form(""),
) -> Response:
    """Admin: the unanswered question becomes one more phrasing of an FAQ entry (YAML, validated, live)."""
    services = services_of(request)
    async with services.db.session() as session:
        row = await session.get(UnknownQuestion, unknown_id)
    if row is None:
        return back_to("/console/knowledge?error=" + quote("ไม่พบคำถามนี้แล้ว"))
    try:
        result = await add_faq_question(services.knowledge, faq_id, row.last_text)
    except EditRefused as err:
        return back_to("/console/knowledge?error=" + quote(str(err)))
    if not result.ok:
        first = result.errors[0]
        return back_to("/console/knowledge?error=" + quote(f"ไฟล์ไม่ผ่านการตรวจ จึงไม่ได้บันทึก: {first.th}"))
    async with services.db.session() as session:
        await session.exec(delete(UnknownQuestion).where(col(UnknownQuestion.id) == unknown_id))  # type: ignore[call-overload]
    await audit(request, user, "faq_question_added", faq_id, f"{row.last_text} → {result.path.name}")
    return back_to("/console/knowledge?done=" + quote(f"เพิ่ม \"{row.last_text}\" เป็นคำถามของ {faq_id} แล้ว"))


# --- dashboard ----------------------------------------------------------------------------------


def chart_points(days: list[DayStats], width: int = 320, height: int = 100) -> list[dict[str, Any]]:
    """Bar geometry for the 7-day unknown-rate chart (inline SVG, no script)."""
    bar = width / max(len(days), 1)
    out = []
    for index, day in enumerate(days):
        rate = day.unknown_rate
        h = round((rate or 0) * (height - 20), 1)
        out.append({"x": round(index * bar + 4, 1), "w": round(bar - 8, 1), "y": round(height - 16 - h, 1), "h": h,
                    "label": f"{day.day:%d/%m}", "rate": None if rate is None else round(rate * 100),
                    "cx": round(index * bar + bar / 2, 1)})
    return out


async def applications_by_state(request: Request) -> list[tuple[str, int]]:
    """Cases per state (the case-lifecycle tables), largest first; empty when they are not there."""
    try:
        from integrations.storage.models.cases import Case
    except ImportError:  # pragma: no cover - the case-lifecycle work is merged with this
        return []
    async with services_of(request).db.session() as session:
        rows = await session.exec(select(Case.state, func.count()).group_by(Case.state))
        return sorted(((str(s), int(n)) for s, n in rows.all()), key=lambda p: -p[1])


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, user: User) -> HTMLResponse:
    services = services_of(request)
    zone = ZoneInfo(services.settings.timezone)
    now_local = services.clock().astimezone(zone)
    start = datetime.combine(now_local.date(), time.min, tzinfo=zone)
    async with services.db.session() as session:
        today = list((await session.exec(select(HandoffTicket).where(col(HandoffTicket.opened_at) >= start))).all())
        open_now = (await session.exec(select(func.count()).select_from(HandoffTicket)
                                       .where(col(HandoffTicket.state) != TicketState.closed.value))).one()
        week = list((await session.exec(select(HandoffTicket).where(
            col(HandoffTicket.opened_at) >= start - timedelta(days=6)))).all())
    days = await recent_days(services.store, now_local.date(), 7)
    return render(
        request, "dashboard.html", section="dashboard", conversations_today=days[-1].conversations,
        handoffs_today=len(today), answered_today=sum(1 for t in today if t.first_reply_at is not None),
        open_now=open_now,
        median_today=median_first_reply_minutes([ReplyTiming(t.opened_at, t.first_reply_at) for t in today]),
        median_week=median_first_reply_minutes([ReplyTiming(t.opened_at, t.first_reply_at) for t in week]),
        by_state=await applications_by_state(request), bars=chart_points(days), days=days,
        case_label=lambda state: services.knowledge.current.messages.get(f"case.state.{state}", state),
    )


# --- accounts (admin) ---------------------------------------------------------------------------


@router.get("/accounts", response_class=HTMLResponse)
async def accounts_page(request: Request, user: Admin, done: str = "", error: str = "") -> HTMLResponse:
    officers = await services_of(request).accounts.list()
    return render(request, "accounts.html", section="accounts", officers=officers, roles=list(OfficerRole),
                  done=done, error=error)


def _account_error(err: AccountError) -> str:
    text = str(err)
    if "at least" in text:
        return "รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร"
    if "exists" in text:
        return "มีชื่อผู้ใช้นี้แล้ว"
    if "username" in text:
        return "ชื่อผู้ใช้ต้องยาว 1–64 ตัวอักษร ไม่มีช่องว่าง"
    return text


@router.post("/accounts")
async def add_account(
    request: Request, user: PostingAdmin, username: str = Form(""), display_name: str = Form(""),
    role: str = Form("officer"), password: str = Form(""),
) -> Response:
    try:
        await services_of(request).accounts.create(username, password, role=role, display_name=display_name or None)
    except AccountError as err:
        return back_to("/console/accounts?error=" + quote(_account_error(err)))
    await audit(request, user, "account_added", username, role)
    return back_to("/console/accounts?done=" + quote(f"เพิ่มบัญชี {username} แล้ว"))


@router.post("/accounts/{username}/password")
async def reset_password(request: Request, user: PostingAdmin, username: str, password: str = Form("")) -> Response:
    try:
        await services_of(request).accounts.set_password(username, password)
    except AccountError as err:
        return back_to("/console/accounts?error=" + quote(_account_error(err)))
    await audit(request, user, "account_password_reset", username)
    return back_to("/console/accounts?done=" + quote(f"ตั้งรหัสผ่านใหม่ให้ {username} แล้ว"))


@router.post("/accounts/{username}/deactivate")
async def deactivate(request: Request, user: PostingAdmin, username: str) -> Response:
    if username == user.officer.username:
        return back_to("/console/accounts?error=" + quote("ปิดบัญชีของตัวเองไม่ได้"))
    try:
        await services_of(request).accounts.deactivate(username)
    except AccountError as err:
        return back_to("/console/accounts?error=" + quote(_account_error(err)))
    await audit(request, user, "account_deactivated", username)
    return back_to("/console/accounts?done=" + quote(f"ปิดบัญชี {username} แล้ว"))
