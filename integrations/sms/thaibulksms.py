"""ThaiBulkSMS (thaibulksms.com), API v2.

    POST https://api-v2.thaibulksms.com/sms
    Authorization: Basic base64(api_key:api_secret)
    Content-Type: application/x-www-form-urlencoded
    msisdn=0812345678&message=…&sender=<registered sender name>&force=standard|corporate

Assumptions (from the provider's public examples, to be confirmed against the account's
developer page before going live): a 2xx answer means accepted, its JSON lists
`phone_number_list` / `bad_phone_number_list`; errors answer 4xx with
{"error": {"code", "name", "description"}}; `msisdn` accepts the local 0XXXXXXXXX form;
`sender` must be a sender name approved for the account.
"""

from __future__ import annotations

import logging

import httpx

from core.masking import mask_mobile as masked
from integrations.sms.base import SmsError, post_with_retries

log = logging.getLogger(__name__)
DEFAULT_URL = "https://api-v2.thaibulksms.com/sms"


class ThaiBulkSms:
    def __init__(
        self, api_key: str, api_secret: str, *, sender: str, force: str = "corporate",
        url: str | None = None, timeout: float = 10.0, attempts: int = 3, base_delay: float = 0.5,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url or DEFAULT_URL
        self.sender = sender
        self.force = force
        self.attempts = attempts
        self.base_delay = base_delay
        self._client = client or httpx.AsyncClient(timeout=timeout, auth=httpx.BasicAuth(api_key, api_secret))

    async def send(self, to: str, text: str) -> None:
        form = {"msisdn": to, "message": text, "sender": self.sender, "force": self.force}
        response = await post_with_retries(
            "thaibulksms", to,
            lambda: self._client.post(self.url, data=form, headers={"Accept": "application/json"}),
            attempts=self.attempts, base_delay=self.base_delay,
        )
        try:
            body = response.json()
        except ValueError:
            return  # accepted (2xx) without a JSON body
        if isinstance(body, dict) and body.get("bad_phone_number_list"):
            log.warning("thaibulksms rejected the number %s", masked(to))
            raise SmsError("thaibulksms: bad phone number")

    async def close(self) -> None:
        await self._client.aclose()
