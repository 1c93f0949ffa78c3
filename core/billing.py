"""Bills for fees: what is owed, by when, and the references a bank payment carries back to us.

Ref1 is the tracking number without its hyphens (Thai QR references allow only A-Z and 0-9: TJL-2569-000123 →
TJL2569000123). Ref2 is the bill's number on the case plus two ISO 7064 MOD 97-10 check digits over Ref1 and
that number, so a clerk or a bank that mistypes a reference is caught, and a second bill on the same case (a
corrected fee) is told apart from the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

# When the manual states no deadline for paying: the notice period the office uses for tax bills (the signboard
# tax manual's 15 days). A service's own `days` wins.
DEFAULT_PAYMENT_DAYS = 15

_REFERENCE = re.compile(r"[0-9A-Z]{1,20}")


class BillStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"


@dataclass(frozen=True)
class Bill:
    """One fee to pay on one case, as the payment page, the printed bill and the QR show it."""

    tracking: str
    service_name: str
    payer_name: str
    amount_baht: Decimal
    due: date
    ref1: str
    ref2: str | None
    biller_id: str
    status: BillStatus = BillStatus.UNPAID
    paid_at: datetime | None = None
    issued_on: date | None = None
    payee_name: str = ""  # the account name the payer's bank app shows (the office's)

    @property
    def is_paid(self) -> bool:
        return self.status is BillStatus.PAID

    def is_overdue(self, today: date) -> bool:
        return not self.is_paid and today > self.due


def due_date(issued: date, days: int | None) -> date:
    """The last day to pay: `days` after issue (the manual's deadline), or DEFAULT_PAYMENT_DAYS when it has none."""
    if days is not None and days < 1:
        raise ValueError(f"a payment period is at least one day, got {days}")
    return issued + timedelta(days=DEFAULT_PAYMENT_DAYS if days is None else days)


def ref1_for(tracking: str) -> str:
    """The Thai QR Ref1 of a case: its tracking number in upper case without separators."""
    ref1 = re.sub(r"[^0-9A-Za-z]", "", tracking).upper()
    if not _REFERENCE.fullmatch(ref1):
        raise ValueError(f"tracking number {tracking!r} does not make a Ref1 of 1-20 letters and digits")
    return ref1


def _mod97(text: str) -> int:
    # letters count as two digits (A=10 … Z=35), as in IBAN check digits
    return int("".join(str(int(char, 36)) for char in text)) % 97


def ref2_for(tracking: str, bill_no: int = 1) -> str:
    """A short check reference for bill `bill_no` (1-99) of the case: "01" + two check digits, e.g. "0147"."""
    if not 1 <= bill_no <= 99:
        raise ValueError(f"bill number must be 1-99, got {bill_no}")
    number = f"{bill_no:02d}"
    check = 98 - _mod97(ref1_for(tracking) + number + "00")
    return f"{number}{check:02d}"


def ref2_is_valid(ref1: str, ref2: str) -> bool:
    """True when `ref2` carries the right check digits for `ref1` (a typo in either is caught)."""
    if not re.fullmatch(r"[0-9]{4}", ref2) or not _REFERENCE.fullmatch(ref1):
        return False
    return _mod97(ref1 + ref2) == 1


class BillLookup(Protocol):
    """What the payment pages need from the case store (the case-lifecycle code implements it)."""

    async def bill_for(self, tracking: str) -> Bill | None:
        """The case's current bill, or None when it has none (no fee, or not yet decided)."""
        ...

    async def licence_for(self, tracking: str) -> bytes | None:
        """The issued licence or receipt PDF of a completed case, or None when there is none yet."""
        ...
