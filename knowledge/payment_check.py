"""Warnings (not errors) about the office's Thai QR bill settings, printed by `python -m bot knowledge check`.

The bot still starts with a placeholder biller ID (development, a demo), but every check says so, because a
bill with it cannot be paid in any bank app.
"""

from __future__ import annotations

from knowledge.errors import KnowledgeError, parse_yaml
from knowledge.snapshot import KnowledgeSnapshot


def tax_id_check_digit_ok(tax_id: str) -> bool:
    """The 13th digit of a Thai tax ID / national ID is (11 - Σ digit×weight mod 11) mod 10, weights 13…2."""
    if len(tax_id) != 13 or not tax_id.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(tax_id[:12], range(13, 1, -1), strict=True))
    return (11 - total % 11) % 10 == int(tax_id[12])


def payment_warnings(snapshot: KnowledgeSnapshot) -> list[KnowledgeError]:
    payment = snapshot.office.payment
    if payment is None:  # no payment section = fees are paid at the counter only: a choice, not a mistake
        return []
    office_file = next((d / "office.yaml" for d in snapshot.source_dirs if (d / "office.yaml").is_file()), None)
    if office_file is None:
        return []
    source, _ = parse_yaml(office_file)

    def warn(field: str, th: str, en: str, code: str) -> KnowledgeError:
        line = source.line_of(("payment", field)) if source else None
        return KnowledgeError(office_file, line, f"คำเตือน: {th}", f"warning: {en}", code)

    warnings: list[KnowledgeError] = []
    if payment.placeholder:
        warnings.append(warn(
            "biller_id",
            "biller_id ยังเป็นค่าตัวอย่าง (placeholder: true) QR ที่ออกจะสแกนจ่ายไม่ได้ โปรดแก้ให้ตรงกับที่ธนาคารกำหนด",
            "biller_id is a placeholder (placeholder: true): bills made with it cannot be paid",
            "payment_placeholder",
        ))
    elif not tax_id_check_digit_ok(payment.biller_id[:13]):
        warnings.append(warn(
            "biller_id",
            "เลขประจำตัวผู้เสียภาษี 13 หลักแรกของ biller_id มีเลขตรวจสอบไม่ถูกต้อง โปรดตรวจทานกับธนาคาร",
            "the 13-digit tax ID in biller_id fails its check digit; confirm it with the bank",
            "payment_biller_checksum",
        ))
    return warnings
