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
    to: str | None = None  # only for calls addressed to this recipient (a push's "to"); None = any call


@dataclass
class FakeLineServer:
    calls: list[Call] = field(default_factory=list)
    content: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # message id -> (bytes, content type)
    # rich menus (bot/tools/richmenu.py): id -> the created object, id -> (image, content type), default id
    richmenus: dict[str, dict[str, Any]] = field(default_factory=dict)
    richmenu_images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    default_richmenu: str | None = None
    profiles: dict[str, str] = field(default_factory=dict)  # user id -> display name (else a made-up one)
    _richmenu_seq: int = 0
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
            by_reply = call.path.endswith("/reply") and call.body.get("_to") == user_id
            by_push = call.path.endswith("/push") and call.body.get("to") == user_id
            if by_reply or by_push:
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
        if request.can_read_body and path.startswith("/v2/bot/richmenu/") and path.endswith("/content"):
            body = await request.read()  # a rich menu image: raw bytes
        elif request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = await request.text()
        headers = {k: v for k, v in request.headers.items()}
        fault = self._take_fault(path, body)
        if fault is not None:
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

    def _take_fault(self, path: str, body: Any) -> Fault | None:
        queue = self._faults.get(path, deque())
        recipient = body.get("to") if isinstance(body, dict) else None
        for index, fault in enumerate(queue):
            if fault.to is None or fault.to == recipient:
                del queue[index]
                return fault
        return None

    def _answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        if not headers.get("Authorization", "").startswith("Bearer "):
            return 401, {"message": "Authentication failed"}
        if path.startswith("/v2/bot/message/") and path.endswith("/content") and method == "GET":
            message_id = path.split("/")[4]
            if message_id not in self.content:
                return 404, {"message": "Not found"}
            return 200, self.content[message_id]
        if path.startswith("/v2/bot/profile/") and method == "GET":
            user = path.rsplit("/", 1)[-1]
            name = self.profiles.get(user, f"ผู้ใช้ {user[-4:]}")
            return 200, {"userId": user, "displayName": name, "language": "th"}
        if path.startswith(("/v2/bot/richmenu", "/v2/bot/user/all/richmenu")):
            return self._richmenu(method, path, headers, body)
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

    @staticmethod
    def _check_richmenu(body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, {"message": "The request body has 1 error(s)"}
        size = body.get("size") or {}
        areas = body.get("areas") or []
        if not (800 <= size.get("width", 0) <= 2500 and size.get("height", 0) >= 250):
            return 400, {"message": "invalid size"}
        if not 1 <= len(areas) <= 20 or not 1 <= len(str(body.get("chatBarText", ""))) <= 14:
            return 400, {"message": "invalid areas or chatBarText"}
        return 200, {}

    def _richmenu(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        """The rich menu endpoints bot/tools/richmenu.py uses, with LINE's order rules."""
        parts = path.strip("/").split("/")  # v2 bot richmenu <id> [content] | v2 bot user all richmenu [<id>]
        not_found = (404, {"message": "Not found"})
        if path == "/v2/bot/richmenu/validate" and method == "POST":
            return self._check_richmenu(body)
        if path == "/v2/bot/richmenu" and method == "POST":
            status, answer = self._check_richmenu(body)
            if status != 200:
                return status, answer
            self._richmenu_seq += 1
            menu_id = f"richmenu-{self._richmenu_seq:032x}"
            self.richmenus[menu_id] = {**body, "richMenuId": menu_id}
            return 200, {"richMenuId": menu_id}
        if path == "/v2/bot/richmenu/list" and method == "GET":
            return 200, {"richmenus": list(self.richmenus.values())}
        if path == "/v2/bot/user/all/richmenu" and method == "GET":
            return (200, {"richMenuId": self.default_richmenu}) if self.default_richmenu else not_found
        if parts[:5] == ["v2", "bot", "user", "all", "richmenu"] and len(parts) == 6 and method == "POST":
            if parts[5] not in self.richmenus:
                return not_found
            if parts[5] not in self.richmenu_images:
                return 400, {"message": "must upload richmenu image before applying it to user"}
            self.default_richmenu = parts[5]
            return 200, {}
        menu_id = parts[3] if len(parts) > 3 else ""
        if menu_id not in self.richmenus:
            return not_found
        if len(parts) == 5 and parts[4] == "content" and method == "POST":
            content_type = headers.get("Content-Type", "").split(";")[0]
            if content_type not in {"image/png", "image/jpeg"} or not isinstance(body, bytes) or not body:
                return 400, {"message": "image/png or image/jpeg body required"}
            if menu_id in self.richmenu_images:
                return 409, {"message": "An image has already been uploaded to the richmenu"}
            self.richmenu_images[menu_id] = (body, content_type)
            return 200, {}
        if len(parts) == 4 and method == "DELETE":
            del self.richmenus[menu_id]
            self.richmenu_images.pop(menu_id, None)
            if self.default_richmenu == menu_id:
                self.default_richmenu = None
            return 200, {}
        return not_found

    async def start(self) -> FakeLineServer:
        return await self.start_on(0)

    async def start_on(self, port: int) -> FakeLineServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the server sockets
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
