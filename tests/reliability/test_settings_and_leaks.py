"""Configuration faults fail fast in one line; nothing personal leaks into tables, logs or public pages."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from bot.config import Settings
from bot.logging import setup_logging
from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from integrations.storage.journal import EventJournal
from tests.factories import body, signed_headers, text_event
from tests.reliability.conftest import AppFactory
from tests.reliability.servers import REPO, free_port


@pytest.mark.parametrize(("name", "value"), [
    ("LOG_LEVEL", "loud"),
    ("SECRET_KEY", "abc"),
    ("KNOWLEDGE_DIR", "/no/such/folder"),
    ("WORKER_PARTITIONS", "many"),
    ("DATABASE_URL", "postgresql://bot:pw@127.0.0.1:{closed}/bot"),
    ("SMS_PROVIDER", "console"),  # with a public PUBLIC_BASE_URL, below
])
def test_a_bad_setting_stops_the_app_with_one_line_naming_it(name: str, value: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "SECRET_", "DATABASE_", "SMS_"))}
    env.update({"PYTHONPATH": str(REPO), name: value.format(closed=free_port())})
    if name == "SMS_PROVIDER":
        env["PUBLIC_BASE_URL"] = "https://line.thachalung.go.th"
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"configuration error: {name}:")


def test_log_levels_are_accepted_in_any_case() -> None:
    for spelling, level in (("warning", "WARNING"), ("Info", "INFO"), ("warn", "WARNING"), (" debug ", "DEBUG")):
        assert Settings(_env_file=None, log_level=spelling).log_level == level  # type: ignore[call-arg]


def test_console_sms_on_a_public_server_needs_an_explicit_yes() -> None:
    allowed = Settings(_env_file=None, public_base_url="https://line.example.go.th",  # type: ignore[call-arg]
                       allow_console_sms=True)
    assert allowed.sms_provider == "console"


async def test_api_docs_are_not_public_unless_turned_on(client: httpx.AsyncClient, app_with: AppFactory) -> None:
    for path in ("/docs", "/redoc"):
        assert (await client.get(path)).status_code == 404
    assert (await client.get("/openapi.json")).status_code == 401  # only with an officer's token
    async with app_with(api_docs=True) as (_, with_docs):
        assert (await with_docs.get("/openapi.json")).status_code == 200


async def test_a_flood_is_answered_twenty_times_then_once_politely_then_not_at_all(
    app_with: AppFactory, fake_line: FakeLineServer, user_id: str, other_user: str,
) -> None:
    async with app_with(rate_limit_per_minute=20) as (app, client):
        app.state.services.clock = lambda: datetime(2026, 12, 4, 3, 0, 30, tzinfo=UTC)  # one minute for it all
        for n in range(30):
            raw = body(text_event(user_id, f"สวัสดี {n}"))
            assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
        raw = body(text_event(other_user, "สวัสดี"))
        await client.post("/callback", content=raw, headers=signed_headers(raw))
        await app.state.queue.join()
    pushes_to_user = [c for c in fake_line.sent("/push") if c.body.get("to") == user_id]
    assert len(pushes_to_user) == 21  # 20 answers and one note
    note = pushes_to_user[-1].body["messages"][0]["text"]
    assert "ถี่เกินไป" in note and note.rstrip().endswith("ค่ะ")
    assert fake_line.texts_to(other_user)  # another citizen is not limited


async def test_an_otp_typed_after_its_flow_is_not_stored_in_unknown_questions(
    client: httpx.AsyncClient, app: FastAPI, services: Services, user_id: str
) -> None:
    for typed in ("482913", "รหัสคือ ๔๘๒๙๑๓ ค่ะ", "4829 13", "1.1017.00203.45.0 ค่ะ"):
        raw = body(text_event(user_id, typed))
        await client.post("/callback", content=raw, headers=signed_headers(raw))
    await app.state.queue.join()
    async with services.db.engine.connect() as conn:
        stored = [r[0] + r[1] for r in (await conn.execute(
            text("SELECT normalized, last_text FROM unknown_questions"))).all()]
    assert stored  # the questions were recorded, only masked
    joined = " ".join(stored)
    for secret in ("482913", "๔๘๒๙๑๓", "1101700203450", "1.1017.00203.45.0", "00203"):
        assert secret not in joined


async def test_no_log_shows_sql_parameters_even_at_debug(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    setup_logging("DEBUG")
    try:
        with caplog.at_level(logging.DEBUG):
            await EventJournal(services.db).add("evt-1101700203450", '{"text": "0812345678"}')
    finally:
        setup_logging("INFO")
    assert "1101700203450" not in caplog.text and "0812345678" not in caplog.text
