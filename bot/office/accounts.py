"""Officers' accounts: creation, API tokens, passwords with lock-out.

- Passwords: argon2id (argon2-cffi). Hashing costs tens of milliseconds of CPU on purpose,
  so it runs in a thread, never in the event loop.
- API tokens: `secrets.token_urlsafe(32)`, shown once; only sha256(token) is stored (a
  random 256-bit token needs no slow hash). Issuing a token revokes the officer's others.
- Lock-out: after `officer_max_failed_logins` wrong passwords in a row the account locks
  for `officer_lock_minutes`, doubling with each further failure (at most a day). A right
  password while locked is refused too, so guessing during a lock gains nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from integrations.storage.db import Database
from integrations.storage.models.office import ApiToken, Officer, OfficerRole

MIN_PASSWORD_LENGTH = 8
MAX_LOCK = timedelta(days=1)
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A request the accounts refuse, with a reason an officer can read."""


class LoginOutcome(StrEnum):
    ok = "ok"
    wrong = "wrong"  # unknown user or wrong password (the caller must not say which)
    locked = "locked"
    inactive = "inactive"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    officer: Officer | None = None
    locked_until: datetime | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")


class OfficerAccounts:
    def __init__(self, db: Database, clock: Callable[[], datetime], *, max_failed_logins: int = 5,
                 lock_minutes: int = 15) -> None:
        self.db = db
        self.clock = clock
        self.max_failed_logins = max_failed_logins
        self.lock_minutes = lock_minutes

    # --- officers -------------------------------------------------------------------------
    async def create(self, username: str, password: str, *, role: OfficerRole | str = OfficerRole.officer,
                     display_name: str | None = None) -> Officer:
        username = username.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise AccountError("the username must be 1-64 characters without spaces")
        if role not in {r.value for r in OfficerRole}:
            raise AccountError(f"the role must be one of: {', '.join(r.value for r in OfficerRole)}")
        role = OfficerRole(role)
        _check_password(password)
        password_hash = await asyncio.to_thread(_hasher.hash, password)
        now = self.clock()
        officer = Officer(username=username, display_name=(display_name or username).strip()[:120],
                          role=role.value, password_hash=password_hash, created_at=now, updated_at=now)
        try:
            async with self.db.session() as session:
                session.add(officer)
        except IntegrityError as exc:
            raise AccountError(f"an officer named {username!r} exists already") from exc
        return officer

    async def get(self, username: str) -> Officer | None:
        async with self.db.session() as session:
            return (await session.exec(select(Officer).where(Officer.username == username))).first()

    async def get_by_id(self, officer_id: int) -> Officer | None:
        async with self.db.session() as session:
            return await session.get(Officer, officer_id)

    async def list(self) -> list[Officer]:
        async with self.db.session() as session:
            return list((await session.exec(select(Officer).order_by(col(Officer.username)))).all())

    async def _require(self, username: str) -> Officer:
        officer = await self.get(username)
        if officer is None:
            raise AccountError(f"no officer named {username!r}")
        return officer

    async def deactivate(self, username: str) -> None:
        """The officer can no longer log in or use the API; their history stays."""
        officer = await self._require(username)
        now = self.clock()
        async with self.db.session() as session:
            await session.exec(update(Officer).where(col(Officer.id) == officer.id)
                               .values(active=False, updated_at=now))
            await session.exec(update(ApiToken).where(col(ApiToken.officer_id) == officer.id,
                                                      col(ApiToken.revoked_at).is_(None)).values(revoked_at=now))

    async def set_password(self, username: str, password: str) -> None:
        """A new password; it also lifts a lock-out (an admin resets a locked officer this way)."""
        officer = await self._require(username)
        _check_password(password)
        password_hash = await asyncio.to_thread(_hasher.hash, password)
        async with self.db.session() as session:
            await session.exec(update(Officer).where(col(Officer.id) == officer.id).values(
                password_hash=password_hash, failed_logins=0, locked_until=None, updated_at=self.clock()))

    # --- tokens ---------------------------------------------------------------------------
    async def issue_token(self, username: str) -> str:
        """A new API token for the officer (returned once); every older token is revoked."""
        officer = await self._require(username)
        if not officer.active:
            raise AccountError(f"officer {username!r} is deactivated")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        async with self.db.session() as session:
            await session.exec(update(ApiToken).where(col(ApiToken.officer_id) == officer.id,
                                                      col(ApiToken.revoked_at).is_(None)).values(revoked_at=now))
            session.add(ApiToken(officer_id=officer.id or 0, token_hash=token_hash(token), created_at=now))
        return token

    async def verify_token(self, token: str) -> Officer | None:
        """The active officer behind a valid, unrevoked token, else None."""
        if not token:
            return None
        async with self.db.session() as session:
            row = (await session.exec(
                select(ApiToken, Officer).join(Officer, col(Officer.id) == col(ApiToken.officer_id))
                .where(ApiToken.token_hash == token_hash(token), col(ApiToken.revoked_at).is_(None))
            )).first()
            if row is None or not row[1].active:
                return None
            await session.exec(update(ApiToken).where(col(ApiToken.id) == row[0].id)
                               .values(last_used_at=self.clock()))
            return row[1]

    # --- passwords ------------------------------------------------------------------------
    async def verify_password(self, username: str, password: str) -> LoginResult:
        officer = await self.get(username)
        if officer is None:
            # same work as a real check, so timing does not tell which usernames exist
            await asyncio.to_thread(_verify, _DUMMY_HASH, password)
            return LoginResult(LoginOutcome.wrong)
        now = self.clock()
        if not officer.active:
            return LoginResult(LoginOutcome.inactive)
        if officer.locked_until is not None and officer.locked_until > now:
            return LoginResult(LoginOutcome.locked, locked_until=officer.locked_until)
        if await asyncio.to_thread(_verify, officer.password_hash, password):
            async with self.db.session() as session:
                await session.exec(update(Officer).where(col(Officer.id) == officer.id).values(
                    failed_logins=0, locked_until=None, last_login_at=now))
            officer.failed_logins, officer.locked_until, officer.last_login_at = 0, None, now
            return LoginResult(LoginOutcome.ok, officer=officer)
        failures = officer.failed_logins + 1
        locked_until = None
        if failures >= self.max_failed_logins:
            lock = timedelta(minutes=self.lock_minutes) * 2 ** (failures - self.max_failed_logins)
            locked_until = now + min(lock, MAX_LOCK)
        async with self.db.session() as session:
            await session.exec(update(Officer).where(col(Officer.id) == officer.id).values(
                failed_logins=failures, locked_until=locked_until))
        if locked_until is not None:
            return LoginResult(LoginOutcome.locked, locked_until=locked_until)
        return LoginResult(LoginOutcome.wrong)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = _hasher.hash("not-a-real-password")
