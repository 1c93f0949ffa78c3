"""The real LINE client against the local fake LINE server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime.replies import Choice, Text
from bot.runtime.sending import ReplySender
from bot.transport.events import EventKind, InboundEvent
from integrations.line.client import LineError, RetryPolicy, SdkLineMessenger
from integrations.line.fake import FakeLineServer, Fault

TEXT = {"type": "text", "text": "ทดสอบ"}


@pytest.fixture
async def line(fake_line: FakeLineServer) -> AsyncIterator[SdkLineMessenger]:
    async def no_sleep(_: float) -> None:
        return None

    client = SdkLineMessenger("token", fake_line.base_url, fake_line.base_url,
                              retry=RetryPolicy(attempts=4, request_timeout=0.3), sleep=no_sleep)
    yield client
    await client.close()


async def test_push_retries_5xx_and_429_with_the_same_retry_key(
    line: SdkLineMessenger, fake_line: FakeLineServer
) -> None:
    fake_line.fail_next("/v2/bot/message/push", Fault(500), Fault(429, retry_after=1), Fault(503))
    await line.push("U1", [TEXT])
    pushes = [c for c in fake_line.calls if c.path == "/v2/bot/message/push"]
    assert [c.status for c in pushes] == [500, 429, 503, 200]
    keys = {c.headers["X-Line-Retry-Key"] for c in pushes}
    assert len(keys) == 1


async def test_push_retries_a_timeout(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    fake_line.fail_next("/v2/bot/message/push", Fault(200, delay=1.0))
    await line.push("U1", [TEXT])
    assert len(fake_line.sent("/push")) == 1


async def test_409_on_a_retry_means_already_accepted(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    key = "123e4567-e89b-12d3-a456-426614174000"
    await line.push("U1", [TEXT], retry_key=key)  # accepted, but pretend we never saw the answer
    fake_line.fail_next("/v2/bot/message/push", Fault(500))
    await line.push("U1", [TEXT], retry_key=key)  # retried: 500, then 409 → success, no exception
    statuses = [c.status for c in fake_line.calls if c.path == "/v2/bot/message/push"]
    assert statuses == [200, 500, 409]


async def test_other_4xx_are_not_retried(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    fake_line.fail_next("/v2/bot/message/push", Fault(400))
    with pytest.raises(LineError) as err:
        await line.push("U1", [TEXT])
    assert err.value.status == 400
    assert len([c for c in fake_line.calls if c.path == "/v2/bot/message/push"]) == 1


async def test_gives_up_after_the_last_attempt(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    fake_line.fail_next("/v2/bot/message/push", *[Fault(502)] * 4)
    with pytest.raises(LineError):
        await line.push("U1", [TEXT])


def _event(reply_token: str | None, event_id: str = "01EVT") -> InboundEvent:
    return InboundEvent(event_id=event_id, kind=EventKind.text, line_type="message", user_id="Ucitizen",
                        reply_token=reply_token, text="x")


async def test_expired_reply_token_falls_back_to_push(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    sender = ReplySender(line)
    await sender.send(_event("expired-token"), [Text(text="สวัสดีค่ะ")])
    assert [c.status for c in fake_line.calls if c.path.endswith("/reply")] == [400]
    pushes = fake_line.sent("/push")
    assert len(pushes) == 1 and pushes[0].body["to"] == "Ucitizen"
    assert pushes[0].body["messages"][0]["text"] == "สวัสดีค่ะ"


async def test_used_reply_token_falls_back_to_push(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    sender = ReplySender(line)
    fake_line.expire_token("tok")
    await sender.send(_event("tok"), [Text(text="ค่ะ")])
    assert len(fake_line.sent("/push")) == 1


async def test_long_answers_are_split_within_lines_limits(
    line: SdkLineMessenger, fake_line: FakeLineServer
) -> None:
    sender = ReplySender(line)
    long_text = "\n".join(f"บรรทัดที่ {i} " + "ก" * 90 for i in range(130))  # ~12,000 characters
    replies = [Text(text=f"ข้อความ {i}") for i in range(6)]
    replies.append(Text(text=long_text, choices=[Choice(label=f"ตัวเลือก {i}") for i in range(20)]))
    await sender.send(_event("fresh-token", "01SPLIT"), replies)
    reply = fake_line.sent("/reply")
    pushes = fake_line.sent("/push")
    sent = [m for c in reply + pushes for m in c.body["messages"]]
    assert len(reply) == 1 and len(reply[0].body["messages"]) == 5
    assert all(len(c.body["messages"]) <= 5 for c in pushes)
    assert all(len(m["text"]) <= 5000 for m in sent)
    assert "".join(m["text"] for m in sent[6:]).replace("\n", "") == long_text.replace("\n", "")
    assert len(sent[-1]["quickReply"]["items"]) == 13
    # each push batch has its own stable retry key
    assert len({c.headers["X-Line-Retry-Key"] for c in pushes}) == len(pushes)


async def test_loading_animation_and_content_download(line: SdkLineMessenger, fake_line: FakeLineServer) -> None:
    await line.show_loading("Ucitizen", seconds=20)
    loading = [c for c in fake_line.calls if c.path == "/v2/bot/chat/loading/start"]
    assert loading and loading[0].body == {"chatId": "Ucitizen", "loadingSeconds": 20}
    fake_line.content["m1"] = (b"%PDF-1.4 test", "application/pdf")
    data, content_type = await line.get_content("m1")
    assert data == b"%PDF-1.4 test" and content_type.startswith("application/pdf")


async def test_multicast_splits_recipients_and_retries_with_the_same_key(
    line: SdkLineMessenger, fake_line: FakeLineServer
) -> None:
    fake_line.fail_next("/v2/bot/message/multicast", Fault(500))
    users = [f"U{i:032x}" for i in range(650)]
    await line.multicast(users, [TEXT], retry_key="123e4567-e89b-12d3-a456-426614174000")
    calls = [c for c in fake_line.calls if c.path == "/v2/bot/message/multicast"]
    assert [c.status for c in calls] == [500, 200, 200]
    assert calls[0].headers["X-Line-Retry-Key"] == calls[1].headers["X-Line-Retry-Key"]
    assert calls[1].headers["X-Line-Retry-Key"] != calls[2].headers["X-Line-Retry-Key"]
    assert [len(c.body["to"]) for c in calls[1:]] == [500, 150]
