"""GET /metrics: only with the bearer token, and the figures move when citizens write."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.config import Settings
from bot.metrics import CountedSms, Metrics
from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer, Fault
from integrations.sms import SmsError
from integrations.sms.fake import FakeSms
from tests.factories import body, signed_headers, text_event

TOKEN = "metrics-test-token"


def value(exposition: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in exposition.splitlines():
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if match and match.group(1) == name:
            have = ",".join(sorted((match.group(2) or "").split(","))) if match.group(2) else ""
            if have == wanted:
                return float(match.group(3))
    return 0.0


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_no_token_configured_means_no_metrics_at_all(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404
    assert (await client.get("/metrics", headers={"Authorization": "Bearer anything"})).status_code == 404


async def test_a_wrong_or_missing_token_is_refused(client: httpx.AsyncClient, settings: Settings) -> None:
    settings.metrics_token = SecretStr(TOKEN)
    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
    assert (await client.get("/metrics", headers={"Authorization": TOKEN})).status_code == 401
    assert "bot_turns_total" not in (await client.get("/metrics")).text


async def test_a_question_moves_events_turns_intents_line_calls_and_the_latency_histogram(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, settings: Settings, user_id: str
) -> None:
    settings.metrics_token = SecretStr(TOKEN)
    before = await scrape(client)
    fake_line.token_owner["tok-m1"] = user_id
    fake_line.fail_next("/v2/bot/message/reply", Fault(429))  # refused (surely not delivered): retried
    for text, token in (("อบต.เปิดกี่โมงครับ", "tok-m1"), ("ฟหกดเสวง", None)):
        raw = body(text_event(user_id, text, reply_token=token))
        assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
    await app.state.queue.join()
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("bot_webhook_events_total", type="text") == 2
    assert grew("bot_nlu_intents_total", intent="office_hours") == 1
    assert grew("bot_nlu_intents_total", intent="unknown") == 1
    assert grew("bot_turns_total", dialog="office", outcome="ok") == 1
    assert grew("bot_turn_seconds_count", dialog="office") == 1
    assert grew("bot_line_api_calls_total", call="reply", status="429") == 1
    assert grew("bot_line_api_calls_total", call="reply", status="200") == 1
    assert grew("bot_line_api_calls_total", call="push", status="200") == 1  # no reply token: pushed
    assert value(after, "bot_queue_depth") == 0
    assert user_id not in after and "กี่โมง" not in after  # no citizen data in labels


async def test_sms_sent_and_failed_are_counted() -> None:
    metrics = Metrics()
    gateway = FakeSms()
    sms = CountedSms(gateway, metrics)  # what build_services puts around the configured gateway
    await sms.send("0812345678", "รหัส OTP 123456")
    gateway.fail_next(1)
    with pytest.raises(SmsError):
        await sms.send("0812345678", "รหัส OTP 654321")
    exposition = (await metrics.render()).decode()
    assert value(exposition, "bot_sms_total", outcome="sent") == 1
    assert value(exposition, "bot_sms_total", outcome="failed") == 1
    assert len(gateway.sent) == 1


async def test_gauges_read_their_probes_at_scrape_time_and_a_failing_probe_spares_the_rest(
    services: Services
) -> None:
    depth = {"outbox": 3.0}

    async def outbox() -> float:
        return depth["outbox"]

    async def broken() -> float:
        raise ConnectionError("database away")

    services.metrics.probe("outbox_depth", outbox)
    services.metrics.probe("open_handoffs", broken)
    assert value((await services.metrics.render()).decode(), "bot_outbox_depth") == 3
    depth["outbox"] = 0
    exposition = (await services.metrics.render()).decode()
    assert value(exposition, "bot_outbox_depth") == 0
    assert "bot_open_handoffs NaN" in exposition
    with pytest.raises(KeyError):
        services.metrics.probe("no_such_gauge", outbox)


async def test_outbox_depth_and_open_handoffs_are_counted_from_their_tables(
    client: httpx.AsyncClient, services: Services, settings: Settings
) -> None:
    from datetime import UTC, datetime, timedelta

    from integrations.storage.models.handoff import HandoffTicket
    from integrations.storage.models.office import OutboxMessage

    settings.metrics_token = SecretStr(TOKEN)
    now = datetime.now(UTC)
    later = now + timedelta(days=1)  # not due: the running outbox sender leaves it waiting
    async with services.db.session() as session:
        session.add(OutboxMessage(recipient="U1", messages=[{"type": "text", "text": "x"}],
                                  retry_key="123e4567-e89b-12d3-a456-426614174001", purpose="alert",
                                  next_attempt_at=later, created_at=now))
        session.add(OutboxMessage(recipient="U2", messages=[], retry_key="123e4567-e89b-12d3-a456-426614174002",
                                  purpose="alert", next_attempt_at=now, created_at=now, sent_at=now))
        session.add(HandoffTicket(line_user_id="U1", state="open", reason="asked", topic="ขอคุยกับเจ้าหน้าที่",
                                  opened_at=now))
        session.add(HandoffTicket(line_user_id="U2", state="closed", reason="asked", topic="เรื่องเดิม",
                                  opened_at=now, closed_at=now))
    exposition = await scrape(client)
    assert value(exposition, "bot_outbox_depth") == 1
    assert value(exposition, "bot_open_handoffs") == 1
