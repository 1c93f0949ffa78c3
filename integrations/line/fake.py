"""A local fake of the LINE Messaging API, for tests and benchmarks.

A real HTTP server (aiohttp) on 127.0.0.1 that the real client talks to. It
records every call, enforces the rules we rely on (single-use reply tokens,
retry keys, 5-message limit) and can answer 5xx, 429 or hang on demand.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class Fault:
    status: int = 500
    delay: float = 0.0  # seconds to wait before answering (longer than the client timeout = a timeout)
    retry_after: int | None = None


@dataclass
class FakeLineServer:
    calls: list[Call] = field(default_factory=list)
    content: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # message id -> (bytes, content type)
    _faults: dict[str, deque[Fault]] = field(default_factory=dict)
    _used_tokens: set[str] = field(default_factory=set)
    _accepted_keys: set[str] = field(default_factory=set)
    _runner: web.AppRunner | None = None
    port: int = 0
    message_event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, path: str, *faults: Fault) -> None:
        """Answer the next calls to `path` with these faults, in order."""
        self._faults.setdefault(path, deque()).extend(faults)

    def expire_token(self, token: str) -> None:
        self._used_tokens.add(token)

    # --- what tests read -------------------------------------------------------------------
    def sent(self, path_suffix: str) -> list[Call]:
        return [c for c in self.calls if c.path.endswith(path_suffix) and c.status == 200]

    def messages_to(self, user_id: str) -> list[dict[str, Any]]:
        """Every message delivered to a user, by reply or push, in order."""
        out: list[dict[str, Any]] = []
        for call in self.calls:
            if call.status != 200 or not isinstance(call.body, dict):
                continue
            if call.path.endswith("/reply") and call.body.get("_to") == user_id:
                out.extend(call.body["messages"])
            elif call.path.endswith("/push") and call.body.get("to") == user_id:
                out.extend(call.body["messages"])
        return out

    def texts_to(self, user_id: str) -> list[str]:
        return [m.get("text", m.get("altText", "")) for m in self.messages_to(user_id)]

    async def wait_for_messages(self, count: int, timeout: float = 5.0) -> None:
        async def _wait() -> None:
            while len(self.sent("/reply")) + len(self.sent("/push")) < count:
                self.message_event.clear()
                await self.message_event.wait()

        await asyncio.wait_for(_wait(), timeout)

    # --- the server ------------------------------------------------------------------------
    token_owner: dict[str, str] = field(default_factory=dict)  # reply token -> user id, set by tests

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        body: Any = None
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = await request.text()
        headers = {k: v for k, v in request.headers.items()}
        queue = self._faults.get(path)
        if queue:
            fault = queue.popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            self.calls.append(Call(request.method, path, headers, body, fault.status))
            extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return web.json_response({"message": "fault injected"}, status=fault.status, headers=extra)
        status, answer = self._answer(request.method, path, headers, body)
        if isinstance(body, dict) and path.endswith("/reply"):
            body = {**body, "_to": self.token_owner.get(str(body.get("replyToken")))}
        self.calls.append(Call(request.method, path, headers, body, status))
        if status == 200 and path.endswith(("/reply", "/push")):
            self.message_event.set()
        if isinstance(answer, tuple):
            return web.Response(body=answer[0], content_type=answer[1], status=status)
        return web.json_response(answer, status=status)

    def _answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        if not headers.get("Authorization", "").startswith("Bearer "):
            return 401, {"message": "Authentication failed"}
        if path.startswith("/v2/bot/message/") and path.endswith("/content") and method == "GET":
            message_id = path.split("/")[4]
            if message_id not in self.content:
                return 404, {"message": "Not found"}
            return 200, self.content[message_id]
        if not isinstance(body, dict):
            return 400, {"message": "The request body has 1 error(s)"}
        messages = body.get("messages", [])
        if path.endswith(("/reply", "/push", "/multicast")) and not 1 <= len(messages) <= 5:
            return 400, {"message": "Size must be between 1 and 5"}
        if path.endswith("/reply"):
            token = str(body.get("replyToken"))
            if token in self._used_tokens or token.startswith("expired"):
                return 400, {"message": "Invalid reply token"}
            self._used_tokens.add(token)
            return 200, {"sentMessages": [{"id": str(i)} for i, _ in enumerate(messages)]}
        if path.endswith(("/push", "/multicast")):
            key = headers.get("X-Line-Retry-Key")
            if key is not None:
                if key in self._accepted_keys:
                    return 409, {"message": "The retry key is already accepted"}
                self._accepted_keys.add(key)
            return 200, {"sentMessages": [{"id": str(i)} for i, _ in enumerate(messages)]}
        if path.endswith("/chat/loading/start"):
            return 202, {}
        return 404, {"message": "Not found"}

    async def start(self) -> FakeLineServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the server sockets
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
