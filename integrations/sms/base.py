"""The one interface every SMS provider implements, and the retry loop they share.

An SMS carries an OTP, so neither the text nor the full number is ever logged here:
logs name the provider, the masked number and the outcome only.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx

from core.masking import mask_mobile as masked

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The SMS could not be handed to the gateway (after retries)."""


class SmsSender(Protocol):
    async def send(self, to: str, text: str) -> None:
        """Send `text` to a Thai mobile number written 0XXXXXXXXX; raises SmsError."""
        ...

    async def close(self) -> None: ...


def retryable(exc: BaseException | None, response: httpx.Response | None) -> bool:
    if exc is not None:
        return isinstance(exc, httpx.TimeoutException | httpx.TransportError)
    return response is not None and (response.status_code >= 500 or response.status_code == 429)


async def post_with_retries(
    name: str,
    to: str,
    request: Callable[[], Awaitable[httpx.Response]],
    *,
    attempts: int,
    base_delay: float = 0.5,
    max_delay: float = 4.0,
) -> httpx.Response:
    """Call `request` until a non-retryable answer; 5xx, 429 and timeouts are retried with backoff."""
    last = "no attempt"
    for attempt in range(attempts):
        exc: BaseException | None = None
        response: httpx.Response | None = None
        try:
            response = await request()
        except httpx.HTTPError as err:
            exc = err
        if exc is None and response is not None and response.is_success:
            return response
        if not retryable(exc, response):
            status = response.status_code if response is not None else "-"
            log.warning("sms %s to %s refused: HTTP %s", name, masked(to), status)
            raise SmsError(f"{name}: HTTP {status}")
        last = type(exc).__name__ if exc is not None else f"HTTP {response.status_code if response else '-'}"
        if attempt + 1 < attempts:
            await asyncio.sleep(random.uniform(0, min(max_delay, base_delay * 2**attempt)))
    log.warning("sms %s to %s failed after %d attempts: %s", name, masked(to), attempts, last)
    raise SmsError(f"{name}: {last}")
