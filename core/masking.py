"""Personal data shortened for logs and screens: national IDs, mobile numbers, OTPs, LINE ids.

One home for every mask, so a log line, an SMS gateway and a reply hide the same digits.
"""

from __future__ import annotations

import re

_D = "[0-9๐-๙]"  # a digit as citizens type it: Arabic or Thai
_SEP = "[-. ]?"
# 13-digit national id in every form: plain, dashes, spaces or dots, Arabic or Thai digits (1-2345-67890-12-3)
_NATIONAL_ID = re.compile(
    rf"(?<![0-9๐-๙])({_D}){_SEP}({_D}{{4}}){_SEP}({_D}{{5}}){_SEP}({_D}{{2}}){_SEP}({_D})(?![0-9๐-๙])"
)
# what is stored (unknown questions, transcripts) also loses every short code: an OTP typed
# after the flow ended looks like any 4-8 digit number ("123456", "๑๒๓๔๕๖", "123 456")
# (the last four digits a mask keeps on purpose, "******5678" / "08X-XXX-5678", stay)
_SHORT_CODE = re.compile(rf"(?<![0-9๐-๙*X])(?<!X-)(?:{_D}{{4,8}}|{_D}{{3}}[- ]{_D}{{3}})(?![0-9๐-๙])")
# Thai mobile numbers: 0[689]x-xxx-xxxx or +66 [689]x…
_PHONE = re.compile(r"(?<!\d)(?:\+?66[- ]?|0)([689])(\d)[- ]?(\d{3})[- ]?(\d{4})(?!\d)")
# a 6-digit code next to the word OTP / รหัส
_OTP = re.compile(r"(?i)((?:otp|รหัส)[^0-9๐-๙]{0,12})([0-9๐-๙]{4,8})(?![0-9๐-๙])")
_NON_DIGITS = re.compile(r"\D")
# signed payment / licence link tokens (core/signed_links.py): whoever reads the log could open the bill
_LINK_TOKEN = re.compile(r"(/pay/|/files/licence/)[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+")


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
    """Free text with every national ID, mobile number, OTP and link token in it masked (log lines)."""
    text = _LINK_TOKEN.sub(lambda m: f"{m.group(1)}<token>", text)
    text = _NATIONAL_ID.sub(lambda m: f"{m.group(1)}-XXXX-XXXXX-XX-{m.group(5)}", text)
    text = _PHONE.sub(lambda m: f"0{m.group(1)}X-XXX-{m.group(4)}", text)
    return _OTP.sub(lambda m: f"{m.group(1)}******", text)


def mask_for_storage(text: str) -> str:
    """Text about to be stored: `mask_text`, and every remaining 4-8 digit code as ****."""
    return _SHORT_CODE.sub("****", mask_text(text))


def mask_line_id(value: str | None) -> str:
    """Shorten a LINE id for logs: enough to correlate, not to contact."""
    if not value:
        return "-"
    return value if len(value) <= 8 else f"{value[:5]}…{value[-3:]}"
