"""A generic SMS gateway: POST JSON {"to": "+66…", "text": "…"} with an optional bearer token."""

from __future__ import annotations

import httpx

from integrations.sms.base import post_with_retries


class HttpSms:
    def __init__(
        self, url: str, api_key: str | None = None, *, timeout: float = 10.0, attempts: int = 3,
        base_delay: float = 0.5, client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        self.attempts = attempts
        self.base_delay = base_delay
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.AsyncClient(timeout=timeout, headers=headers)

    async def send(self, to: str, text: str) -> None:
        payload = {"to": "+66" + to[1:] if to.startswith("0") else to, "text": text}
        await post_with_retries(
            "http", to, lambda: self._client.post(self.url, json=payload),
            attempts=self.attempts, base_delay=self.base_delay,
        )

    async def close(self) -> None:
        await self._client.aclose()
