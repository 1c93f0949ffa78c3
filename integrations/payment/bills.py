"""A core Bill as Thai QR: the one place that turns what is owed into the payload banks scan."""

from __future__ import annotations

from core.billing import Bill
from integrations.payment.thaiqr import build_bill_payment


def qr_payload(bill: Bill) -> str:
    """The EMVCo payload for `bill` (GET /api/v1/cases/{tracking}/bill returns it as `qr_payload`)."""
    return build_bill_payment(bill.biller_id, bill.ref1, bill.ref2, bill.amount_baht)
