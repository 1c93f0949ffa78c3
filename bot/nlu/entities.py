"""Entities in a citizen's message: tracking numbers, national IDs, phones, dates, amounts.

Extraction runs on `clean()` text (digits and case intact). Personal data (national
ID, phone) keeps its full value for the dialog that asked for it, but every `repr`, `str`
and `masked` form hides it, so a log line or an exception never carries it in clear.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.nlu.normalise import clean


class _Entity(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str = Field(repr=False)  # the matched text as typed (may contain personal data)
    start: int
    end: int


class TrackingNumber(_Entity):
    value: str  # canonical, e.g. "TJL-2569-000123"
    prefix: str
    year_be: int
    serial: int


def _mask_digits(digits: str, keep: int = 4) -> str:
    return "*" * (len(digits) - keep) + digits[-keep:]


class NationalId(_Entity):
    value: str = Field(repr=False)  # 13 digits, no separators
    valid: bool  # checksum result; an invalid one is reported, not dropped

    @property
    def masked(self) -> str:
        return _mask_digits(self.value)

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        yield "masked", self.masked
        yield "valid", self.valid


class PhoneNumber(_Entity):
    value: str = Field(repr=False)  # national format, e.g. "0812345678"
    kind: Literal["mobile"] = "mobile"

    @property
    def masked(self) -> str:
        return _mask_digits(self.value)

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        yield "masked", self.masked


class DateMention(_Entity):
    value: dt.date | None  # None when the date does not exist (31 ก.พ.) or lacks a day
    day: int | None
    month: int | None
    year: int | None  # Gregorian; None when the text gave no year
    relative: Literal["today", "tomorrow", "day_after_tomorrow", "yesterday"] | None = None


class Amount(_Entity):
    value: float  # baht
    currency: Literal["THB"] = "THB"


class Entities(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_numbers: tuple[TrackingNumber, ...] = ()
    national_ids: tuple[NationalId, ...] = ()
    phones: tuple[PhoneNumber, ...] = ()
    dates: tuple[DateMention, ...] = ()
    amounts: tuple[Amount, ...] = ()

    def __bool__(self) -> bool:
        return any((self.tracking_numbers, self.national_ids, self.phones, self.dates, self.amounts))

    def safe_dict(self) -> dict[str, list[dict[str, object]]]:
        """JSON-friendly summary with personal data masked (for logs and the CLI)."""
        return {
            "tracking_numbers": [{"value": t.value} for t in self.tracking_numbers],
            "national_ids": [{"masked": n.masked, "valid": n.valid} for n in self.national_ids],
            "phones": [{"masked": p.masked} for p in self.phones],
            "dates": [
                {
                    "value": d.value.isoformat() if d.value else None,
                    "day": d.day,
                    "month": d.month,
                    "year": d.year,
                    "relative": d.relative,
                }
                for d in self.dates
            ],
            "amounts": [{"value": a.value} for a in self.amounts],
        }


# --- tracking numbers --------------------------------------------------------------------

_TRACKING = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,5})[\s\-_]*(25\d{2}|26\d{2})[\s\-_]*(\d{6})(?!\d)")


def find_tracking_numbers(text: str) -> list[TrackingNumber]:
    found = []
    for m in _TRACKING.finditer(text):
        prefix, year, serial = m.group(1).upper(), m.group(2), m.group(3)
        found.append(
            TrackingNumber(
                text=m.group(0),
                start=m.start(),
                end=m.end(),
                value=f"{prefix}-{year}-{serial}",
                prefix=prefix,
                year_be=int(year),
                serial=int(serial),
            )
        )
    return found


# --- national ID -------------------------------------------------------------------------

# 13 digits, optionally grouped 1-2345-67890-12-3 with dashes or spaces (any grouping).
_NATIONAL_ID = re.compile(r"(?<![\d+])(\d(?:[\s\-]?\d){12})(?![\d])")


def national_id_checksum_ok(digits: str) -> bool:
    """Thai ID check digit: (11 - Σ d[i]·(13-i) mod 11) mod 10 over the first 12 digits."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def find_national_ids(text: str) -> list[NationalId]:
    found = []
    for m in _NATIONAL_ID.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        found.append(
            NationalId(
                text=m.group(1),
                start=m.start(1),
                end=m.end(1),
                value=digits,
                valid=national_id_checksum_ok(digits),
            )
        )
    return found


# --- phone numbers -----------------------------------------------------------------------

# Thai mobiles: 06/08/09 + 8 digits, written 0812345678, 081-234-5678, 081 234 5678,
# +66 81 234 5678, +66812345678 or 66812345678.
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?66[\s\-.]?(?:\(0\))?|0)([689])[\s\-.]?(\d)[\s\-.]?(\d{3})[\s\-.]?(\d{4})(?!\d)"
)


def find_phones(text: str) -> list[PhoneNumber]:
    found = []
    for m in _PHONE.finditer(text):
        value = "0" + "".join(m.groups())
        found.append(PhoneNumber(text=m.group(0), start=m.start(), end=m.end(), value=value))
    return found


# --- dates -------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    (
        ("มกราคม", "ม.ค.", "มค", "jan", "january"),
        ("กุมภาพันธ์", "ก.พ.", "กพ", "feb", "february"),
        ("มีนาคม", "มี.ค.", "มีค", "mar", "march"),
        ("เมษายน", "เม.ย.", "เมย", "apr", "april"),
        ("พฤษภาคม", "พ.ค.", "พค", "may"),
        ("มิถุนายน", "มิ.ย.", "มิย", "jun", "june"),
        ("กรกฎาคม", "ก.ค.", "กค", "jul", "july"),
        ("สิงหาคม", "ส.ค.", "สค", "aug", "august"),
        ("กันยายน", "ก.ย.", "กย", "sep", "sept", "september"),
        ("ตุลาคม", "ต.ค.", "ตค", "oct", "october"),
        ("พฤศจิกายน", "พ.ย.", "พย", "nov", "november"),
        ("ธันวาคม", "ธ.ค.", "ธค", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _num
# Full names without "คม/ยน/พันธ์" are common in chat ("มีนา", "พฤศจิกา").
for _short, _num in (
    ("มกรา", 1),
    ("กุมภา", 2),
    ("มีนา", 3),
    ("เมษา", 4),
    ("พฤษภา", 5),
    ("มิถุนา", 6),
    ("กรกฎา", 7),
    ("สิงหา", 8),
    ("กันยา", 9),
    ("ตุลา", 10),
    ("พฤศจิกา", 11),
    ("ธันวา", 12),
):
    _MONTHS[_short] = _num


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


# Thai runs words together, so a full month name may be followed by any letter
# ("พฤศจิกายนใช่ไหม"); bare abbreviations ("มค") and English names must end a word.
_BARE = [n for n in _MONTHS if n.isascii() or (len(n) <= 3 and "." not in n)]
_MONTH_ALT = f"{_alternation([n for n in _MONTHS if n not in _BARE])}|(?:{_alternation(_BARE)})(?![ก-๛a-z])"
_YEAR = r"(?:(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?)\s*)?(\d{4}|\d{2})"
_DATE_TEXT = re.compile(
    rf"(?:วันที่\s*)?(?<!\d)(\d{{1,2}})\s*(?:เดือน\s*)?({_MONTH_ALT})\s*(?:{_YEAR}(?!\d))?",
    re.IGNORECASE,
)
_MONTH_ONLY = re.compile(rf"(?:เดือน\s*)({_MONTH_ALT})(?:\s*{_YEAR}(?!\d))?", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/.\-])")
_RELATIVE = re.compile(r"วันนี้|มื้อนี้|พรุ่งนี้|มื้ออื่น|มะรืนนี้|มะรืน|เมื่อวานนี้|เมื่อวาน|มื้อวาน")
_RELATIVE_DAYS: dict[str, tuple[int, Literal["today", "tomorrow", "day_after_tomorrow", "yesterday"]]] = {
    "วันนี้": (0, "today"),
    "มื้อนี้": (0, "today"),
    "พรุ่งนี้": (1, "tomorrow"),
    "มื้ออื่น": (1, "tomorrow"),
    "มะรืนนี้": (2, "day_after_tomorrow"),
    "มะรืน": (2, "day_after_tomorrow"),
    "เมื่อวานนี้": (-1, "yesterday"),
    "เมื่อวาน": (-1, "yesterday"),
    "มื้อวาน": (-1, "yesterday"),
}


def to_gregorian(year: int, explicit_ce: bool = False) -> int:
    """พ.ศ. -> ค.ศ.; two-digit years are Buddhist-era short forms ("69" = 2569 = 2026)."""
    if year < 100:
        return year + 2000 if explicit_ce else year + 2500 - 543
    return year - 543 if year >= 2400 else year


def _make_date(year: int | None, month: int, day: int | None, today: dt.date) -> dt.date | None:
    if day is None:
        return None
    try:
        return dt.date(year if year is not None else today.year, month, day)
    except ValueError:
        return None


def find_dates(text: str, today: dt.date | None = None) -> list[DateMention]:
    today = today or dt.date.today()
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(m: re.Match[str], day: int, month: int, year: int | None, text: str | None = None) -> None:
        found.append(DateMention(text=text or m.group(0), start=m.start(), end=m.end(), day=day, month=month,
                                 year=year, value=_make_date(year, month, day, today)))
        taken.append((m.start(), m.end()))

    for m in _DATE_TEXT.finditer(text):
        day, month = int(m.group(1)), _MONTHS[m.group(2).lower()]
        year = None
        if m.group(3):
            year = to_gregorian(int(m.group(3)), explicit_ce="ค" in m.group(0)[m.end(2) - m.start() :])
        add(m, day, month, year, text=m.group(0).strip())
    for m in _DATE_NUMERIC.finditer(text):
        if not free(m.start(), m.end()):
            continue
        day, month, raw_year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not 1 <= month <= 12:
            continue
        add(m, day, month, to_gregorian(raw_year))
    for m in _MONTH_ONLY.finditer(text):
        if not free(m.start(), m.end()):
            continue
        year = to_gregorian(int(m.group(2))) if m.group(2) else None
        found.append(
            DateMention(
                text=m.group(0),
                start=m.start(),
                end=m.end(),
                day=None,
                month=_MONTHS[m.group(1).lower()],
                year=year,
                value=None,
            )
        )
        taken.append((m.start(), m.end()))
    for m in _RELATIVE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        offset, label = _RELATIVE_DAYS[m.group(0)]
        day_value = today + dt.timedelta(days=offset)
        found.append(
            DateMention(
                text=m.group(0),
                start=m.start(),
                end=m.end(),
                day=day_value.day,
                month=day_value.month,
                year=day_value.year,
                value=day_value,
                relative=label,
            )
        )
    found.sort(key=lambda d: d.start)
    return found


# --- amounts -----------------------------------------------------------------------------

_MULTIPLIERS = {"พัน": 1_000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000, "k": 1_000}
_AMOUNT = re.compile(
    r"(?:฿\s*(?P<pre>\d[\d,]*(?:\.\d+)?))"
    r"|(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>พัน|หมื่น|แสน|ล้าน|k)?\s*(?:บาท|บ\.(?![ก-๛])|thb|baht|฿)",
    re.IGNORECASE,
)


def find_amounts(text: str) -> list[Amount]:
    found = []
    for m in _AMOUNT.finditer(text):
        raw = m.group("pre") or m.group("num")
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            continue
        if m.group("mult"):
            value *= _MULTIPLIERS[m.group("mult").lower()]
        found.append(Amount(text=m.group(0), start=m.start(), end=m.end(), value=value))
    return found


# --- all together ------------------------------------------------------------------------


def extract_entities(text: str, today: dt.date | None = None, *, cleaned: bool = False) -> Entities:
    """All entities of `text`; pass `cleaned=True` when `text` already went through `clean()`."""
    text = text if cleaned else clean(text)
    if not any(ch.isdigit() for ch in text) and not _RELATIVE.search(text) and "เดือน" not in text:
        return Entities()  # the common case: nothing numeric, skip every regex below
    tracking = find_tracking_numbers(text)
    # Each digit belongs to one entity: a tracking number hides its digits from the phone
    # and ID patterns, an ID hides its digits from the phone pattern.
    rest = _blank(text, [(t.start, t.end) for t in tracking])
    ids = find_national_ids(rest)
    rest = _blank(rest, [(n.start, n.end) for n in ids])
    phones = find_phones(rest)
    rest = _blank(rest, [(p.start, p.end) for p in phones])
    dates = find_dates(rest, today)
    rest = _blank(rest, [(d.start, d.end) for d in dates])
    amounts = find_amounts(rest)
    return Entities(
        tracking_numbers=tuple(tracking),
        national_ids=tuple(ids),
        phones=tuple(phones),
        dates=tuple(dates),
        amounts=tuple(amounts),
    )


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace spans by spaces, keeping every other character at its offset."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


PLACEHOLDERS = {"tracking": " #tracking ", "national_id": " #nationalid ", "phone": " #phone "}


def mask_for_classifier(text: str, entities: Entities) -> str:
    """The cleaned text with identifiers replaced by placeholder tokens.

    A tracking number's digits say nothing about intent, but "there is a tracking
    number" does; the placeholders let the classifier learn that.
    """
    spans = [(t.start, t.end, PLACEHOLDERS["tracking"]) for t in entities.tracking_numbers]
    spans += [(n.start, n.end, PLACEHOLDERS["national_id"]) for n in entities.national_ids]
    spans += [(p.start, p.end, PLACEHOLDERS["phone"]) for p in entities.phones]
    if not spans:
        return text
    out, last = [], 0
    for start, end, token in sorted(spans):
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return "".join(out)
