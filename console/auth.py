"""Console log-in: a signed session cookie, a CSRF token on every form, roles.

- The cookie (`console_session`) holds the officer id, a random CSRF token and the account's
  `updated_at` stamp, signed and time-limited with itsdangerous (key derived from SECRET_KEY).
  HttpOnly, SameSite=Lax, Secure when PUBLIC_BASE_URL is https. A password reset or
  deactivation changes `updated_at`, which ends every session of that officer at once.
- Every state-changing request (POST) must carry the session's CSRF token, as the form field
  `csrf` or the `X-CSRF-Token` header (htmx sends it); the log-in form, before any session,
  uses a double-submit token in its own short-lived cookie.
- Passwords, lock-out and roles are the accounts service's (bot/office/accounts.py): the
  console calls it, it never checks a password itself.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.runtime.pii import pii_cipher
from bot.runtime.services import Services
from integrations.storage.models.office import Officer, OfficerRole

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """No valid console session: the handler sends the browser to the log-in page."""


class Forbidden(Exception):
    """Logged in, but this officer's role may not do this."""


class CsrfRejected(Exception):
    """A form post without the session's CSRF token."""


@dataclass(frozen=True)
class ConsoleUser:
    officer: Officer
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.officer.role == OfficerRole.admin.value

    @property
    def name(self) -> str:
        return self.officer.display_name or self.officer.username


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def serializer(services: Services) -> URLSafeTimedSerializer:
    key = pii_cipher(services.settings).index("console-session-signing-key")
    return URLSafeTimedSerializer(key, salt="console-session")


def secure_cookies(services: Services) -> bool:
    return services.settings.public_base_url.lower().startswith("https://")


def _stamp(officer: Officer) -> str:
    return officer.updated_at.isoformat() if officer.updated_at else ""


def session_cookie_value(services: Services, officer: Officer) -> tuple[str, str]:
    csrf = secrets.token_urlsafe(24)
    value = serializer(services).dumps({"o": officer.id, "c": csrf, "u": _stamp(officer)})
    return value, csrf


def cookie_options(services: Services, max_age: int) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": secure_cookies(services), "max_age": max_age,
            "path": "/console"}


async def current_user(request: Request) -> ConsoleUser:
    services = services_of(request)
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        raise LoginRequired()
    try:
        data = serializer(services).loads(raw, max_age=services.settings.console_session_hours * 3600)
        officer_id, csrf, stamp = int(data["o"]), str(data["c"]), str(data["u"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LoginRequired() from None
    officer = await services.accounts.get_by_id(officer_id)
    if officer is None or not officer.active or _stamp(officer) != stamp:
        raise LoginRequired()
    user = ConsoleUser(officer, csrf)
    request.state.console_user = user
    return user


async def check_csrf(request: Request, user: ConsoleUser) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, user.csrf):
        raise CsrfRejected()


async def posting_user(request: Request) -> ConsoleUser:
    """A logged-in officer whose POST carries the CSRF token."""
    user = await current_user(request)
    await check_csrf(request, user)
    return user


async def posting_admin(request: Request) -> ConsoleUser:
    user = await posting_user(request)
    if not user.is_admin:
        raise Forbidden()
    return user


async def viewing_admin(request: Request) -> ConsoleUser:
    user = await current_user(request)
    if not user.is_admin:
        raise Forbidden()
    return user


User = Annotated[ConsoleUser, Depends(current_user)]
PostingUser = Annotated[ConsoleUser, Depends(posting_user)]
PostingAdmin = Annotated[ConsoleUser, Depends(posting_admin)]
Admin = Annotated[ConsoleUser, Depends(viewing_admin)]
