"""Property: no signed body, however wrong, gets a 5xx (issue 15: 948 of 3,477 did).

Hypothesis mutates real LINE events (wrong types, missing or extra fields, odd nesting,
several events per body) and also sends arbitrary bytes; every answer must be below 500.
HYPOTHESIS_WEBHOOK_EXAMPLES sets the count (5,000 by default, as CI runs it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from app import create_app
from bot.config import Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import build_services
from bot.runtime.understanding import NluService
from bot.transport.events import InboundEvent
from bot.transport.queue import InProcessQueue
from integrations.line.client import NullMessenger
from integrations.sms.fake import FakeSms
from knowledge.store import KnowledgeStore
from tests.factories import CHANNEL_SECRET, base_event, message_event, postback_event, signed_headers, text_event

EXAMPLES = int(os.environ.get("HYPOTHESIS_WEBHOOK_EXAMPLES", "5000"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats()
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELD_PATHS = [
    ("type",), ("timestamp",), ("replyToken",), ("webhookEventId",), ("mode",), ("source",), ("source", "type"),
    ("source", "userId"), ("source", "groupId"), ("deliveryContext",), ("deliveryContext", "isRedelivery"),
    ("message",), ("message", "type"), ("message", "text"), ("message", "id"), ("message", "latitude"),
    ("message", "fileSize"), ("message", "keywords"), ("message", "contentProvider"), ("postback",),
    ("postback", "data"), ("postback", "params"), ("emojis",),
]


def _templates(user: str) -> list[dict[str, Any]]:
    return [
        text_event(user, "สวัสดีค่ะ", reply_token="tok"),
        message_event(user, {"type": "location", "title": "t", "address": "a", "latitude": 13.7, "longitude": 100.5}),
        message_event(user, {"type": "image", "contentProvider": {"type": "line"}}),
        message_event(user, {"type": "file", "fileName": "a.pdf", "fileSize": 10}),
        message_event(user, {"type": "sticker", "packageId": "1", "stickerId": "2", "keywords": ["a"]}),
        postback_event(user, "a=services"),
        base_event("follow", user),
        base_event("unsend", user),
    ]


@st.composite
def mutated_event(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(st.sampled_from(["U" + "a" * 32, "U" + "b" * 32, "U\ud800x", ""]))
    event = json.loads(json.dumps(draw(st.sampled_from(_templates(user)))))
    for path in draw(st.lists(st.sampled_from(FIELD_PATHS), max_size=3)):
        parent: Any = event
        for key in path[:-1]:
            if not isinstance(parent.get(key), dict):
                parent[key] = {}
            parent = parent[key]
        if draw(st.booleans()):
            parent[path[-1]] = draw(json_values)
        else:
            parent.pop(path[-1], None)
    return event


@st.composite
def webhook_body(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=64))
    if kind == 1:
        return json.dumps(draw(json_values)).encode()
    events: list[Any] = draw(st.lists(mutated_event(), min_size=1, max_size=3))
    if kind == 2:
        events.append(draw(json_values))
    payload: Any = {"destination": "Ubot", "events": events}
    if kind == 3:
        payload = {k: v for k, v in payload.items() if draw(st.booleans())}
    return json.dumps(payload).encode()  # ASCII escapes, so lone surrogates survive as LINE would send them


def test_no_generated_body_gets_a_5xx(
    tmp_path: Path, knowledge_store: KnowledgeStore, nlu_service: NluService
) -> None:
    config = Settings(
        _env_file=None,  # type: ignore[call-arg]
        line_channel_secret=CHANNEL_SECRET, line_channel_access_token="t",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", storage_dir=tmp_path / "uploads",
        watch_knowledge=False, redis_url=None, queue_max_pending=100_000,
    )
    services = build_services(config, line=NullMessenger(), store=MemoryStore(), knowledge=knowledge_store,
                              nlu=nlu_service, sms=FakeSms())
    statuses: dict[int, int] = {}

    handled: list[str] = []

    async def record(event: InboundEvent) -> None:
        handled.append(event.model_dump_json())  # what every consumer does first: it must serialise

    application = create_app(services=services)
    with TestClient(application, raise_server_exceptions=False) as client:
        # the webhook is under test, not the dialogs (their own tests cover odd input): a light consumer
        application.state.queue = InProcessQueue(record, partitions=4, max_pending=100_000)
        client.portal.call(application.state.queue.start)  # type: ignore[union-attr]

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(raw=webhook_body(), signed=st.integers(0, 19))
        def post(raw: bytes, signed: int) -> None:
            headers = signed_headers(raw) if signed else {"X-Line-Signature": "x"}
            status = client.post("/callback", content=raw, headers=headers).status_code
            statuses[status] = statuses.get(status, 0) + 1
            assert status < 500, raw[:300]

        post()
        client.portal.call(application.state.queue.stop)  # type: ignore[union-attr]
    assert sum(statuses.values()) >= EXAMPLES
    assert handled
    assert statuses.get(200, 0) > EXAMPLES // 4  # most bodies were real webhooks with some good events
