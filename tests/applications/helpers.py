"""Test helpers for the application flow: constants, a settable clock, a webhook chat, conversation steps.

The conversation steps work through the webhook (WebhookChat) and the Simulator alike.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from fastapi import FastAPI

from bot.tools.textview import Action, Screen, screen_of
from integrations.line.fake import FakeLineServer
from tests.factories import body, message_event, postback_event, signed_headers, text_event

# 10:00 in Bangkok on 10 January 2026 = พ.ศ. 2569
START = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200
VALID_ID = "1101700203450"  # checksum-valid test number
OTHER_VALID_ID = "3100503377779"
PHONE = "0812345678"
ADDRESS = "12 หมู่ 5 ต.ท่าจะหลุง อ.โชคชัย จ.นครราชสีมา"


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_tokens = itertools.count(1)
_media_ids = itertools.count(900_000)


@dataclass
class WebhookChat:
    """A citizen talking to the real app through POST /callback; replies read from the fake LINE."""

    client: httpx.AsyncClient
    app: FastAPI
    line: FakeLineServer
    user_id: str
    last: Screen = field(default_factory=lambda: Screen(text="", actions=[]))
    history: list[str] = field(default_factory=list)

    async def send(self, event: dict[str, Any]) -> Screen:
        token = f"tok-app-{next(_tokens)}"
        event["replyToken"] = token
        self.line.token_owner[token] = self.user_id
        before = len(self.line.calls)
        raw = body(event)
        response = await self.client.post("/callback", content=raw, headers=signed_headers(raw))
        assert response.status_code == 200
        await self.app.state.queue.join()
        messages: list[dict[str, Any]] = []
        for call in self.line.calls[before:]:
            if call.status != 200 or not isinstance(call.body, dict):
                continue
            replied = call.path.endswith("/reply") and call.body.get("replyToken") == token
            pushed = call.path.endswith("/push") and call.body.get("to") == self.user_id
            if replied or pushed:
                messages.extend(call.body["messages"])
        self.last = screen_of(messages)
        self.history.append(self.last.text)
        return self.last

    async def text(self, text: str) -> Screen:
        return await self.send(text_event(self.user_id, text))

    async def postback(self, data: str) -> Screen:
        return await self.send(postback_event(self.user_id, data))

    async def image(self, content: bytes = JPEG, content_type: str = "image/jpeg") -> Screen:
        message_id = str(next(_media_ids))
        self.line.content[message_id] = (content, content_type)
        return await self.send(message_event(self.user_id, {"type": "image", "id": message_id,
                                                            "contentProvider": {"type": "line"}}))

    async def file(self, name: str, content: bytes = PDF, size: int | None = None) -> Screen:
        message_id = str(next(_media_ids))
        self.line.content[message_id] = (content, "application/pdf")
        return await self.send(message_event(self.user_id, {
            "type": "file", "id": message_id, "fileName": name, "fileSize": size or len(content),
        }))

    async def tap(self, action: Action) -> Screen:
        if action.data is not None:
            return await self.postback(action.data)
        return await self.text(action.text or action.label)

    async def choose(self, label_part: str) -> Screen:
        for action in self.last.actions:
            if label_part in action.label:
                return await self.tap(action)
        raise LookupError(f"no choice containing {label_part!r} in {[a.label for a in self.last.actions]}")

_sim_media_ids = itertools.count(700_000)


class Chat(Protocol):
    last: Screen

    async def text(self, text: str) -> Screen: ...
    async def postback(self, data: str) -> Screen: ...
    async def tap(self, action: Action) -> Screen: ...


async def tap(chat: Chat, label: str) -> Screen:
    """Tap the button or quick reply whose label is exactly `label`."""
    for action in chat.last.actions:
        if action.label == label:
            return await chat.tap(action)
    raise LookupError(f"no choice {label!r} in {[a.label for a in chat.last.actions]}")


async def photo(chat: Any, line: FakeLineServer, content: bytes = JPEG) -> Screen:
    if isinstance(chat, WebhookChat):
        return await chat.image(content)
    message_id = str(next(_sim_media_ids))
    line.content[message_id] = (content, "image/jpeg")
    screen: Screen = await chat.image(message_id)
    return screen


async def start_elderly(chat: Chat) -> Screen:
    screen = await chat.text("ขอยื่นเบี้ยยังชีพผู้สูงอายุ")
    assert "ข้อมูลส่วนบุคคล" in screen.text, screen.text
    return await tap(chat, "ยอมรับ")


async def identity(chat: Chat, name: str = "นายสมชาย ใจดี", national_id: str = VALID_ID,
                   phone: str = PHONE) -> Screen:
    await chat.text(name)
    await chat.text(national_id)
    await chat.text(phone)
    return await chat.text(ADDRESS)


async def elderly_form(chat: Chat) -> Screen:
    """Form fields (cash, no benefit): the bank account and the three condition questions follow from
    the payment method, so they are not asked; 2 documents."""
    screen = await chat.text("12 มีนาคม 2500")
    assert "ข้อ 2/4" in screen.text
    screen = await tap(chat, "1. รับเงินสดด้วยตนเ…")
    assert "ข้อ 4/4" in screen.text, screen.text  # no bank account for cash
    screen = await tap(chat, "ไม่ใช่")  # other state benefit
    assert "เอกสาร 1/2" in screen.text, screen.text
    return screen


async def to_review(chat: Any, line: FakeLineServer) -> Screen:
    await start_elderly(chat)
    await identity(chat)
    await elderly_form(chat)
    screen = await photo(chat, line)
    assert "เอกสาร 2/2" in screen.text
    screen = await photo(chat, line)
    assert "ตรวจสอบคำขอก่อนยื่น" in screen.text, screen.text
    return screen
