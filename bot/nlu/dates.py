"""Dates in a citizen's message: "5 ธ.ค. 69", "15/11/2569", "เดือนพฤศจิกา", "พรุ่งนี้" (Isan มื้ออื่น too)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from bot.nlu.spans import Span


class DateMention(Span):
    value: dt.date | None  # None when the date does not exist (31 ก.พ.) or lacks a day
    day: int | None
    month: int | None
    year: int | None  # Gregorian; None when the text gave no year
    relative: Literal["today", "tomorrow", "day_after_tomorrow", "yesterday"] | None = None


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
RELATIVE_DAYS = re.compile(r"วันนี้|มื้อนี้|พรุ่งนี้|มื้ออื่น|มะรืนนี้|มะรืน|เมื่อวานนี้|เมื่อวาน|มื้อวาน")
RELATIVE_DAYS_DAYS: dict[str, tuple[int, Literal["today", "tomorrow", "day_after_tomorrow", "yesterday"]]] = {
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
    for m in RELATIVE_DAYS.finditer(text):
        if not free(m.start(), m.end()):
            continue
        offset, label = RELATIVE_DAYS_DAYS[m.group(0)]
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
