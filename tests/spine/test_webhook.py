"""The webhook contract: signatures, bodies, redelivery, ordering, every event type."""

from __future__ import annotations

import asyncio
import json

import httpx
from fastapi import FastAPI

from bot.transport.queue import partition_of
from integrations.line.fake import FakeLineServer
from tests.factories import base_event, body, message_event, postback_event, signed_headers, text_event


async def _settle(app: FastAPI) -> None:
    await app.state.queue.join()


async def test_valid_signature_is_answered_and_the_user_gets_a_thai_reply(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    fake_line.token_owner["tok-1"] = user_id
    raw = body(text_event(user_id, "สวัสดีค่ะ", reply_token="tok-1"))
    response = await client.post("/callback", content=raw, headers=signed_headers(raw))
    assert response.status_code == 200
    await _settle(app)
    texts = fake_line.texts_to(user_id)
    assert texts and "สวัสดีค่ะ" in texts[0]
    reply = fake_line.sent("/reply")[0]
    assert reply.headers["Authorization"] == "Bearer test-access-token"


async def test_missing_or_wrong_signature_is_400_and_nothing_is_processed(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    raw = body(text_event(user_id, "สวัสดี", reply_token="tok-x"))
    missing = await client.post("/callback", content=raw, headers={"Content-Type": "application/json"})
    wrong = await client.post("/callback", content=raw, headers={"X-Line-Signature": "AAAA" * 11})
    tampered_headers = signed_headers(raw)
    tampered = await client.post("/callback", content=raw.replace("สวัสดี".encode(), b"hello"),
                                 headers=tampered_headers)
    assert (missing.status_code, wrong.status_code, tampered.status_code) == (400, 400, 400)
    await _settle(app)
    assert fake_line.calls == []


async def test_bodies_that_are_not_line_webhooks_are_400(client: httpx.AsyncClient) -> None:
    for raw in (b"not json", b"[]", b'{"events": "nope"}', b'{"destination": "U1"}', b'{"events": [1]}',
                b"\xff\xfe"):
        response = await client.post("/callback", content=raw, headers=signed_headers(raw))
        assert response.status_code == 400, raw


async def test_verify_call_with_no_events_is_200(client: httpx.AsyncClient) -> None:
    raw = json.dumps({"destination": "Ubot", "events": []}).encode()
    response = await client.post("/callback", content=raw, headers=signed_headers(raw))
    assert response.status_code == 200


async def test_redelivered_event_is_processed_once(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    first = text_event(user_id, "สวัสดี", reply_token="tok-a", webhook_event_id="01REDELIVERED0000000000001")
    again = {**first, "replyToken": "tok-b", "deliveryContext": {"isRedelivery": True}}
    for event in (first, again):
        raw = body(event)
        assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
    await _settle(app)
    assert len(fake_line.sent("/reply")) + len(fake_line.sent("/push")) == 1


async def test_same_body_twice_at_once_is_processed_once(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str
) -> None:
    raw = body(text_event(user_id, "สวัสดี", reply_token="tok-twice"))
    responses = await asyncio.gather(
        *(client.post("/callback", content=raw, headers=signed_headers(raw)) for _ in range(5))
    )
    assert {r.status_code for r in responses} == {200}
    await _settle(app)
    assert len(fake_line.sent("/reply")) + len(fake_line.sent("/push")) == 1


async def test_one_users_events_stay_in_order_under_concurrent_delivery(
    client: httpx.AsyncClient, app: FastAPI, user_id: str, other_user: str
) -> None:
    seen: list[tuple[str, str]] = []
    processor = app.state.processor
    original = processor.turn

    async def recording_turn(event):  # type: ignore[no-untyped-def]
        seen.append((event.user_id, event.text))
        await asyncio.sleep(0.002)  # yield, so a broken queue would interleave
        return await original(event)

    processor.turn = recording_turn
    bodies = []
    for i in range(20):
        bodies.append(body(text_event(user_id, f"ข้อความ {i}")))
        bodies.append(body(text_event(other_user, f"ข้อความ {i}")))
    for raw in bodies:  # sent back to back, answered before processing
        assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
    await _settle(app)
    for user in (user_id, other_user):
        texts = [text for uid, text in seen if uid == user]
        assert texts == [f"ข้อความ {i}" for i in range(20)]


async def test_different_users_are_handled_in_parallel(
    client: httpx.AsyncClient, app: FastAPI, user_id: str
) -> None:
    partitions = app.state.services.settings.worker_partitions
    # two users in different partitions (users sharing a partition are, correctly, handled one by one)
    other_user = next(
        u for u in (f"U{i:032x}" for i in range(1000))
        if partition_of(f"user:{u}", partitions) != partition_of(f"user:{user_id}", partitions)
    )
    processor = app.state.processor
    running = 0
    peak = 0

    async def slow_turn(event):  # type: ignore[no-untyped-def]
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        return []

    processor.turn = slow_turn
    for user in (user_id, other_user):
        raw = body(text_event(user, "สวัสดี"))
        await client.post("/callback", content=raw, headers=signed_headers(raw))
    await _settle(app)
    assert peak == 2


ALL_EVENTS = [
    ("text", lambda u: text_event(u, "ทดสอบ", reply_token="r-text")),
    ("image", lambda u: message_event(u, {"type": "image", "quoteToken": "q",
                                          "contentProvider": {"type": "line"}}, reply_token="r-img")),
    ("video", lambda u: message_event(u, {"type": "video", "quoteToken": "q", "duration": 1000,
                                          "contentProvider": {"type": "line"}})),
    ("audio", lambda u: message_event(u, {"type": "audio", "duration": 1000, "contentProvider": {"type": "line"}})),
    ("file", lambda u: message_event(u, {"type": "file", "fileName": "a.pdf", "fileSize": 10})),
    ("location", lambda u: message_event(u, {"type": "location", "title": "บ้าน", "address": "โชคชัย",
                                             "latitude": 14.7, "longitude": 102.1})),
    ("sticker", lambda u: message_event(u, {"type": "sticker", "packageId": "1", "stickerId": "1",
                                            "stickerResourceType": "STATIC", "quoteToken": "q"})),
    ("future message", lambda u: message_event(u, {"type": "hologram"})),
    ("postback", lambda u: postback_event(u, "a=menu", reply_token="r-pb")),
    ("follow", lambda u: {**base_event("follow", u, reply_token="r-follow"), "follow": {"isUnblocked": False}}),
    ("unfollow", lambda u: base_event("unfollow", u)),
    ("join", lambda u: base_event("join", u, reply_token="r-join", source={"type": "group", "groupId": "C1"})),
    ("leave", lambda u: base_event("leave", u, source={"type": "group", "groupId": "C1"})),
    ("memberJoined", lambda u: {**base_event("memberJoined", u, source={"type": "group", "groupId": "C1"}),
                                "joined": {"members": [{"type": "user", "userId": u}]}}),
    ("memberLeft", lambda u: {**base_event("memberLeft", u, source={"type": "group", "groupId": "C1"}),
                              "left": {"members": [{"type": "user", "userId": u}]}}),
    ("unsend", lambda u: {**base_event("unsend", u), "unsend": {"messageId": "1"}}),
    ("videoPlayComplete", lambda u: {**base_event("videoPlayComplete", u, reply_token="r-v"),
                                     "videoPlayComplete": {"trackingId": "t"}}),
    ("beacon", lambda u: {**base_event("beacon", u, reply_token="r-b"), "beacon": {"hwid": "d41d8cd98f",
                                                                                  "type": "enter"}}),
    ("accountLink", lambda u: {**base_event("accountLink", u, reply_token="r-al"),
                               "link": {"result": "ok", "nonce": "n"}}),
    ("things", lambda u: {**base_event("things", u, reply_token="r-t"),
                          "things": {"deviceId": "d", "type": "link"}}),
    ("unknown type", lambda u: base_event("somethingNew", u)),
    ("malformed known type", lambda u: {"type": "postback", "webhookEventId": "01MALFORMED"}),
]


async def test_every_event_type_is_accepted_without_error(
    client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str, caplog
) -> None:  # type: ignore[no-untyped-def]
    raw = body(*(make(user_id) for _, make in ALL_EVENTS))
    response = await client.post("/callback", content=raw, headers=signed_headers(raw))
    assert response.status_code == 200
    await _settle(app)
    assert not [r for r in caplog.records if r.levelname in {"ERROR", "CRITICAL"}]
    answered = {c.body["replyToken"] for c in fake_line.sent("/reply")}
    # conversation events get an answer; unfollow, unsend, beacon… get none
    assert {"r-text", "r-img", "r-pb", "r-follow"} <= answered
    assert not answered & {"r-v", "r-b", "r-t", "r-al", "r-join"}


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "store": "ok", "database": "ok", "queue": "ok"}


async def test_without_a_channel_secret_every_call_is_refused_with_400(
    services, fake_line: FakeLineServer, user_id: str  # type: ignore[no-untyped-def]
) -> None:
    from app import create_app

    services.settings = services.settings.model_copy(update={"line_channel_secret": None})
    application = create_app(services=services)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
            raw = body(text_event(user_id, "สวัสดี"))
            for headers in ({}, signed_headers(raw), signed_headers(raw, secret="")):
                assert (await http.post("/callback", content=raw, headers=headers)).status_code == 400
    assert fake_line.calls == []
