"""Thai QR bill payment payloads: CRC against published payloads, an independent decoder path, input rules."""

from __future__ import annotations

import binascii
import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from integrations.payment.qr_image import qr_png
from integrations.payment.thaiqr import (
    QRPayloadError,
    build_bill_payment,
    crc16_ccitt_false,
    parse_tlv,
    read_bill_payment,
)

# Payloads published with open-source Thai QR generators (promptparse / thai-qr-go test vectors): PromptPay
# credit transfer to a mobile number, with and without an amount, and two bill payments (tag 30).
PUBLISHED = [
    "00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF",
    "00020101021229370016A0000006770101110113006681222333353037645802TH540530.0063043CAD",
    "00020101021230650016A00000067701011201150994000165501000212123456789012030667042953037645802TH54073649.2263044534",
    "00020101021130550016A0000006770101120115099999999999990021211122233344453037645802TH63043EE7",
]

BILLER = "099400016550100"


def _independent_fields(payload: str) -> dict[str, str]:
    """A second TLV reader, written here so the test does not trust the module's parser."""
    out: dict[str, str] = {}
    rest = payload
    while rest:
        tag, size = rest[:2], int(rest[2:4])
        out[tag] = rest[4 : 4 + size]
        rest = rest[4 + size :]
    return out


def _crc_ok(payload: str) -> bool:
    # binascii.crc_hqx is CRC-CCITT with the polynomial 0x1021; seeded with 0xFFFF it is CCITT-FALSE
    return payload[-8:-4] == "6304" and binascii.crc_hqx(payload[:-4].encode(), 0xFFFF) == int(payload[-4:], 16)


def test_crc_check_value() -> None:
    # the catalogue check value of CRC-16/CCITT-FALSE
    assert crc16_ccitt_false(b"123456789") == 0x29B1


@pytest.mark.parametrize("payload", PUBLISHED)
def test_crc_matches_published_payloads(payload: str) -> None:
    assert f"{crc16_ccitt_false(payload[:-4].encode()):04X}" == payload[-4:]


def test_published_bill_payment_is_read() -> None:
    bill = read_bill_payment(PUBLISHED[2])
    assert (bill.biller_id, bill.ref1, bill.ref2, bill.amount) == (BILLER, "123456789012", "670429", Decimal("3649.22"))
    assert (bill.currency, bill.country) == ("764", "TH")


def test_same_fields_as_published_bill() -> None:
    ours = build_bill_payment(BILLER, "123456789012", "670429", Decimal("3649.22"))
    published = _independent_fields(PUBLISHED[2])
    theirs = _independent_fields(ours)
    # same values field by field (we write IDs in ascending order, the example puts 58 before 54)
    assert {k: v for k, v in theirs.items() if k != "63"} == {k: v for k, v in published.items() if k != "63"}
    assert ours.startswith("000201010212")
    assert _crc_ok(ours)


def test_scanned_qr_image_decodes_to_the_bill() -> None:
    payload = build_bill_payment("099400016550100", "TJL2569000123", "C12B1", Decimal("50"))
    image = Image.open(io.BytesIO(qr_png(payload)))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    scanned = results[0].text
    assert scanned == payload
    top = _independent_fields(scanned)
    merchant = _independent_fields(top["30"])
    assert merchant["00"] == "A000000677010112"
    assert merchant["01"] == "099400016550100"
    assert merchant["02"] == "TJL2569000123"
    assert merchant["03"] == "C12B1"
    assert top["01"] == "12"  # dynamic: one bill
    assert top["53"] == "764" and top["58"] == "TH"
    assert top["54"] == "50.00"
    assert _crc_ok(scanned)


def test_small_scale_still_scans() -> None:
    payload = build_bill_payment(BILLER, "TJL2569000001", None, Decimal("1234.50"))
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(payload, scale=3))))
    assert [r.text for r in results] == [payload]
    assert "03" not in _independent_fields(_independent_fields(payload)["30"])


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("50"), "50.00"), (Decimal("0.5"), "0.50"), (Decimal("1200.10"), "1200.10"), (Decimal("7.000"), "7.00")],
)
def test_amount_has_two_decimals(amount: Decimal, text: str) -> None:
    assert parse_tlv(build_bill_payment(BILLER, "A1", None, amount))["54"] == text


@pytest.mark.parametrize(
    ("biller", "ref1", "ref2", "amount", "complaint"),
    [
        ("09940001655010", "A1", None, Decimal("1"), "15 digits"),
        ("09940001655010X", "A1", None, Decimal("1"), "15 digits"),
        (BILLER, "TJL-2569-000123", None, Decimal("1"), "Ref1"),
        (BILLER, "tjl2569", None, Decimal("1"), "Ref1"),
        (BILLER, "", None, Decimal("1"), "Ref1"),
        (BILLER, "A" * 21, None, Decimal("1"), "Ref1"),
        (BILLER, "ใบเสร็จ", None, Decimal("1"), "Ref1"),
        (BILLER, "A1", "", Decimal("1"), "Ref2"),
        (BILLER, "A1", "a-b", Decimal("1"), "Ref2"),
        (BILLER, "A1", None, Decimal("0"), "more than 0"),
        (BILLER, "A1", None, Decimal("-5"), "more than 0"),
        (BILLER, "A1", None, Decimal("1.005"), "2 decimals"),
        (BILLER, "A1", None, Decimal("NaN"), "number"),
        (BILLER, "A1", None, Decimal("10000000000"), "larger"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    biller: str, ref1: str, ref2: str | None, amount: Decimal, complaint: str
) -> None:
    with pytest.raises(QRPayloadError, match=complaint):
        build_bill_payment(biller, ref1, ref2, amount)


def test_float_amount_is_refused() -> None:
    with pytest.raises(QRPayloadError, match="Decimal"):
        build_bill_payment(BILLER, "A1", None, 50.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("broken", ["0002", "000201010", "00AB01", "00020100020"])
def test_parse_tlv_refuses_broken_payloads(broken: str) -> None:
    with pytest.raises(QRPayloadError):
        parse_tlv(broken)


def test_altered_payload_fails_crc() -> None:
    payload = build_bill_payment(BILLER, "TJL2569000123", None, Decimal("50"))
    tampered = payload.replace("50.00", "05.00")
    with pytest.raises(QRPayloadError, match="CRC"):
        read_bill_payment(tampered)
    assert read_bill_payment(payload).amount == Decimal("50.00")


def test_credit_transfer_payload_is_not_a_bill() -> None:
    with pytest.raises(QRPayloadError, match="tag 30"):
        read_bill_payment(PUBLISHED[0])
