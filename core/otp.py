"""One-time codes by SMS to confirm a submission (NIST SP 800-63B, 5.1.3 out-of-band): rules and outcomes.

- 6 digits from `secrets`; stored only as HMAC-SHA256(server key, salt:code); never logged.
- Valid OTP_TTL_SECONDS (5 minutes); single use (an atomic "used_at IS NULL" update).
- OTP_MAX_ATTEMPTS (5) wrong codes lock the application for OTP_LOCK_SECONDS (15 minutes).
- A new code may be requested after OTP_RESEND_AFTER_SECONDS (60 s); it invalidates the previous one.
- At most OTP_MAX_SENDS_PER_HOUR (5) codes per phone number per hour from one LINE account, and
  OTP_MAX_SENDS_PER_HOUR_PER_ACCOUNT (10) per account whatever the number: a stranger who types a
  citizen's number spends their own allowance, never the citizen's (issue 15).
- OTP_MAX_TOTAL_FAILURES (100, SP 800-63B 5.2.2) consecutive wrong codes across lock windows
  block the application for good ("blocked"): a new application or an officer is needed.
- A gateway failure is reported (status "failed"); the code it would have carried is discarded.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CODE_DIGITS = 6


@dataclass(frozen=True)
class OtpRules:
    """The OTP_* settings, passed in by whoever builds the service."""

    ttl_seconds: int = 300
    max_attempts: int = 5
    lock_seconds: int = 900
    resend_after_seconds: int = 60
    max_sends_per_hour: int = 5  # to one number from one LINE account
    max_sends_per_hour_per_account: int = 10  # from one LINE account, any number
    max_total_failures: int = 100  # consecutive wrong codes across lock windows, then blocked


class SendStatus(StrEnum):
    sent = "sent"
    too_soon = "too_soon"  # a code was sent less than a minute ago
    rate_limited = "rate_limited"  # too many codes to this number this hour
    locked = "locked"  # too many wrong codes: wait
    blocked = "blocked"  # too many wrong codes in total: a new application or an officer
    failed = "failed"  # the SMS gateway did not take it


class VerifyStatus(StrEnum):
    ok = "ok"
    wrong = "wrong"
    locked = "locked"
    blocked = "blocked"  # OTP_MAX_TOTAL_FAILURES consecutive wrong codes across lock windows
    expired = "expired"
    missing = "missing"  # no live code: send one first


@dataclass(frozen=True)
class SendResult:
    status: SendStatus
    wait_seconds: int = 0
    until: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class VerifyResult:
    status: VerifyStatus
    remaining: int = 0
    until: datetime | None = None


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise_code(text: str) -> str | None:
    """The code as typed ("123 456", Thai digits "๑๒๓๔๕๖"), or None if it is not 6 digits."""
    digits = "".join(str(int(ch)) for ch in text if ch.isdigit())
    stripped = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if len(digits) != CODE_DIGITS or len(stripped) != CODE_DIGITS:
        return None
    return digits


