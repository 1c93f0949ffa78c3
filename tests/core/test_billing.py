"""Bills: due dates, the Ref1/Ref2 a bank payment carries back, check digits that catch typos."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.billing import DEFAULT_PAYMENT_DAYS, Bill, BillStatus, due_date, ref1_for, ref2_for, ref2_is_valid


def test_due_date_uses_the_manuals_days_or_the_default() -> None:
    assert due_date(date(2026, 12, 4), 15) == date(2026, 12, 19)
    assert due_date(date(2026, 12, 25), 10) == date(2027, 1, 4)
    assert due_date(date(2026, 12, 4), None) == date(2026, 12, 4 + DEFAULT_PAYMENT_DAYS)
    with pytest.raises(ValueError):
        due_date(date(2026, 12, 4), 0)


def test_ref1_is_the_tracking_number_in_qr_characters() -> None:
    assert ref1_for("TJL-2569-000123") == "TJL2569000123"
    assert ref1_for("tjl-c-2569-000001") == "TJLC2569000001"
    with pytest.raises(ValueError):
        ref1_for("---")
    with pytest.raises(ValueError):
        ref1_for("TJL-2569-0001230000000000")


def test_ref2_numbers_the_bill_and_checks_itself() -> None:
    first, second = ref2_for("TJL-2569-000123", 1), ref2_for("TJL-2569-000123", 2)
    assert first.startswith("01") and second.startswith("02") and len(first) == len(second) == 4
    assert ref2_is_valid("TJL2569000123", first)
    assert ref2_is_valid("TJL2569000123", second)
    with pytest.raises(ValueError):
        ref2_for("TJL-2569-000123", 100)


@pytest.mark.parametrize(
    ("ref1", "ref2_change"),
    [
        ("TJL2569000132", None),  # two digits swapped in Ref1
        ("TJL2569000124", None),  # one digit wrong in Ref1
        ("TJL2569000123", "digit"),  # one digit wrong in Ref2
    ],
)
def test_typos_are_caught(ref1: str, ref2_change: str | None) -> None:
    ref2 = ref2_for("TJL-2569-000123", 1)
    if ref2_change:
        ref2 = ref2[:3] + str((int(ref2[3]) + 1) % 10)
    assert not ref2_is_valid(ref1, ref2)


def test_bill_overdue_only_while_unpaid() -> None:
    bill = Bill("TJL-2569-000123", "ภาษีป้าย", "สมชาย ใจดี", Decimal("200.00"), date(2026, 12, 19),
                "TJL2569000123", "0158", "099400016550100")
    assert not bill.is_overdue(date(2026, 12, 19))
    assert bill.is_overdue(date(2026, 12, 20))
    paid = Bill(**{**bill.__dict__, "status": BillStatus.PAID})
    assert paid.is_paid and not paid.is_overdue(date(2026, 12, 20))
