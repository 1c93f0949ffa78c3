"""The officers' console at /console: server-rendered Jinja2 pages, htmx for partial updates,
server-sent events for the live inbox. Thai interface, large touch targets (tablet first).

Every page calls the same services as the officers' API (bot/office/…); nothing here decides
a rule. `install(app)` mounts the router, the static files and the handlers that turn a
missing log-in into the log-in page, a wrong role into 403 and a CSRF-less post into 403.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func
from sqlmodel import col, select

from bot.office.accounts import LoginOutcome
from bot.office.handoffs import HandoffService, OfficerRef, TicketNotFound
from console.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleUser,
    CsrfRejected,
    Forbidden,
    LoginRequired,
    PostingUser,
    User,
    cookie_options,
    current_user,
    services_of,
    session_cookie_value,
)
from core.handoff import HandoffRefused
from core.thai_dates import number, thai_duration
from integrations.storage.models.handoff import HandoffMessage, HandoffTicket

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/console", include_in_schema=False)
SSE_RECHECK_SECONDS = 3.0  # re-read the database this often (events from other processes)
SSE_MAX_SECONDS = 300.0  # the browser reconnects by itself; a stream never lives for ever
LOGIN_CSRF_SECONDS = 3600

STATE_LABELS = {"open": "รอเจ้าหน้าที่", "claimed": "กำลังตอบ", "closed": "ปิดแล้ว"}
REASON_LABELS = {"asked": "พิมพ์ขอคุย", "button": "กดปุ่ม", "misses": "บอทตอบไม่ได้"}


def _local(services: Any, moment: datetime | None) -> str:
    if moment is None:
        return "-"
    zone = ZoneInfo(services.settings.timezone)
    local = moment.astimezone(zone)
    return f"{local:%d/%m/}{local.year + 543} {local:%H:%M} น."


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    services = services_of(request)
    user: ConsoleUser | None = getattr(request.state, "console_user", None)
    base = {"user": user, "csrf": user.csrf if user else "", "when": lambda m: _local(services, m),
            "state_labels": STATE_LABELS, "reason_labels": REASON_LABELS,
            "office": services.knowledge.current.office}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def back_to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def officer_ref(user: ConsoleUser) -> OfficerRef:
    assert user.officer.id is not None
    return OfficerRef(id=user.officer.id, name=user.name)


# --- log-in -----------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/console/inbox", error: str = "") -> HTMLResponse:
    services = services_of(request)
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_csrf=token, next=_safe_next(next), error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, **cookie_options(services, LOGIN_CSRF_SECONDS))
    return response


def _safe_next(target: str) -> str:
    """Only a path inside the console (never another site) after log-in."""
    return target if target.startswith("/console/") and not target.startswith("//") else "/console/inbox"


@router.post("/login")
async def login(
    request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/console/inbox"),
    csrf: str = Form(""),
) -> Response:
    services = services_of(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf or not cookie or not secrets.compare_digest(csrf, cookie):
        raise CsrfRejected()
    result = await services.accounts.verify_password(username.strip(), password)
    if result.outcome is LoginOutcome.ok and result.officer is not None:
        value, _csrf = session_cookie_value(services, result.officer)
        entered = back_to(_safe_next(next))
        entered.set_cookie(SESSION_COOKIE, value,
                           **cookie_options(services, services.settings.console_session_hours * 3600))
        entered.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
        return entered
    if result.outcome is LoginOutcome.locked:
        until = _local(services, result.locked_until)
        error = f"ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อกชั่วคราวถึง {until} หรือให้ผู้ดูแลระบบตั้งรหัสผ่านใหม่"
    else:
        error = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status_code=401, login_csrf=token, next=_safe_next(next),
                      error=error, username=username)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, **cookie_options(services, LOGIN_CSRF_SECONDS))
    return response


@router.post("/logout")
async def logout(request: Request, user: PostingUser) -> Response:
    response = back_to("/console/login")
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@router.get("", include_in_schema=False)
async def home(request: Request, user: User) -> Response:
    return back_to("/console/inbox")


# --- inbox --------------------------------------------------------------------------------------


async def _inbox_context(request: Request, selected: int | None) -> dict[str, Any]:
    handoffs = HandoffService(services_of(request))
    tickets = await handoffs.list("open")
    return {"tickets": tickets, "selected": selected}


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, user: User) -> HTMLResponse:
    return render(request, "inbox.html", view=None, pick_services=_pick_services(request),
                  **await _inbox_context(request, None))


@router.get("/inbox/list", response_class=HTMLResponse)
async def inbox_list(request: Request, user: User, selected: int | None = None) -> HTMLResponse:
    return render(request, "_inbox_list.html", **await _inbox_context(request, selected))


@router.get("/inbox/{ticket_id}", response_class=HTMLResponse)
async def inbox_ticket(request: Request, user: User, ticket_id: int, error: str = "") -> HTMLResponse:
    try:
        view = await HandoffService(services_of(request)).detail(ticket_id)
    except TicketNotFound:
        return render(request, "not_found.html", status_code=404, what=f"คำขอคุยเลขที่ {ticket_id}")
    return render(request, "inbox.html", view=view, pick_services=_pick_services(request), error=error,
                  **await _inbox_context(request, ticket_id))


@router.get("/inbox/{ticket_id}/transcript", response_class=HTMLResponse)
async def inbox_transcript(request: Request, user: User, ticket_id: int) -> HTMLResponse:
    try:
        view = await HandoffService(services_of(request)).detail(ticket_id)
    except TicketNotFound:
        return render(request, "not_found.html", status_code=404, what=f"คำขอคุยเลขที่ {ticket_id}")
    return render(request, "_ticket.html", view=view, pick_services=_pick_services(request))


@router.get("/inbox/{ticket_id}/media/{message_id}")
async def inbox_media(request: Request, user: User, ticket_id: int, message_id: int) -> Response:
    handoffs = HandoffService(services_of(request))
    try:
        message = await handoffs.message(ticket_id, message_id)
    except TicketNotFound:
        return Response(status_code=404)
    if not message.file_key:
        return Response(status_code=404)
    data = await handoffs.services.files.read(message.file_key)
    return Response(data, media_type=message.content_type or "application/octet-stream",
                    headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


async def _after_action(request: Request, ticket_id: int, error: str | None = None) -> Response:
    if is_htmx(request):
        view = await HandoffService(services_of(request)).detail(ticket_id)
        return render(request, "_ticket.html", view=view, pick_services=_pick_services(request), error=error,
                      status_code=409 if error else 200)
    suffix = f"?error={quote(error)}" if error else ""
    return back_to(f"/console/inbox/{ticket_id}{suffix}")


def _refusal_text(err: HandoffRefused) -> str:
    return {
        "claimed_by_other": "เจ้าหน้าที่อีกท่านรับเรื่องนี้ไปแล้ว",
        "closed": "เรื่องนี้ปิดไปแล้ว ประชาชนกลับไปคุยกับบอทแล้ว",
        "empty": "กรุณาพิมพ์ข้อความก่อนส่ง",
        "too_long": "ข้อความยาวเกินไป กรุณาแบ่งส่งเป็นหลายข้อความ",
        "invalid_transition": "ทำรายการนี้กับเรื่องในสถานะนี้ไม่ได้",
    }.get(err.code, err.reason)


@router.post("/inbox/{ticket_id}/claim")
async def inbox_claim(request: Request, user: PostingUser, ticket_id: int) -> Response:
    try:
        await HandoffService(services_of(request)).claim(ticket_id, officer_ref(user))
    except TicketNotFound:
        return Response(status_code=404)
    except HandoffRefused as err:
        return await _after_action(request, ticket_id, _refusal_text(err))
    return await _after_action(request, ticket_id)


@router.post("/inbox/{ticket_id}/reply")
async def inbox_reply(request: Request, user: PostingUser, ticket_id: int, text: str = Form("")) -> Response:
    try:
        await HandoffService(services_of(request)).reply(ticket_id, officer_ref(user), text)
    except TicketNotFound:
        return Response(status_code=404)
    except HandoffRefused as err:
        return await _after_action(request, ticket_id, _refusal_text(err))
    return await _after_action(request, ticket_id)


@router.post("/inbox/{ticket_id}/pick")
async def inbox_pick(
    request: Request, user: PostingUser, ticket_id: int, service_id: str = Form(""), what: str = Form("card")
) -> Response:
    """The quick "send the service card / checklist" picker: the text comes from the knowledge files."""
    services = services_of(request)
    service = services.knowledge.current.services.get(service_id)
    if service is None:
        return await _after_action(request, ticket_id, "กรุณาเลือกบริการ")
    text = service_text(services, service_id, checklist=what == "checklist")
    try:
        await HandoffService(services).reply(ticket_id, officer_ref(user), text)
    except TicketNotFound:
        return Response(status_code=404)
    except HandoffRefused as err:
        return await _after_action(request, ticket_id, _refusal_text(err))
    return await _after_action(request, ticket_id)


@router.post("/inbox/{ticket_id}/close")
async def inbox_close(request: Request, user: PostingUser, ticket_id: int) -> Response:
    try:
        await HandoffService(services_of(request)).close(ticket_id, officer_ref(user))
    except TicketNotFound:
        return Response(status_code=404)
    except HandoffRefused as err:
        return await _after_action(request, ticket_id, _refusal_text(err))
    return await _after_action(request, ticket_id)


def _pick_services(request: Request) -> list[tuple[str, str]]:
    snapshot = services_of(request).knowledge.current
    return sorted(((s.id, s.short_name) for s in snapshot.services.values()), key=lambda p: p[1])


def service_text(services: Any, service_id: str, *, checklist: bool) -> str:
    """A service's card or document checklist as one chat message, worded from the knowledge files."""
    snapshot = services.knowledge.current
    service = snapshot.services[service_id]
    msg = snapshot.message
    if checklist:
        documents = "\n".join(
            msg("handoff.pick.document", name=d.name, count=f"{d.originals + d.copies} {d.unit}")
            for d in service.documents)
        return msg("handoff.pick.checklist", service=service.short_name, documents=documents)
    fees = ", ".join(f"{f.description} {number(f.amount_baht)} บาท" if f.amount_baht is not None
                     else f"{f.description} ({f.rule})" for f in service.fees) or msg("handoff.pick.no_fee")
    return msg("handoff.pick.card", service=service.title, summary=service.summary,
               duration=thai_duration(msg, service.total_duration), fees=fees)


# --- live updates -------------------------------------------------------------------------------


async def _inbox_version(request: Request) -> tuple[Any, ...]:
    """A fingerprint of the inbox; when it changes, the browser re-reads its lists."""
    async with services_of(request).db.session() as session:
        tickets = (await session.exec(select(func.max(HandoffTicket.id), func.count(col(HandoffTicket.claimed_at)),
                                             func.count(col(HandoffTicket.closed_at))))).one()
        last_message = (await session.exec(select(func.max(HandoffMessage.id)))).one()
    return (*tickets, last_message)


@router.get("/events")
async def events(request: Request, user: User) -> StreamingResponse:
    """Server-sent events: `inbox` whenever a ticket opens, changes or gets a message."""
    services = services_of(request)
    feed = services.live

    async def stream() -> AsyncIterator[str]:
        queue = feed.subscribe()
        loop = asyncio.get_running_loop()
        ends = loop.time() + SSE_MAX_SECONDS
        try:
            version = await _inbox_version(request)
            yield "retry: 2000\n\n"
            while loop.time() < ends:
                try:
                    event = await asyncio.wait_for(queue.get(), SSE_RECHECK_SECONDS)
                except TimeoutError:
                    event = None
                if await request.is_disconnected():
                    break
                current = await _inbox_version(request)
                if event is None and current == version:
                    yield ": keep-alive\n\n"
                    continue
                version = current
                payload = {"kind": event["kind"], "ticket_id": event.get("ticket_id")} if event else {"kind": "db"}
                yield f"event: inbox\ndata: {json.dumps(payload)}\n\n"
        finally:
            feed.unsubscribe(queue)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# --- wiring -------------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """Mount the console on the app: routes, static files, and how log-in/role/CSRF failures look."""
    from console import case_pages, pages  # their routes import this module's helpers

    app.include_router(router)
    app.include_router(pages.router)
    app.include_router(case_pages.router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        target = f"/console/login?next={quote(request.url.path)}"
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": target})
        if request.method != "GET":
            return Response("login required", status_code=401)
        return back_to(target)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "forbidden.html", status_code=403)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return render(request, "forbidden.html", status_code=403, csrf_failed=True)


__all__ = ["CSRF_FIELD", "current_user", "install", "router"]
