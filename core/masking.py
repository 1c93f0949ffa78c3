"""Personal data shortened for logs and screens: national IDs, mobile numbers, OTPs, LINE ids.

One home for every mask, so a log line, an SMS gateway and a reply hide the same digits.
"""

from __future__ import annotations

import re

# 13-digit national id, with or without dashes/spaces (1-2345-67890-12-3)
_NATIONAL_ID = re.compile(r"(?<!\d)(\d)[- ]?(\d{4})[- ]?(\d{5})[- ]?(\d{2})[- ]?(\d)(?!\d)")
# Thai mobile numbers: 0[689]x-xxx-xxxx or +66 [689]x…
_PHONE = re.compile(r"(?<!\d)(?:\+?66[- ]?|0)([689])(\d)[- ]?(\d{3})[- ]?(\d{4})(?!\d)")
# a 6-digit code next to the word OTP / รหัส
_OTP = re.compile(r"(?i)((?:otp|รหัส)\D{0,12})(\d{6})(?!\d)")
_NON_DIGITS = re.compile(r"\D")


def mask_national_id(digits: str) -> str:
    """1101700203450 -> 1-XXXX-XXXXX-XX-0 (first and check digit only)."""
    return f"{digits[0]}-XXXX-XXXXX-XX-{digits[12]}" if len(digits) == 13 else "X" * len(digits)


def mask_mobile(number: str) -> str:
    """0812345678 -> 08X-XXX-5678; anything shorter than a phone number shows nothing."""
    return f"{number[:2]}X-XXX-{number[-4:]}" if len(number) >= 8 else "XXX"


def mask_digits(text: str, keep: int = 4) -> str:
    """Every digit but the last `keep` as '*': "02 123 45678" -> "******5678"."""
    digits = _NON_DIGITS.sub("", text)
    return "*" * max(0, len(digits) - keep) + digits[-keep:]


def mask_text(text: str) -> str:
    """Free text with every national ID, mobile number and OTP in it masked (log lines)."""
    text = _NATIONAL_ID.sub(lambda m: f"{m.group(1)}-XXXX-XXXXX-XX-{m.group(5)}", text)
    text = _PHONE.sub(lambda m: f"0{m.group(1)}X-XXX-{m.group(4)}", text)
    return _OTP.sub(lambda m: f"{m.group(1)}******", text)


def mask_line_id(value: str | None) -> str:
    """Shorten a LINE id for logs: enough to correlate, not to contact."""
    if not value:
        return "-"
    return value if len(value) <= 8 else f"{value[:5]}…{value[-3:]}"
