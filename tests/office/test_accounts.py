"""Officers' accounts: tokens stored hashed and revoked on re-issue, lock-out, the CLI, bearer auth on /api/v1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot.config import REPO_ROOT, Settings
from bot.office.accounts import AccountError, LoginOutcome, token_hash
from bot.runtime.services import Services
from integrations.storage.models.office import ApiToken, Officer
from tests.applications.helpers import FakeClock
from tests.office.conftest import PASSWORD, Staff

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL


async def test_a_token_is_stored_only_as_its_hash_and_a_new_one_revokes_the_old(services: Services,
                                                                               clock: FakeClock) -> None:
    await services.accounts.create("malee", PASSWORD)
    first = await services.accounts.issue_token("malee")
    async with services.db.session() as session:
        stored = [t.token_hash for t in (await session.exec(select(ApiToken))).all()]
    assert first not in stored and token_hash(first) in stored
    officer = await services.accounts.verify_token(first)
    assert officer is not None and officer.username == "malee"

    second = await services.accounts.issue_token("malee")
    assert second != first
    assert await services.accounts.verify_token(first) is None
    assert (await services.accounts.verify_token(second)) is not None
    assert await services.accounts.verify_token("made-up") is None


async def test_passwords_are_hashed_with_argon2_and_checked(services: Services, clock: FakeClock) -> None:
    await services.accounts.create("malee", PASSWORD)
    async with services.db.session() as session:
        officer = (await session.exec(select(Officer))).one()
    assert officer.password_hash.startswith("$argon2id$") and PASSWORD not in officer.password_hash
    assert (await services.accounts.verify_password("malee", PASSWORD)).outcome is LoginOutcome.ok
    assert (await services.accounts.verify_password("malee", "wrong one")).outcome is LoginOutcome.wrong
    assert (await services.accounts.verify_password("nobody", PASSWORD)).outcome is LoginOutcome.wrong


async def test_repeated_wrong_passwords_lock_the_account_with_growing_waits(services: Services,
                                                                            clock: FakeClock) -> None:
    await services.accounts.create("malee", PASSWORD)
    limit = services.settings.officer_max_failed_logins
    for _ in range(limit - 1):
        assert (await services.accounts.verify_password("malee", "guess")).outcome is LoginOutcome.wrong
    locked = await services.accounts.verify_password("malee", "guess")
    assert locked.outcome is LoginOutcome.locked and locked.locked_until is not None
    first_lock = locked.locked_until - clock.now
    # even the right password is refused while locked
    assert (await services.accounts.verify_password("malee", PASSWORD)).outcome is LoginOutcome.locked

    clock.advance(seconds=first_lock.total_seconds() + 1)
    again = await services.accounts.verify_password("malee", "guess")
    assert again.outcome is LoginOutcome.locked and again.locked_until is not None
    assert again.locked_until - clock.now == first_lock * 2

    clock.advance(days=1)
    assert (await services.accounts.verify_password("malee", PASSWORD)).outcome is LoginOutcome.ok
    assert (await services.accounts.verify_password("malee", "guess")).outcome is LoginOutcome.wrong  # reset


async def test_set_password_lifts_a_lock_and_deactivate_revokes_everything(services: Services,
                                                                          clock: FakeClock) -> None:
    await services.accounts.create("malee", PASSWORD)
    token = await services.accounts.issue_token("malee")
    for _ in range(services.settings.officer_max_failed_logins):
        await services.accounts.verify_password("malee", "guess")
    await services.accounts.set_password("malee", "a brand new one")
    assert (await services.accounts.verify_password("malee", "a brand new one")).outcome is LoginOutcome.ok

    await services.accounts.deactivate("malee")
    assert await services.accounts.verify_token(token) is None
    assert (await services.accounts.verify_password("malee", "a brand new one")).outcome is LoginOutcome.inactive
    with pytest.raises(AccountError):
        await services.accounts.issue_token("malee")


async def test_bad_account_requests_are_refused_with_a_reason(services: Services, clock: FakeClock) -> None:
    await services.accounts.create("malee", PASSWORD)
    with pytest.raises(AccountError, match="exists"):
        await services.accounts.create("malee", PASSWORD)
    with pytest.raises(AccountError, match="at least"):
        await services.accounts.create("short", "1234")
    with pytest.raises(AccountError, match="role must be"):
        await services.accounts.create("x", PASSWORD, role="boss")
    with pytest.raises(AccountError, match="no officer"):
        await services.accounts.issue_token("ghost")


async def test_the_api_wants_a_valid_bearer_token_and_the_right_role(client: httpx.AsyncClient, app: FastAPI,
                                                                      staff: Staff) -> None:
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await client.get("/api/v1/me", headers={"Authorization": "Basic abc"})).status_code == 401
    assert (await client.get("/api/v1/me", headers=Staff.auth("not-a-token"))).status_code == 401
    me = await client.get("/api/v1/me", headers=staff.officer)
    assert me.status_code == 200 and me.json()["username"] == "somchai" and me.json()["role"] == "officer"
    assert (await client.get("/api/v1/officers", headers=staff.officer)).status_code == 403
    listed = await client.get("/api/v1/officers", headers=staff.admin)
    assert listed.status_code == 200 and {o["username"] for o in listed.json()} == {"somchai", "head"}
    assert (await client.get("/openapi.json")).status_code == 401  # officers only (issue 15)
    schema = (await client.get("/openapi.json", headers=staff.officer)).json()
    assert "/api/v1/me" in schema["paths"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer"
               for s in schema["components"]["securitySchemes"].values())


def _cli(args: list[str], settings: Settings, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "PYTHONPATH": str(REPO_ROOT),
           "STORAGE_DIR": str(settings.storage_dir)}
    return subprocess.run([sys.executable, "-m", "bot", "officer", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=Path(REPO_ROOT), timeout=120)


async def test_the_cli_creates_an_officer_from_a_piped_password_and_prints_a_working_token(
    services: Services, settings: Settings, client: httpx.AsyncClient
) -> None:
    added = _cli(["add", "somsri", "--role", "admin", "--display-name", "สมศรี"], settings, PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    me = await client.get("/api/v1/me", headers=Staff.auth(token))
    assert me.json() == {"username": "somsri", "display_name": "สมศรี", "role": "admin", "active": True,
                         "last_login_at": None}
    assert (await services.accounts.verify_password("somsri", PASSWORD)).outcome is LoginOutcome.ok

    renewed = _cli(["token", "somsri"], settings, "")
    new_token = renewed.stdout.strip().splitlines()[-1]
    assert renewed.returncode == 0 and new_token != token
    assert (await client.get("/api/v1/me", headers=Staff.auth(token))).status_code == 401
    assert (await client.get("/api/v1/me", headers=Staff.auth(new_token))).status_code == 200

    again = _cli(["add", "somsri"], settings, PASSWORD + "\n")
    assert again.returncode == 1 and "exists" in again.stderr
    listed = _cli(["list"], settings, "")
    assert "somsri\tadmin\tactive" in listed.stdout

