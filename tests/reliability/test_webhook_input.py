"""No input crashes a turn (issue 15): malformed events, huge bodies, a full queue."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from bot.runtime.sending import retry_key
from integrations.line.fake import FakeLineServer, Fault
from tests.factories import body, signed_headers, text_event
from tests.reliability.conftest import AppFactory


async def _post(client: httpx.AsyncClient, raw: bytes) -> httpx.Response:
    return await client.post("/callback", content=raw, headers=signed_headers(raw))


def _malformed(user_id: str) -> list[dict[str, object]]:
    """The wrong types the probe found, each in an otherwise good text event."""
    def event(**change: object) -> dict[str, object]:
        return {**text_event(user_id, "สวัสดี"), **change}

    location = text_event(user_id, "x")
    location["message"] = {"type": "location", "id": "9", "latitude": "abc", "longitude": 100.5}
    surrogate = text_event(user_id, "x")
    surrogate["source"] = {"type": "user", "userId": "U\ud800"}
    return [
        event(timestamp="abc"), event(source="x"), event(replyToken=123), event(message="x"),
        event(message=[1, 2]), event(deliveryContext="x"), event(webhookEventId={"a": 1}), location, surrogate,
        event(message={"type": "text", "id": "1", "text": 5}),
    ]


async def test_a_malformed_event_is_skipped_and_the_good_ones_around_it_are_answered(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str, other_user: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for bad in _malformed(user_id):
        first = text_event(user_id, "สวัสดี", reply_token=f"tok-{id(bad)}-1")
        third = text_event(other_user, "สวัสดี", reply_token=f"tok-{id(bad)}-3")
        fake_line.token_owner[first["replyToken"]] = user_id
        fake_line.token_owner[third["replyToken"]] = other_user
        # ASCII escapes, as LINE sends them: a lone surrogate is valid JSON ("\\ud800"), not valid UTF-8
        raw = json.dumps({"destination": "Ubot", "events": [first, bad, third]}).encode()
        assert (await _post(client, raw)).status_code == 200, bad
        # LINE redelivers the same body: nothing is answered twice
        assert (await _post(client, raw)).status_code == 200
    await app.state.queue.join()
    rounds = len(_malformed(user_id))
    assert len(fake_line.texts_to(user_id)) == rounds
    assert len(fake_line.texts_to(other_user)) == rounds
    assert "skipped, malformed" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_json_nested_a_thousand_levels_is_400_not_500(client: httpx.AsyncClient) -> None:
    deep = b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert (await _post(client, deep)).status_code == 400
    inner = json.dumps({"destination": "U", "events": [{"type": "message", "x": 1}]}).encode()
    nested_event = inner.replace(b'"x": 1', b'"x": ' + b"[" * 900 + b"]" * 900)  # parses; the event is then skipped
    assert (await _post(client, nested_event)).status_code == 200


async def test_a_body_above_the_limit_is_413_by_content_length_before_the_signature(
    app_with: AppFactory,
) -> None:
    async with app_with(webhook_max_body_bytes=10_000) as (_, client):
        response = await client.post("/callback", content=b"x" * 10_001, headers={"X-Line-Signature": "bad"})
        assert response.status_code == 413
        fits = await client.post("/callback", content=b"x" * 10_000, headers={"X-Line-Signature": "bad"})
        assert fits.status_code == 400  # read, then refused for its signature


async def test_a_streamed_body_without_length_is_cut_off_at_the_limit(app_with: AppFactory) -> None:
    produced: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(10_000):  # 640 MB if it were all read
            produced.append(1)
            yield b"x" * 65536

    async with app_with(webhook_max_body_bytes=200_000) as (_, client):
        response = await client.post("/callback", content=endless(), headers={"X-Line-Signature": "bad"})
    assert response.status_code == 413
    assert len(produced) < 100  # refused after a few chunks, not after reading the rest


async def test_the_webhook_answers_503_when_the_workers_cannot_keep_up(
    app_with: AppFactory, fake_line: FakeLineServer, user_id: str
) -> None:
    fake_line.fail_next("/v2/bot/message/push", Fault(status=200, delay=2.0))  # the first answer is slow
    async with app_with(queue_max_pending=3, worker_partitions=1) as (app, client):
        statuses = [(await _post(client, body(text_event(user_id, f"ข้อ {i}")))).status_code for i in range(8)]
        assert statuses[:3] == [200, 200, 200]
        assert 503 in statuses
        response = await _post(client, body(text_event(user_id, "อีกข้อ")))
        assert response.status_code == 503 and response.headers["Retry-After"]
        await app.state.queue.join()
        accepted = statuses.count(200)
    assert len(fake_line.sent("/push")) == accepted  # every acknowledged event was answered


async def test_a_reply_whose_outcome_is_unknown_is_not_sent_again_as_a_push(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    fake_line.token_owner["tok-500"] = user_id
    fake_line.fail_next("/v2/bot/message/reply", Fault(status=500))
    assert (await _post(client, body(text_event(user_id, "สวัสดี", reply_token="tok-500")))).status_code == 200
    await app.state.queue.join()
    replies = [c for c in fake_line.calls if c.path.endswith("/reply")]
    assert len(replies) == 1  # tried once: LINE may have delivered it
    assert fake_line.sent("/push") == []


async def test_a_reply_surely_refused_is_pushed_once_instead(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    fake_line.token_owner["tok-spent"] = user_id
    fake_line.expire_token("tok-spent")
    assert (await _post(client, body(text_event(user_id, "สวัสดี", reply_token="tok-spent")))).status_code == 200
    await app.state.queue.join()
    pushes = fake_line.sent("/push")
    assert len(pushes) == 1 and pushes[0].headers.get("X-Line-Retry-Key")


async def test_an_answer_line_does_not_take_now_is_delivered_later_by_the_outbox_once(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    fake_line.fail_next("/v2/bot/message/push", *[Fault(status=500)] * 5)  # the client's every try fails
    event = text_event(user_id, "สวัสดี")  # no reply token: answered by push
    raw = body(event)
    assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
    await app.state.queue.join()
    for _ in range(600):  # the outbox sender looks every OUTBOX_INTERVAL_SECONDS
        if fake_line.sent("/push"):
            break
        await asyncio.sleep(0.1)
    delivered = [c for c in fake_line.sent("/push") if c.body.get("to") == user_id]
    assert len(delivered) == 1
    assert delivered[0].headers["X-Line-Retry-Key"] == retry_key(str(event["webhookEventId"]), 0)
    failed_keys = {c.headers.get("X-Line-Retry-Key") for c in fake_line.calls if c.status == 500}
    assert failed_keys == {delivered[0].headers["X-Line-Retry-Key"]}  # the same key on every try
