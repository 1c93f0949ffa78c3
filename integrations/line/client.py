"""LINE Messaging API client on line-bot-sdk v3 (async), with LINE's delivery rules.

- Reply with the reply token; an expired or used token (400) is reported so the
  caller falls back to push.
- Every push carries an X-Line-Retry-Key: one UUID per logical send, reused on
  each retry, so LINE delivers it at most once. A 409 on a retried send means an
  earlier attempt was accepted.
- 5xx, 429 and timeouts are retried with exponential backoff and full jitter;
  other 4xx are final.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import aiohttp
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    MulticastRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from core.masking import mask_line_id as mask_id

log = logging.getLogger(__name__)
T = TypeVar("T")

LineMessage = dict[str, Any]
MULTICAST_MAX_RECIPIENTS = 500


class _Rendered:
    """A message already rendered and limit-checked by bot/runtime/render.py.

    The SDK's generated pydantic-v1 models would re-validate and re-serialise every
    message (about 2 ms for a message with quick replies, measured with cProfile),
    which at a few hundred events a second is most of a core; the request objects
    and the API calls stay the SDK's own.
    """

    __slots__ = ("payload",)

    def __init__(self, payload: LineMessage) -> None:
        self.payload = payload

    def to_dict(self) -> LineMessage:
        return self.payload


def _messages(messages: list[LineMessage]) -> list[Any]:
    return [_Rendered(m) for m in messages]


class _LeanHttp:
    """reply and push, the calls of every turn, straight over one aiohttp session we own.

    Measured with py-spy under load (docs/performance.md), the SDK's path cost more than the NLU:
    its session trusts the environment (aiohttp reads ~/.netrc in a thread pool and the proxy
    variables on every request), it re-serialises the body through its generated models and then
    validates LINE's answer into pydantic-v1 models we never read (and a response it cannot
    validate turned a delivered reply into an error, then a duplicate push). The URLs, headers and
    error type (ApiException) stay exactly those of the SDK, so retries and callers are unchanged.
    """

    def __init__(self, base_url: str, access_token: str, max_connections: int, trust_env: bool) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}
        self._max_connections = max_connections
        self._trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=60)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=self._trust_env)
        return self._session

    async def post(self, path: str, payload: dict[str, Any], timeout: float, retry_key: str | None = None) -> None:
        headers = self._headers if retry_key is None else {**self._headers, "X-Line-Retry-Key": retry_key}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        async with self._open().post(self._base_url + path, data=body, headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            answer = await response.read()
            if not 200 <= response.status <= 299:
                error = ApiException(status=response.status, reason=response.reason)
                error.body, error.headers = answer, response.headers
                raise error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class LineError(Exception):
    def __init__(self, status: int | None, detail: str, retry_after: float | None = None) -> None:
        super().__init__(f"LINE API {status}: {detail}")
        self.status = status
        self.detail = detail
        self.retry_after = retry_after  # seconds, from a 429's Retry-After (the outbox honours it)


class ReplyTokenInvalid(LineError):
    """The reply token expired or was used already: push instead."""


class ReplyOutcomeUnknown(LineError):
    """LINE may have delivered the reply (a 5xx or a timeout after sending): sending it again could repeat it."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    request_timeout: float = 10.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class LineMessenger(Protocol):
    async def reply(self, reply_token: str, messages: list[LineMessage]) -> None: ...
    async def push(self, to: str, messages: list[LineMessage], retry_key: str | None = None) -> None: ...
    async def multicast(self, to: list[str], messages: list[LineMessage], retry_key: str | None = None) -> None: ...
    async def show_loading(self, chat_id: str, seconds: int = 20) -> None: ...
    async def get_content(self, message_id: str) -> tuple[bytes, str]: ...
    async def display_name(self, user_id: str) -> str | None: ...
    async def close(self) -> None: ...


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, ApiException):
        return exc.status is not None and (exc.status >= 500 or exc.status == 429)
    return isinstance(exc, asyncio.TimeoutError | aiohttp.ClientError)


def _reply_retryable(exc: BaseException) -> bool:
    if isinstance(exc, ApiException):
        return exc.status == 429
    return isinstance(exc, aiohttp.ClientConnectorError)  # the request never reached LINE


def _surely_undelivered(exc: BaseException | None) -> bool:
    if isinstance(exc, ApiException):
        return exc.status is not None and exc.status < 500
    return isinstance(exc, aiohttp.ClientConnectorError)


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(exc, "headers", None)
    value = headers.get("Retry-After") if headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _error(exc: BaseException) -> LineError:
    if isinstance(exc, ApiException):
        body = exc.body.decode() if isinstance(exc.body, bytes) else str(exc.body or exc.reason)
        return LineError(exc.status, body[:300], _retry_after(exc))
    return LineError(None, repr(exc))


class SdkLineMessenger:
    """The real client. Two configurations: the API host and the data (content) host."""

    def __init__(
        self,
        access_token: str,
        api_base_url: str = "https://api.line.me",
        data_api_base_url: str = "https://api-data.line.me",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_connections: int = 100,
        trust_env: bool = False,
        on_call: Callable[[str, int | None], None] | None = None,
    ) -> None:
        self._on_call = on_call  # (call, HTTP status or None): the metrics hook
        # one connection per call in flight: LINE answers in tens of milliseconds, so the SDK's default
        # (5 per core) would cap a busy office at a few hundred sends a second
        self._http = _LeanHttp(api_base_url, access_token, max_connections, trust_env)
        self._api_client = AsyncApiClient(Configuration(host=api_base_url.rstrip("/"), access_token=access_token))
        self._data_client = AsyncApiClient(
            Configuration(host=data_api_base_url.rstrip("/"), access_token=access_token)
        )
        self._api = AsyncMessagingApi(self._api_client)
        self._blob = AsyncMessagingApiBlob(self._data_client)
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    def _observe(self, what: str, status: int | None) -> None:
        if self._on_call is not None:
            self._on_call(what.split(" ", 1)[0], status)  # "push to U…" → "push": no user ids as labels

    async def _with_retries(self, what: str, call: Callable[[], Awaitable[T]], on_conflict_ok: bool,
                            retryable: Callable[[BaseException], bool] = _retryable) -> T | None:
        for attempt in range(self._retry.attempts):
            try:
                result = await call()
                self._observe(what, 200)
                return result
            except Exception as exc:
                self._observe(what, exc.status if isinstance(exc, ApiException) else None)
                if isinstance(exc, ApiException) and exc.status == 409 and on_conflict_ok and attempt > 0:
                    log.info("%s: 409 on retry, an earlier attempt was accepted", what)
                    return None
                if not retryable(exc) or attempt == self._retry.attempts - 1:
                    raise _error(exc) from exc
                delay = self._retry.delay(attempt, _retry_after(exc))
                log.warning("%s failed (%s), retry %d in %.2fs", what, _error(exc), attempt + 1, delay)
                await self._sleep(delay)
        return None  # pragma: no cover - the loop always returns or raises

    async def reply(self, reply_token: str, messages: list[LineMessage]) -> None:
        payload = {"replyToken": reply_token, "messages": messages}

        async def call() -> None:
            await self._http.post("/v2/bot/message/reply", payload, self._retry.request_timeout)

        try:
            # A reply has no retry key: only failures that surely delivered nothing are retried
            # (429, a refused connection); a 5xx or a timeout may hide a delivered reply.
            await self._with_retries("reply", call, on_conflict_ok=False, retryable=_reply_retryable)
        except LineError as err:
            if err.status == 400 and "reply token" in err.detail.lower():
                raise ReplyTokenInvalid(err.status, err.detail) from err
            if not _surely_undelivered(err.__cause__):
                raise ReplyOutcomeUnknown(err.status, err.detail) from err
            raise

    async def push(self, to: str, messages: list[LineMessage], retry_key: str | None = None) -> None:
        key = retry_key or str(uuid.uuid4())  # one key for every attempt of this send
        payload = {"to": to, "messages": messages}

        async def call() -> None:
            await self._http.post("/v2/bot/message/push", payload, self._retry.request_timeout, retry_key=key)

        await self._with_retries(f"push to {mask_id(to)}", call, on_conflict_ok=True)

    async def multicast(self, to: list[str], messages: list[LineMessage], retry_key: str | None = None) -> None:
        """One message to many users (at most 500 per request, LINE's limit), e.g. an office announcement."""
        for start in range(0, len(to), MULTICAST_MAX_RECIPIENTS):
            batch = to[start : start + MULTICAST_MAX_RECIPIENTS]
            # one key per batch, kept across retries of that batch
            key = str(uuid.uuid5(uuid.UUID(retry_key), str(start))) if retry_key else str(uuid.uuid4())
            request = MulticastRequest.construct(to=batch, messages=_messages(messages))

            async def call(request: MulticastRequest = request, key: str = key) -> object:
                return await self._api.multicast(request, x_line_retry_key=key,
                                                 _request_timeout=self._retry.request_timeout)

            await self._with_retries(f"multicast to {len(batch)} users", call, on_conflict_ok=True)

    async def show_loading(self, chat_id: str, seconds: int = 20) -> None:
        request = ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=max(5, min(60, seconds - seconds % 5)))
        try:
            await self._api.show_loading_animation(request, _request_timeout=3)
        except Exception as exc:
            log.info("loading animation not shown: %s", _error(exc))

    async def get_content(self, message_id: str) -> tuple[bytes, str]:
        async def call() -> Any:
            return await self._blob.get_message_content_with_http_info(
                message_id, _request_timeout=self._retry.request_timeout
            )

        response = await self._with_retries("get content", call, on_conflict_ok=False)
        if response is None:  # pragma: no cover
            raise LineError(None, "no content")
        content_type = (response.headers or {}).get("Content-Type", "application/octet-stream")
        return bytes(response.data), str(content_type)

    async def display_name(self, user_id: str) -> str | None:
        """The user's LINE display name (profile API); None when LINE will not say (blocked, not a friend)."""

        async def call() -> Any:
            return await self._api.get_profile(user_id, _request_timeout=self._retry.request_timeout)

        try:
            profile = await self._with_retries(f"profile of {mask_id(user_id)}", call, on_conflict_ok=False)
        except LineError as err:
            log.info("no profile for %s: %s", mask_id(user_id), err)
            return None
        name = getattr(profile, "display_name", None)
        return str(name) if name else None

    async def close(self) -> None:
        await self._http.close()
        await self._api_client.close()
        await self._data_client.close()


class NullMessenger:
    """Used when LINE is not configured: the simulator and tests still run; sends are logged."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[LineMessage]]] = []

    async def reply(self, reply_token: str, messages: list[LineMessage]) -> None:
        self.sent.append((f"reply:{reply_token}", messages))

    async def push(self, to: str, messages: list[LineMessage], retry_key: str | None = None) -> None:
        self.sent.append((f"push:{to}", messages))

    async def multicast(self, to: list[str], messages: list[LineMessage], retry_key: str | None = None) -> None:
        self.sent.extend((f"push:{user}", messages) for user in to)

    async def show_loading(self, chat_id: str, seconds: int = 20) -> None:
        return None

    async def get_content(self, message_id: str) -> tuple[bytes, str]:
        raise LineError(None, "LINE is not configured")

    async def display_name(self, user_id: str) -> str | None:
        return None

    async def close(self) -> None:
        return None
