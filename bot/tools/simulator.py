"""Drive the bot without LINE: same processor, same dispatcher, same rendering."""

from __future__ import annotations

import itertools
import time
from typing import Any

from bot.runtime.render import render_all
from bot.runtime.services import Services
from bot.runtime.worker import EventProcessor
from bot.tools.sample_media import sample_id
from bot.tools.textview import Action, Screen, screen_of
from bot.transport.events import EventKind, InboundEvent, Location


class Simulator:
    def __init__(self, services: Services, user_id: str = "Usimulator0000000000000000000000") -> None:
        self.processor = EventProcessor(services)
        self.user_id = user_id
        self.last: Screen = Screen(text="", actions=[])
        self.messages: list[dict[str, Any]] = []  # the last turn's LINE messages, as rendered
        self._ids = itertools.count(1)

    def _event(self, kind: EventKind, **fields: Any) -> InboundEvent:
        return InboundEvent(
            event_id=f"sim-{time.time_ns()}-{next(self._ids)}", kind=kind,
            line_type="message" if kind.value in {"text", "image", "file", "location", "sticker"} else kind.value,
            user_id=self.user_id, timestamp_ms=time.time_ns() // 1_000_000, **fields,
        )

    async def send(self, event: InboundEvent) -> Screen:
        replies = await self.processor.turn(event)
        self.messages = render_all(replies)
        self.last = screen_of(self.messages)
        return self.last

    async def text(self, text: str) -> Screen:
        return await self.send(self._event(EventKind.text, text=text, message_id=str(next(self._ids))))

    async def follow(self) -> Screen:
        return await self.send(self._event(EventKind.follow))

    async def postback(self, data: str) -> Screen:
        return await self.send(self._event(EventKind.postback, postback_data=data))

    async def image(self, message_id: str | None = None) -> Screen:
        message_id = message_id or sample_id("image", next(self._ids))  # the chat CLI serves a sample for it
        return await self.send(self._event(EventKind.image, message_id=message_id))

    async def file(self, name: str, size: int, message_id: str | None = None) -> Screen:
        message_id = message_id or sample_id("file", next(self._ids), name)
        return await self.send(self._event(EventKind.file, message_id=message_id, file_name=name, file_size=size))

    async def location(self, latitude: float, longitude: float, address: str = "") -> Screen:
        loc = Location(title=None, address=address or None, latitude=latitude, longitude=longitude)
        return await self.send(self._event(EventKind.location, location=loc, message_id=str(next(self._ids))))

    async def sticker(self) -> Screen:
        return await self.send(self._event(EventKind.sticker, message_id=str(next(self._ids))))

    async def pick(self, number: int) -> Screen:
        """Tap choice `number` (1-based) of the last screen, as a citizen would."""
        action = self.last.actions[number - 1]
        return await self.tap(action)

    async def choose(self, label_part: str) -> Screen:
        """Tap the first choice whose label contains `label_part`."""
        for action in self.last.actions:
            if label_part in action.label:
                return await self.tap(action)
        raise LookupError(f"no choice containing {label_part!r} in {[a.label for a in self.last.actions]}")

    async def tap(self, action: Action) -> Screen:
        if action.data is not None:
            return await self.postback(action.data)
        if action.kind == "uri":
            self.last = Screen(text=f"(เปิดลิงก์ {action.uri})", actions=self.last.actions)
            return self.last
        return await self.text(action.text or action.label)
