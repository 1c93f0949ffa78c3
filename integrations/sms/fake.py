"""An SMS gateway for tests: records every message, can fail on demand."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from integrations.sms.base import SmsError

_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass
class FakeSms:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (to, text)
    failures: int = 0  # the next N sends raise SmsError (a gateway that is down)
    attempts: int = 0

    def fail_next(self, count: int = 1) -> None:
        self.failures += count

    async def send(self, to: str, text: str) -> None:
        self.attempts += 1
        if self.failures > 0:
            self.failures -= 1
            raise SmsError("fake gateway down")
        self.sent.append((to, text))

    def last_code(self, to: str | None = None) -> str:
        """The 6-digit code of the last SMS (to `to`, if given)."""
        for number, text in reversed(self.sent):
            if to is None or number == to:
                match = _CODE.search(text)
                if match:
                    return match.group(1)
        raise LookupError("no OTP was sent")

    async def close(self) -> None:
        return None
