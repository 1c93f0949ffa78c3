"""Money on a case: its bill (core.billing.BillLookup for the payment pages), the Thai QR payload, and payment
confirmations from the bank's callback or the counter (idempotent by payment_ref; a wrong amount is flagged
for an officer, never accepted). Called through `services.cases` (bot/office/cases.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.office.cases import CaseNotFound, CaseService, PaymentOutcome, satang, to_baht
from bot.office.notify import msg
from bot.office.outbox import ALERT_PURPOSE, enqueue
from core import billing
from core.cases import Actor, CaseState
from integrations.payment.thaiqr import build_bill_payment
from integrations.storage.models.cases import Case, Payment
from integrations.storage.models.office import Officer

S = CaseState


async def bill_for(cases: CaseService, tracking: str) -> billing.Bill | None:
    """core.billing.BillLookup: the case's current bill (for the payment pages and the API)."""
    try:
        async with cases.services.db.session() as session:
            loaded = await cases._load(session, tracking)
    except CaseNotFound:
        return None
    case, app = loaded.case, loaded.app
    if case.fee_satang is None or case.fee_due is None or case.state not in {S.fee_due, S.paid, S.completed}:
        return None
    payment = cases.snapshot.office.payment
    return billing.Bill(
        tracking=case.tracking_no, service_name=cases.service_name(case, app),
        payer_name=app.applicant_name or "", amount_baht=to_baht(case.fee_satang) or Decimal(0),
        due=case.fee_due, ref1=billing.ref1_for(case.tracking_no), ref2=case.bill_ref2,
        biller_id=payment.biller_id if payment else "",
        status=billing.BillStatus.PAID if case.paid_at else billing.BillStatus.UNPAID,
        paid_at=case.paid_at, issued_on=case.state_changed_at.astimezone(cases._zone).date()
        if case.state == S.fee_due else None,
        payee_name=payment.account_name if payment else cases.snapshot.office.name,
    )


def qr_payload(bill: billing.Bill) -> str | None:
    if not bill.biller_id:
        return None
    return build_bill_payment(bill.biller_id, bill.ref1, bill.ref2, bill.amount_baht)


async def record_payment(cases: CaseService, *, payment_ref: str, ref1: str, amount_baht: Decimal, paid_at: datetime,
                         channel: str = "bank", officer: Officer | None = None) -> PaymentOutcome:
    """A payment confirmation: idempotent by payment_ref; a wrong amount is flagged, not accepted."""
    now = cases.now()
    amount = satang(amount_baht)
    tracking = await _tracking_by_ref1(cases, ref1)
    async with cases.services.db.session() as session:
        seen = (await session.exec(select(Payment).where(Payment.payment_ref == payment_ref))).first()
        if seen is not None:
            return PaymentOutcome("duplicate", tracking, seen.reason)
        if tracking is None:
            session.add(Payment(payment_ref=payment_ref, ref1=ref1, amount_satang=amount, channel=channel,
                                status="flagged", reason="unknown ref1", paid_at=paid_at, received_at=now,
                                officer_id=officer.id if officer else None))
            return PaymentOutcome("unknown_case", None, "unknown ref1")
        loaded = await cases._load(session, tracking, lock=True)
        case = loaded.case
        reason: str | None = None
        if case.state != S.fee_due or case.fee_satang is None:
            reason = f"the case is {case.state}, not waiting for a fee"
        elif amount != case.fee_satang:
            reason = f"amount {to_baht(amount)} differs from the bill's {to_baht(case.fee_satang)}"
        session.add(Payment(payment_ref=payment_ref, case_id=case.id, ref1=ref1, amount_satang=amount,
                            channel=channel, status="flagged" if reason else "accepted", reason=reason,
                            paid_at=paid_at, received_at=now, officer_id=officer.id if officer else None))
        if reason is None:
            actor = Actor.payment if officer is None else Actor(officer.role)
            await cases._move(session, tracking, S.paid.value, actor=actor, officer=officer, note=None,
                             documents=(), fee_baht=None, paid_at=paid_at,
                             actor_name="bank" if officer is None else None)
        else:
            _alert_officers(cases, session, case, amount, payment_ref, now)
    cases.services.outbox_bell.ring()
    return PaymentOutcome("flagged" if reason else "accepted", tracking, reason)


def _alert_officers(cases: CaseService, session: AsyncSession, case: Case, amount: int, payment_ref: str,
                    now: datetime) -> None:
    group = cases.services.settings.line_officer_group_id
    if not group:
        return
    text = msg(cases.snapshot, "case.alert.payment_flagged", tracking=case.tracking_no,
               paid=to_baht(amount), expected=to_baht(case.fee_satang) if case.fee_satang else "-",
               payment_ref=payment_ref)
    enqueue(session, group, [{"type": "text", "text": text}], purpose=ALERT_PURPOSE, now=now, case_id=case.id)


async def _tracking_by_ref1(cases: CaseService, ref1: str) -> str | None:
    wanted = ref1.strip().upper()
    async with cases.services.db.session() as session:
        rows = (await session.exec(select(Case.tracking_no).where(col(Case.fee_satang).is_not(None)))).all()
    return next((t for t in rows if billing.ref1_for(t) == wanted), None)
