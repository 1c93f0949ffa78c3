"""Licence and receipt PDFs worded from the office's knowledge (messages/payment.yaml, office.yaml).

The case-lifecycle code builds a spec with `licence_spec` / `receipt_spec` when a case completes or is paid and
renders it with `await render_pdf_async(spec)` (a worker thread: layout is CPU work); the renderer in
integrations/documents/licence.py only lays out what it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from core.thai_dates import month_name
from integrations.documents.licence import DocumentLabels, DocumentSpec, render_pdf
from knowledge.snapshot import KnowledgeSnapshot


def office_values(snapshot: KnowledgeSnapshot) -> dict[str, str]:
    """The {office_…} fields every payment/document message may use."""
    office = snapshot.office
    return {
        "office_name": office.name,
        "office_short_name": office.short_name,
        "office_phone": office.phone,
        "office_address": office.address,
        "office_hours": office.hours.text,
    }


def document_labels(snapshot: KnowledgeSnapshot, kind: Literal["licence", "receipt"]) -> DocumentLabels:
    raw = snapshot.messages  # raw templates: the renderer fills {day} {month} {amount} {verify_url} itself
    office = office_values(snapshot)
    return DocumentLabels(
        months=tuple(month_name(snapshot.message, month) for month in range(1, 13)),
        date_format=raw["doc.date"],
        number=raw["doc.number"],
        holder=raw[f"doc.{kind}.holder"],
        service=raw["doc.service"],
        tracking=raw["doc.tracking"],
        issued_on=raw["doc.issued_on"],
        valid_until=raw["doc.valid_until"],
        amount=raw["doc.amount"],
        amount_format=raw["doc.amount_value"],
        signature=raw["doc.signature"],
        signer_position=raw[f"doc.{kind}.signer_position"],
        footer=snapshot.message("doc.footer", **office),
        footer_verify=raw["doc.footer_verify"],
    )


def licence_spec(
    snapshot: KnowledgeSnapshot,
    *,
    title: str,
    holder: str,
    service: str,
    tracking: str,
    issued_on: date,
    valid_until: date | None = None,
    lines: Sequence[tuple[str, str]] = (),
    number: str | None = None,
    signer: str | None = None,
    signer_position: str | None = None,
    verify_url: str | None = None,
) -> DocumentSpec:
    """A licence; `title` is the service's licence name ("ใบอนุญาตติดตั้งป้าย"), else doc.licence.title."""
    office = snapshot.office
    return DocumentSpec(
        kind="licence", title=title or snapshot.messages["doc.licence.title"], office_name=office.name,
        office_address=office.address, holder=holder, service=service, tracking=tracking, issued_on=issued_on,
        labels=document_labels(snapshot, "licence"), number=number, valid_until=valid_until, lines=tuple(lines),
        signer=signer, signer_position=signer_position, verify_url=verify_url,
    )


def receipt_spec(
    snapshot: KnowledgeSnapshot,
    *,
    payer: str,
    service: str,
    tracking: str,
    amount_baht: Decimal,
    paid_on: date,
    lines: Sequence[tuple[str, str]] = (),
    number: str | None = None,
    signer: str | None = None,
    verify_url: str | None = None,
) -> DocumentSpec:
    """A receipt for a fee paid (by Thai QR or at the counter)."""
    office = snapshot.office
    return DocumentSpec(
        kind="receipt", title=snapshot.messages["doc.receipt.title"], office_name=office.name,
        office_address=office.address, holder=payer, service=service, tracking=tracking, issued_on=paid_on,
        labels=document_labels(snapshot, "receipt"), number=number, lines=tuple(lines), amount_baht=amount_baht,
        signer=signer, verify_url=verify_url,
    )


def licence_pdf(snapshot: KnowledgeSnapshot, **fields: Any) -> bytes:
    """licence_spec + render_pdf in one call (CPU work: run it in a thread from async code)."""
    return render_pdf(licence_spec(snapshot, **fields))


def receipt_pdf(snapshot: KnowledgeSnapshot, **fields: Any) -> bytes:
    """receipt_spec + render_pdf in one call (CPU work: run it in a thread from async code)."""
    return render_pdf(receipt_spec(snapshot, **fields))
