"""Who may see and do what in the console: log-in, CSRF, lock-out, roles, cookie flags."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from bot.runtime.services import Services
from integrations.storage.models.handoff import HandoffMessage
from tests.console.conftest import csrf_of, log_in

PAGES = ["/console", "/console/inbox", "/console/inbox/1", "/console/inbox/list", "/console/cases",
         "/console/knowledge", "/console/dashboard", "/console/accounts", "/console/events",
         "/console/inbox/1/media/1"]
POSTS = ["/console/inbox/1/claim", "/console/inbox/1/reply", "/console/inbox/1/close", "/console/accounts",
         "/console/knowledge/faq-question", "/console/logout"]


@pytest.mark.parametrize("path", PAGES)
async def test_no_console_page_without_logging_in(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")


@pytest.mark.parametrize("path", POSTS)
async def test_no_console_action_without_logging_in(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.post(path, data={"text": "x"})
    assert answer.status_code == 401


async def test_an_htmx_request_without_a_session_is_sent_to_the_login_page(client: httpx.AsyncClient) -> None:
    answer = await client.get("/console/inbox/list", headers={"HX-Request": "true"})
    assert answer.status_code == 401 and answer.headers["HX-Redirect"].startswith("/console/login")


async def test_login_sets_a_secure_session_cookie_and_opens_the_inbox(
    client: httpx.AsyncClient, accounts: Callable[..., Awaitable[None]],
) -> None:
    await accounts("somsri")
    answer = await log_in(client, "somsri")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/inbox"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("console_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # http in tests
    inbox = await client.get("/console/inbox")
    assert inbox.status_code == 200 and "ขอคุยกับเจ้าหน้าที่" in inbox.text


async def test_the_cookie_is_secure_behind_https(services: Services, accounts: Callable[..., Awaitable[None]],
                                                 app: FastAPI) -> None:
    services.settings = services.settings.model_copy(update={"public_base_url": "https://bot.example.go.th"})
    await accounts("somsri")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://bot.test") as http:
        answer = await log_in(http, "somsri")
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("console_session="))
    assert "Secure" in cookie


async def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: httpx.AsyncClient, accounts: Callable[..., Awaitable[None]],
) -> None:
    await accounts("somsri")
    wrong = await log_in(client, "somsri", "not the password")
    unknown = await log_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.text and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in unknown.text
    assert (await client.get("/console/inbox")).status_code == 303


async def test_repeated_failures_lock_the_account(
    client: httpx.AsyncClient, accounts: Callable[..., Awaitable[None]], services: Services,
) -> None:
    await accounts("somsri")
    for _ in range(services.accounts.max_failed_logins):
        await log_in(client, "somsri", "guess guess")
    locked = await log_in(client, "somsri")  # even the right password, while locked
    assert locked.status_code == 401 and "บัญชีถูกล็อกชั่วคราว" in locked.text
    assert (await client.get("/console/inbox")).status_code == 303


async def test_a_login_post_without_its_csrf_token_is_refused(
    client: httpx.AsyncClient, accounts: Callable[..., Awaitable[None]],
) -> None:
    await accounts("somsri")
    await client.get("/console/login")
    answer = await client.post("/console/login", data={"username": "somsri", "password": "correct horse 1"})
    assert answer.status_code == 403
    assert (await client.get("/console/inbox")).status_code == 303


async def test_a_form_post_without_the_csrf_token_changes_nothing(
    client: httpx.AsyncClient, accounts: Callable[..., Awaitable[None]], services: Services,
) -> None:
    from bot.office.handoffs import HandoffService
    from core.handoff import OpenReason

    await accounts("somsri")
    await log_in(client, "somsri")
    opened = await HandoffService(services).open(line_user_id="U" + "1" * 32, reason=OpenReason.button, topic="x")
    path = f"/console/inbox/{opened.ticket.id}/reply"
    assert (await client.post(path, data={"text": "สวัสดีค่ะ"})).status_code == 403
    assert (await client.post(path, data={"text": "สวัสดีค่ะ", "csrf": "forged"})).status_code == 403
    view = await HandoffService(services).detail(opened.ticket.id or 0)
    assert view.messages == []
    page = await client.get(f"/console/inbox/{opened.ticket.id}")
    ok = await client.post(path, data={"text": "สวัสดีค่ะ", "csrf": csrf_of(page.text)})
    assert ok.status_code == 303
    view = await HandoffService(services).detail(opened.ticket.id or 0)
    assert [m.text for m in view.messages if isinstance(m, HandoffMessage)] == ["สวัสดีค่ะ"]


async def test_an_officer_cannot_do_admin_things(
    client: httpx.AsyncClient, accounts: Callable[..., Awaitable[None]], services: Services,
) -> None:
    await accounts("somsri")
    await log_in(client, "somsri")
    csrf = csrf_of((await client.get("/console/inbox")).text)
    assert (await client.get("/console/accounts")).status_code == 403
    added = await client.post("/console/accounts", data={"username": "mallory", "password": "12345678x",
                                                          "role": "admin", "csrf": csrf})
    assert added.status_code == 403 and await services.accounts.get("mallory") is None
    reset = await client.post("/console/accounts/somsri/password", data={"password": "newpass123", "csrf": csrf})
    assert reset.status_code == 403
    faq = await client.post("/console/knowledge/faq-question", data={"unknown_id": "1", "faq_id": "x", "csrf": csrf})
    assert faq.status_code == 403
    assert "บัญชีเจ้าหน้าที่" not in (await client.get("/console/inbox")).text  # no admin menu


async def test_an_admin_manages_accounts_and_a_reset_ends_the_old_sessions(
    app: FastAPI, accounts: Callable[..., Awaitable[None]], services: Services,
) -> None:
    await accounts("boss", role="admin")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as admin, \
            httpx.AsyncClient(transport=transport, base_url="http://bot.test") as newbie:
        await log_in(admin, "boss")
        csrf = csrf_of((await admin.get("/console/accounts")).text)
        added = await admin.post("/console/accounts", data={"username": "new1", "display_name": "น้องใหม่",
                                                             "role": "officer", "password": "first-pass-1",
                                                             "csrf": csrf})
        assert added.status_code == 303 and "done=" in added.headers["location"]
        assert "new1" in (await admin.get("/console/accounts")).text
        assert (await log_in(newbie, "new1", "first-pass-1")).status_code == 303
        assert (await newbie.get("/console/inbox")).status_code == 200
        reset = await admin.post("/console/accounts/new1/password", data={"password": "second-pass-2", "csrf": csrf})
        assert reset.status_code == 303
        assert (await newbie.get("/console/inbox")).status_code == 303  # the old session ended
        assert (await log_in(newbie, "new1", "second-pass-2")).status_code == 303
        gone = await admin.post("/console/accounts/new1/deactivate", data={"csrf": csrf})
        assert gone.status_code == 303
        assert (await newbie.get("/console/inbox")).status_code == 303
        assert (await log_in(newbie, "new1", "second-pass-2")).status_code == 401
