"""What citizens type: Thai national ID (checksum, 1-2345-67890-12-3), Thai mobiles, names, dates (พ.ศ.)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.validators import (
    format_mobile,
    format_national_id,
    mobile_e164,
    national_id_check_digit,
    national_id_valid,
    parse_address,
    parse_full_name,
    parse_mobile,
    parse_national_id,
    parse_number,
    parse_thai_date,
)
from core.masking import mask_mobile, mask_national_id

TODAY = dt.date(2026, 1, 10)


def test_the_check_digit_follows_the_interior_ministry_rule() -> None:
    # Σ d[i]·(13-i) over 12 digits, (11 - sum mod 11) mod 10
    assert national_id_check_digit("110170020345") == 0
    assert national_id_check_digit("310050337777") == 9
    assert national_id_valid("1101700203450") and not national_id_valid("1101700203451")
    leading_zero = "010170020345" + str(national_id_check_digit("010170020345"))
    assert not national_id_valid(leading_zero)  # no Thai ID starts with 0


@pytest.mark.parametrize("typed", ["1101700203450", "1-1017-00203-45-0", "1 1017 00203 45 0", "๑๑๐๑๗๐๐๒๐๓๔๕๐"])
def test_a_valid_id_is_read_however_it_is_written(typed: str) -> None:
    assert parse_national_id(typed).value == "1101700203450"


@pytest.mark.parametrize(("typed", "error"), [
    ("110170020345", "application.error.national_id_length"),
    ("11017002034500", "application.error.national_id_length"),
    ("1101700203451", "application.error.national_id_checksum"),
    ("11017-ABC-0345", "application.error.national_id_digits"),
    ("", "application.error.national_id_digits"),
])
def test_wrong_ids_say_what_is_wrong(typed: str, error: str) -> None:
    assert parse_national_id(typed).error == error


def test_ids_are_shown_formatted_and_masked() -> None:
    assert format_national_id("1101700203450") == "1-1017-00203-45-0"
    assert mask_national_id("1101700203450") == "1-XXXX-XXXXX-XX-0"
    assert parse_national_id("1101700203451").details == {"typed": "1-1017-00203-45-1"}
    assert parse_national_id("123").details == {"count": 3}


@pytest.mark.parametrize("typed", ["0812345678", "081-234-5678", "081 234 5678", "+66812345678", "66812345678",
                                   "+66 81 234 5678", "๐๘๑๒๓๔๕๖๗๘"])
def test_thai_mobiles(typed: str) -> None:
    assert parse_mobile(typed).value == "0812345678"


@pytest.mark.parametrize(("typed", "error"), [
    ("021234567", "application.error.phone_landline"),
    ("044756171", "application.error.phone_landline"),
    ("0712345678", "application.error.phone_invalid"),
    ("081234567", "application.error.phone_invalid"),
    ("โทรมาได้เลย", "application.error.phone_digits"),
])
def test_numbers_that_cannot_receive_an_otp(typed: str, error: str) -> None:
    assert parse_mobile(typed).error == error


def test_mobile_formats() -> None:
    assert format_mobile("0812345678") == "081-234-5678"
    assert mask_mobile("0812345678") == "08X-XXX-5678"
    assert mobile_e164("0812345678") == "+66812345678"


@pytest.mark.parametrize(("typed", "value"), [
    ("นายสมชาย ใจดี", "นายสมชาย ใจดี"), ("  สมหญิง   รักไทย ", "สมหญิง รักไทย"), ("John Smith", "John Smith"),
    ("ม.ล. ปิยะ สุขใจ", "ม.ล. ปิยะ สุขใจ"),
])
def test_names(typed: str, value: str) -> None:
    assert parse_full_name(typed).value == value


@pytest.mark.parametrize(("typed", "error"), [
    ("สมชาย", "application.error.name_surname"), ("สมชาย 123", "application.error.name_digits"),
    ("@@ !!", "application.error.name_invalid"),
])
def test_names_that_are_not(typed: str, error: str) -> None:
    assert parse_full_name(typed).error == error


@pytest.mark.parametrize(("typed", "value"), [
    ("12 มีนาคม 2500", dt.date(1957, 3, 12)), ("12 มี.ค. 2500", dt.date(1957, 3, 12)),
    ("12/3/2500", dt.date(1957, 3, 12)), ("12 มีนาคม 1957", dt.date(1957, 3, 12)),
    ("วันที่ 1 ม.ค. 69", dt.date(2026, 1, 1)),
])
def test_thai_dates_in_buddhist_or_common_era(typed: str, value: dt.date) -> None:
    assert parse_thai_date(typed, TODAY).value == value


@pytest.mark.parametrize(("typed", "error"), [
    ("31 กุมภาพันธ์ 2500", "application.error.date_invalid"), ("12 มีนาคม", "application.error.date_year"),
    ("เมื่อนานมาแล้ว", "application.error.date_format"), ("12/3/2700", "application.error.date_range"),
])
def test_dates_that_are_not(typed: str, error: str) -> None:
    assert parse_thai_date(typed, TODAY).error == error


def test_numbers_and_addresses() -> None:
    assert parse_number("1,250.50").value == 1250.5
    assert parse_number("120 ตร.ม.").value == 120
    assert parse_number("หนึ่งร้อย").error == "application.error.number"
    assert parse_number("1.2.3").error == "application.error.number"
    assert parse_address("12 หมู่ 5 ต.ท่าจะหลุง").ok
    assert parse_address("บ้านฉัน").error == "application.error.address_short"
