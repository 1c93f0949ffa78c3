"""JSON logs: one object a line, the event id of the turn, personal data masked (message and traceback)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from bot.logging import JsonFormatter, MaskingFilter, log_context
from integrations.line.fake import FakeLineServer, Fault
from tests.factories import body, signed_headers, text_event

NATIONAL_ID, PHONE, CODE = "1101700203450", "0812345678", "483920"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_is_json_and_ids_phones_codes_are_masked_in_message_and_traceback(json_log: io.StringIO) -> None:
    log = logging.getLogger("tests.infra.logging")
    with log_context("01EVENTID"):
        log.warning("citizen %s phone %s typed OTP %s", NATIONAL_ID, PHONE, CODE)
        try:
            raise ValueError(f"bad id {NATIONAL_ID} for 081-234-5678")
        except ValueError:
            log.exception("turn failed")
    log.warning("outside a turn")
    written = json_log.getvalue()
    for secret in (NATIONAL_ID, PHONE, CODE, "081-234-5678"):
        assert secret not in written
    first, failed, outside = lines(json_log)
    assert first["event_id"] == failed["event_id"] == "01EVENTID" and "event_id" not in outside
    assert first["level"] == "WARNING" and first["logger"] == "tests.infra.logging"
    assert "1-XXXX-XXXXX-XX-0" in str(first["msg"]) and "08X-XXX-5678" in str(first["msg"])
    assert "ValueError" in str(failed["exc"]) and NATIONAL_ID not in str(failed["exc"])


async def test_a_turn_logs_with_the_webhook_event_id_and_never_the_message_text(
    json_log: io.StringIO, client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    fake_line.fail_next("/v2/bot/message/reply", Fault(429))  # the client logs a retry inside the turn
    question = "ภาษีป้ายต้องใช้เอกสารอะไรบ้างคะ เลขบัตร " + NATIONAL_ID
    event = text_event(user_id, question, reply_token="tok-log")
    raw = body(event)
    assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
    await app.state.queue.join()
    logged = lines(json_log)
    retry = [e for e in logged if "reply failed" in str(e["msg"])]
    assert retry and retry[0]["event_id"] == event["webhookEventId"]
    written = json_log.getvalue()
    assert NATIONAL_ID not in written and "ภาษีป้ายต้องใช้เอกสาร" not in written
