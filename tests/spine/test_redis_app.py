"""The same app on Redis (REDIS_URL): de-duplication and sessions shared across processes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app import create_app
from bot.config import Settings
from bot.runtime.kv import RedisStore
from bot.runtime.services import build_services
from bot.runtime.understanding import NluService
from integrations.line.fake import FakeLineServer
from knowledge.store import KnowledgeStore
from tests.factories import body, signed_headers, text_event

pytestmark = pytest.mark.redis


@pytest.fixture
async def redis_client(
    settings: Settings, redis_url: str, knowledge_store: KnowledgeStore, nlu_service: NluService
) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    redis_settings = settings.model_copy(update={"redis_url": redis_url})
    store = RedisStore(redis_url)
    await store.redis.flushdb()
    services = build_services(redis_settings, store=store, knowledge=knowledge_store, nlu=nlu_service)
    application = create_app(services=services)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
            yield http, application


async def test_redelivery_is_processed_once_and_the_session_lives_in_redis(
    redis_client: tuple[httpx.AsyncClient, object], fake_line: FakeLineServer, user_id: str, redis_url: str
) -> None:
    http, application = redis_client
    event = text_event(user_id, "สวัสดีค่ะ", reply_token="tok-redis")
    raw = body(event)
    again = body({**event, "deliveryContext": {"isRedelivery": True}})
    for payload in (raw, again, raw):
        assert (await http.post("/callback", content=payload, headers=signed_headers(payload))).status_code == 200
    await application.state.queue.join()  # type: ignore[attr-defined]
    assert len(fake_line.sent("/reply")) + len(fake_line.sent("/push")) == 1
    probe = RedisStore(redis_url)
    try:
        assert await probe.get(f"sess:user:{user_id}") is not None
        assert await probe.get(f"evt:{event['webhookEventId']}") == "1"
    finally:
        await probe.close()
    ready = await http.get("/readyz")
    assert ready.json()["store"] == "ok"
