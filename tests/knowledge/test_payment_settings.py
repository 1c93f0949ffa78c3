"""The office's Thai QR settings in office.yaml: validated, and `knowledge check` warns about a placeholder."""

from __future__ import annotations

import pytest

from knowledge.cli import main
from knowledge.loader import try_load_knowledge
from knowledge.payment_check import tax_id_check_digit_ok
from tests.knowledge.conftest import MiniTree

OFFICE_FILE = "offices/mini_office/office.yaml"


def _add_payment(mini: MiniTree, biller_id: str, placeholder: bool) -> None:
    mini.edit(OFFICE_FILE, "tracking_prefix: TST\n", (
        "tracking_prefix: TST\n"
        "payment:\n"
        f'  biller_id: "{biller_id}"\n'
        "  account_name: องค์การบริหารส่วนตำบลทดสอบ\n"
        f"  placeholder: {'true' if placeholder else 'false'}\n"
    ))


def test_placeholder_biller_id_is_a_warning_with_its_line(mini: MiniTree, capsys: pytest.CaptureFixture[str]) -> None:
    _add_payment(mini, "000000000000000", placeholder=True)
    assert main(["check", "--dir", str(mini.office_dir)]) == 0  # a warning does not fail the check
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("OK อบต.ทดสอบ")
    line = mini.line_of(OFFICE_FILE, "biller_id")
    assert f"office.yaml:{line}: คำเตือน: biller_id ยังเป็นค่าตัวอย่าง" in lines[1]
    assert "placeholder" in lines[1]


def test_confirmed_biller_id_gives_no_warning(mini: MiniTree, capsys: pytest.CaptureFixture[str]) -> None:
    _add_payment(mini, "099400016550100", placeholder=False)
    assert main(["check", "--dir", str(mini.office_dir)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_confirmed_biller_id_with_a_bad_check_digit_is_flagged(
    mini: MiniTree, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_payment(mini, "099400016550200", placeholder=False)
    assert main(["check", "--dir", str(mini.office_dir)]) == 0
    assert "เลขตรวจสอบไม่ถูกต้อง" in capsys.readouterr().out


def test_malformed_biller_id_is_an_error(mini: MiniTree, capsys: pytest.CaptureFixture[str]) -> None:
    _add_payment(mini, "0994-0001-6550", placeholder=False)
    assert main(["check", "--dir", str(mini.office_dir)]) == 1
    out = capsys.readouterr().out
    assert "biller_id ต้องเป็นตัวเลข 15 หลัก" in out and f"office.yaml:{mini.line_of(OFFICE_FILE, 'biller_id')}" in out


def test_real_office_warns_exactly_while_its_biller_id_is_a_placeholder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    snapshot, errors = try_load_knowledge(None)
    assert snapshot is not None and snapshot.office.payment is not None, errors
    assert main(["check"]) == 0
    warned = "biller_id ยังเป็นค่าตัวอย่าง" in capsys.readouterr().out
    assert warned is snapshot.office.payment.placeholder


@pytest.mark.parametrize(("tax_id", "ok"), [("0994000165501", True), ("3100700123456", False), ("099400016550", False)])
def test_tax_id_check_digit(tax_id: str, ok: bool) -> None:
    assert tax_id_check_digit_ok(tax_id) is ok
