"""Thai QR Code bill payment payloads (EMVCo merchant-presented mode, Bank of Thailand profile).

A payload is a string of ID-length-value fields: a two-digit ID, a two-digit decimal length, then the value.
For a bill the office issues we write, in ascending ID order:

    00 payload format indicator  "01"
    01 point of initiation       "12" (dynamic: one bill, one amount)
    30 bill payment template     00 AID A000000677010112, 01 biller ID, 02 Ref1, 03 Ref2 (optional)
    53 currency                  "764" (baht, ISO 4217)
    54 amount                    "50.00"
    58 country                   "TH"
    63 CRC                       CRC-16/CCITT-FALSE over everything before it, including "6304"

Field rules (Thai QR Code bill payment, as banks apply them): the biller ID is the biller's 13-digit tax ID
plus a 2-digit suffix the bank assigns (15 digits); Ref1 is required and Ref2 optional, each 1-20 characters
of upper-case English letters and digits (banks reject lower case, Thai and punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

AID_BILL_PAYMENT = "A000000677010112"
CURRENCY_THB = "764"
COUNTRY_TH = "TH"
POINT_OF_INITIATION_DYNAMIC = "12"
MAX_AMOUNT = Decimal("9999999999.99")  # tag 54 holds at most 13 characters

_BILLER_ID = re.compile(r"[0-9]{15}")
_REFERENCE = re.compile(r"[0-9A-Z]{1,20}")
_ID_AND_LENGTH = re.compile(r"[0-9]{4}")


class QRPayloadError(ValueError):
    """A bill cannot be encoded (bad biller ID, reference or amount), or a payload cannot be read."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise QRPayloadError(f"field {tag} is {len(value)} characters; a TLV value holds at most 99")
    return f"{tag}{len(value):02d}{value}"


def _check_reference(name: str, value: str) -> None:
    if not _REFERENCE.fullmatch(value):
        raise QRPayloadError(
            f"{name} must be 1-20 characters of A-Z and 0-9 (got {len(value)} characters: {value!r})"
        )


def format_amount(amount: Decimal) -> str:
    """The amount as tag 54 carries it: baht with exactly two decimals ("50.00")."""
    if not isinstance(amount, Decimal):
        raise QRPayloadError(f"amount must be a Decimal, not {type(amount).__name__} (floats lose satang)")
    if not amount.is_finite():
        raise QRPayloadError(f"amount must be a number, got {amount}")
    if amount <= 0:
        raise QRPayloadError(f"amount must be more than 0 baht, got {amount}")
    if amount > MAX_AMOUNT:
        raise QRPayloadError(f"amount {amount} is larger than a Thai QR bill can carry ({MAX_AMOUNT})")
    if amount != amount.quantize(Decimal("0.01")):
        raise QRPayloadError(f"amount has more than 2 decimals (satang): {amount}")
    return f"{amount.quantize(Decimal('0.01')):f}"


def with_crc(body: str) -> str:
    """Append tag 63: the CRC covers the body and the "6304" that announces it."""
    head = body + "6304"
    return head + f"{crc16_ccitt_false(head.encode('ascii')):04X}"


def build_bill_payment(biller_id: str, ref1: str, ref2: str | None, amount: Decimal) -> str:
    """The payload of a dynamic Thai QR bill for `amount` baht to `biller_id`, identified by Ref1 (and Ref2)."""
    if not _BILLER_ID.fullmatch(biller_id):
        raise QRPayloadError(
            f"biller ID must be 15 digits (13-digit tax ID + 2-digit suffix), got {len(biller_id)} characters"
        )
    _check_reference("Ref1", ref1)
    if ref2 is not None:
        _check_reference("Ref2", ref2)
    amount_text = format_amount(amount)

    merchant = _field("00", AID_BILL_PAYMENT) + _field("01", biller_id) + _field("02", ref1)
    if ref2 is not None:
        merchant += _field("03", ref2)
    body = (
        _field("00", "01")
        + _field("01", POINT_OF_INITIATION_DYNAMIC)
        + _field("30", merchant)
        + _field("53", CURRENCY_THB)
        + _field("54", amount_text)
        + _field("58", COUNTRY_TH)
    )
    return with_crc(body)


def parse_tlv(payload: str) -> dict[str, str]:
    """One level of ID-length-value fields → {id: value}. Templates (e.g. "30") stay strings; parse them again.

    Raises QRPayloadError for a truncated field, a non-numeric ID or length, or an ID seen twice.
    """
    fields: dict[str, str] = {}
    position = 0
    while position < len(payload):
        head = payload[position : position + 4]
        if not _ID_AND_LENGTH.fullmatch(head):
            raise QRPayloadError(f"expected a 2-digit ID and 2-digit length at position {position}, got {head!r}")
        tag, length = head[:2], int(head[2:])
        value = payload[position + 4 : position + 4 + length]
        if len(value) != length:
            raise QRPayloadError(f"field {tag} says {length} characters but only {len(value)} remain")
        if tag in fields:
            raise QRPayloadError(f"field {tag} appears twice")
        fields[tag] = value
        position += 4 + length
    return fields


@dataclass(frozen=True)
class BillPaymentQR:
    """What a bill-payment payload says, once its CRC has been checked."""

    biller_id: str
    ref1: str
    ref2: str | None
    amount: Decimal | None
    currency: str
    country: str
    dynamic: bool


def crc_is_valid(payload: str) -> bool:
    """True when the payload ends in "6304" + the CRC of everything up to and including "6304"."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    try:
        expected = int(payload[-4:], 16)
    except ValueError:
        return False
    return crc16_ccitt_false(payload[:-4].encode("ascii", errors="replace")) == expected


def read_bill_payment(payload: str) -> BillPaymentQR:
    """Decode a bill-payment payload (ours or a bank's), refusing a bad CRC or a missing tag 30."""
    if not crc_is_valid(payload):
        raise QRPayloadError("the CRC (tag 63) does not match the payload")
    fields = parse_tlv(payload)
    if "30" not in fields:
        raise QRPayloadError("no bill payment template (tag 30)")
    merchant = parse_tlv(fields["30"])
    if merchant.get("00") != AID_BILL_PAYMENT:
        raise QRPayloadError(f"tag 30 carries AID {merchant.get('00')!r}, not Thai QR bill payment")
    if "01" not in merchant or "02" not in merchant:
        raise QRPayloadError("tag 30 lacks the biller ID (01) or Ref1 (02)")
    amount: Decimal | None = None
    if "54" in fields:
        try:
            amount = Decimal(fields["54"])
        except InvalidOperation as error:
            raise QRPayloadError(f"amount (tag 54) is not a number: {fields['54']!r}") from error
    return BillPaymentQR(
        biller_id=merchant["01"],
        ref1=merchant["02"],
        ref2=merchant.get("03"),
        amount=amount,
        currency=fields.get("53", ""),
        country=fields.get("58", ""),
        dynamic=fields.get("01") == POINT_OF_INITIATION_DYNAMIC,
    )
