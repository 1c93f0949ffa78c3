from __future__ import annotations

import datetime as dt

import pytest

from bot.nlu.entities import extract_entities, national_id_checksum_ok

TODAY = dt.date(2026, 3, 10)
VALID_ID = "1101700123456"  # checksum digit 6 is correct
INVALID_ID = "1101700123457"


def test_checksum() -> None:
    assert national_id_checksum_ok(VALID_ID)
    assert not national_id_checksum_ok(INVALID_ID)
    assert not national_id_checksum_ok("123")


@pytest.mark.parametrize("written", [VALID_ID, "1-1017-00123-45-6", "1 1017 00123 45 6"])
def test_valid_national_id_any_grouping(written: str) -> None:
    ids = extract_entities(f"เลขบัตรประชาชน {written} ค่ะ").national_ids
    assert len(ids) == 1
    assert ids[0].value == VALID_ID
    assert ids[0].valid


def test_invalid_checksum_is_reported_not_dropped() -> None:
    ids = extract_entities(f"บัตร {INVALID_ID}").national_ids
    assert [(i.value, i.valid) for i in ids] == [(INVALID_ID, False)]


def test_personal_data_is_masked_in_repr_and_safe_dict() -> None:
    ents = extract_entities(f"บัตร {VALID_ID} โทร 081-234-5678")
    for shown in (repr(ents), str(ents), str(ents.safe_dict())):
        assert VALID_ID not in shown
        assert "0812345678" not in shown and "081-234-5678" not in shown
    assert ents.national_ids[0].masked == "*********3456"
    assert ents.phones[0].masked.endswith("5678")


@pytest.mark.parametrize(
    "written",
    ["0812345678", "081-234-5678", "081 234 5678", "+66 81 234 5678", "+66812345678", "66-81-234-5678"],
)
def test_mobile_numbers(written: str) -> None:
    phones = extract_entities(f"ติดต่อกลับที่ {written} นะคะ").phones
    assert [p.value for p in phones] == ["0812345678"]


def test_mobile_prefixes_and_non_mobiles() -> None:
    assert [p.value for p in extract_entities("0612345678 / 0998887777").phones] == [
        "0612345678",
        "0998887777",
    ]
    assert extract_entities("โทร 044-756171").phones == ()  # landline, not a mobile
    assert extract_entities("0712345678").phones == ()  # 07 is not a mobile prefix


def test_id_digits_are_not_read_as_a_phone() -> None:
    ents = extract_entities("0891234567890")  # 13 digits: an ID (bad checksum), not a phone
    assert ents.phones == ()
    assert len(ents.national_ids) == 1


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("TJL-2569-000123", "TJL-2569-000123"),
        ("tjl-2569-000123", "TJL-2569-000123"),
        ("TJL 2569 000123", "TJL-2569-000123"),
        ("ab-2568-004521", "AB-2568-004521"),
        ("NKRMA-2570-999999", "NKRMA-2570-999999"),
    ],
)
def test_tracking_numbers(written: str, value: str) -> None:
    found = extract_entities(f"เช็คเลข {written} ให้หน่อย").tracking_numbers
    assert [t.value for t in found] == [value]
    assert extract_entities(f"เช็คเลข {written} ให้หน่อย").phones == ()


def test_tracking_number_rejects_bad_shapes() -> None:
    assert extract_entities("TJL-2569-00012").tracking_numbers == ()  # 5 digits
    assert extract_entities("T-2569-000123").tracking_numbers == ()  # 1 letter
    assert extract_entities("TJL-1999-000123").tracking_numbers == ()  # not a Buddhist-era year


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("15 มีนาคม 2569", dt.date(2026, 3, 15)),
        ("วันที่ 15 มี.ค. 2569", dt.date(2026, 3, 15)),
        ("1 ม.ค. 69", dt.date(2026, 1, 1)),
        ("30 พฤศจิกายน พ.ศ. 2568", dt.date(2025, 11, 30)),
        ("5 เม.ย. ค.ศ. 2026", dt.date(2026, 4, 5)),
        ("๒๕ ธันวาคม ๒๕๖๙", dt.date(2026, 12, 25)),
        ("15/03/2569", dt.date(2026, 3, 15)),
        ("3 ก.ค.", dt.date(2026, 7, 3)),  # no year: this year
    ],
)
def test_thai_dates(written: str, expected: dt.date) -> None:
    dates = extract_entities(f"นัดยื่นเอกสาร {written} ได้ไหม", today=TODAY).dates
    assert [d.value for d in dates] == [expected]


def test_relative_dates_and_impossible_dates() -> None:
    dates = extract_entities("พรุ่งนี้ อบต. เปิดไหม", today=TODAY).dates
    assert [(d.relative, d.value) for d in dates] == [("tomorrow", dt.date(2026, 3, 11))]
    assert extract_entities("วันนี้", today=TODAY).dates[0].value == TODAY
    bad = extract_entities("31 ก.พ. 2569", today=TODAY).dates
    assert bad[0].value is None and (bad[0].day, bad[0].month, bad[0].year) == (31, 2, 2026)


def test_month_without_day() -> None:
    dates = extract_entities("ลงทะเบียนเดือนพฤศจิกายนใช่ไหม", today=TODAY).dates
    assert [(d.month, d.day, d.value) for d in dates] == [(11, None, None)]


@pytest.mark.parametrize(
    ("written", "value"),
    [("500 บาท", 500.0), ("1,500 บาท", 1500.0), ("2 พันบาท", 2000.0), ("฿250", 250.0), ("600 บ.", 600.0)],
)
def test_amounts(written: str, value: float) -> None:
    assert [a.value for a in extract_entities(f"ค่าธรรมเนียม {written} ใช่ไหม").amounts] == [value]


def test_no_entities_in_plain_text() -> None:
    assert not extract_entities("ภาษีป้ายต้องเสียทุกปีไหม")
