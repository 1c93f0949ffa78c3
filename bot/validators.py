"""Validate and format what citizens type: Thai national ID, Thai mobile numbers, names, dates, numbers.

Each `parse_*` returns a `Parsed(value, error)`: `error` is a message key (knowledge/…/messages)
explaining the problem in Thai, with `details` for its {fields}. Nothing here logs the input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.nlu.entities import find_dates
from bot.nlu.normalise import clean

T = TypeVar("T")

_NON_DIGITS = re.compile(r"\D")
_ID_SEPARATORS = re.compile(r"[\s\-.]")
_NAME_CHARS = re.compile(r"^[A-Za-z\u0E00-\u0E7F .'\-]+$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?![\d.])")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    value: T | None = None
    error: str | None = None  # a message key
    details: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


# --- Thai national ID ----------------------------------------------------------------------


def national_id_check_digit(first12: str) -> int:
    """Check digit of a Thai ID: (11 - Σ d[i]·(13-i) mod 11) mod 10 over the first 12 digits."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def national_id_valid(digits: str) -> bool:
    return (
        len(digits) == 13 and digits.isdigit() and digits[0] != "0"
        and national_id_check_digit(digits[:12]) == int(digits[12])
    )


def format_national_id(digits: str) -> str:
    """1234567890123 -> 1-2345-67890-12-3 (how it is printed on the card)."""
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def parse_national_id(text: str) -> Parsed[str]:
    raw = _ID_SEPARATORS.sub("", clean(text))
    if not raw.isdigit():
        return Parsed(error="application.error.national_id_digits")
    if len(raw) != 13:
        return Parsed(error="application.error.national_id_length", details={"count": len(raw)})
    if not national_id_valid(raw):
        return Parsed(error="application.error.national_id_checksum", details={"typed": format_national_id(raw)})
    return Parsed(value=raw)


# --- Thai mobile numbers -------------------------------------------------------------------

_MOBILE = re.compile(r"^(?:\+?66|0066|0)([689]\d{8})$")


def parse_mobile(text: str) -> Parsed[str]:
    """A Thai mobile number (06, 08, 09 + 8 digits; +66 accepted) as 0XXXXXXXXX."""
    raw = re.sub(r"[\s\-.()]", "", clean(text))
    if not re.fullmatch(r"\+?\d+", raw):
        return Parsed(error="application.error.phone_digits")
    match = _MOBILE.match(raw)
    if match is None:
        digits = _NON_DIGITS.sub("", raw)
        if len(digits) == 9 and digits[0] == "0" and digits[1] in "23457":
            return Parsed(error="application.error.phone_landline")
        return Parsed(error="application.error.phone_invalid")
    return Parsed(value="0" + match.group(1))


def format_mobile(number: str) -> str:
    return f"{number[:3]}-{number[3:6]}-{number[6:]}" if len(number) == 10 else number


def mobile_e164(number: str) -> str:
    return "+66" + number[1:]


# --- names and free text -------------------------------------------------------------------


def parse_full_name(text: str) -> Parsed[str]:
    """First name and surname, Thai or Latin letters (a title such as นาย/นาง may precede)."""
    name = " ".join(clean(text).split())
    if any(ch.isdigit() for ch in name):
        return Parsed(error="application.error.name_digits")
    if len(name) < 4 or len(name) > 120 or not _NAME_CHARS.match(name):
        return Parsed(error="application.error.name_invalid")
    if len(name.split(" ")) < 2:
        return Parsed(error="application.error.name_surname")
    return Parsed(value=name)


def parse_free_text(text: str, *, min_chars: int = 2, max_chars: int = 500) -> Parsed[str]:
    value = " ".join(clean(text).split())
    if len(value) < min_chars:
        return Parsed(error="application.error.text_short")
    if len(value) > max_chars:
        return Parsed(error="application.error.text_long", details={"max": max_chars})
    return Parsed(value=value)


def parse_address(text: str) -> Parsed[str]:
    value = " ".join(clean(text).split())
    if len(value) < 10 or not any(ch.isdigit() for ch in value):
        return Parsed(error="application.error.address_short")
    if len(value) > 300:
        return Parsed(error="application.error.text_long", details={"max": 300})
    return Parsed(value=value)


# --- numbers and dates ---------------------------------------------------------------------


def parse_number(text: str) -> Parsed[float]:
    raw = clean(text).replace(",", "").replace(" ", "")
    match = _NUMBER.match(raw)  # a unit may follow the number: "12ตร.ม."
    if match is None or any(ch.isdigit() for ch in raw[match.end():]):
        return Parsed(error="application.error.number")
    value = float(match.group(0))
    if value < 0:
        return Parsed(error="application.error.number_negative")
    return Parsed(value=value)


def format_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def parse_thai_date(text: str, today: dt.date) -> Parsed[dt.date]:
    """Dates as Thai people write them: 12 มี.ค. 2500, 12 มีนาคม 2500, 12/3/2500 (พ.ศ. or ค.ศ.)."""
    dates = [d for d in find_dates(clean(text), today) if d.relative is None or d.value is not None]
    if not dates:
        return Parsed(error="application.error.date_format")
    found = dates[0]
    if found.day is None or (found.year is None and found.relative is None):
        return Parsed(error="application.error.date_year")
    if found.value is None:
        return Parsed(error="application.error.date_invalid")
    if not 1900 <= found.value.year <= today.year + 10:
        return Parsed(error="application.error.date_range")
    return Parsed(value=found.value)
