"""`knowledge check` for staff: contradictions are warned about (the office card decides what
citizens see meanwhile), and a YAML syntax error is printed first without its knock-on errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.tools.simulator import Simulator
from knowledge.cli import main
from tests.knowledge.conftest import KNOWLEDGE_ROOT


def _check(capsys: pytest.CaptureFixture[str], office: Path) -> tuple[int, list[str]]:
    code = main(["check", "--dir", str(office)])
    return code, capsys.readouterr().out.splitlines()


@pytest.fixture
def office(tmp_path: Path) -> Path:
    tree = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_ROOT / "national", tree / "national")
    shutil.copytree(KNOWLEDGE_ROOT / "offices", tree / "offices")
    return tree / "offices" / "tha_cha_lung"


def test_check_warns_about_pages_that_contradict_the_office_card(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    code, lines = _check(capsys, office)
    assert code == 0 and lines[0].startswith("OK ")
    warned = [line for line in lines if line.startswith("คำเตือน")]
    lunch = [w for w in warned if "elderly_allowance" in w and "พักเที่ยง" in w]
    assert lunch, warned
    bangkok = [w for w in warned if "commercial_registration_change" in w and "กรุงเทพ" in w]
    assert bangkok, warned


async def test_citizens_see_the_office_cards_hours_and_no_bangkok_office(sim: Simulator) -> None:
    elderly = (await sim.text("เบี้ยผู้สูงอายุคืออะไร")).text
    assert "(มีพักเที่ยง)" not in elderly and "ไม่มีพักเที่ยง" in elderly
    change = (await sim.text("จดทะเบียนพาณิชย์เปลี่ยนแปลงรายการ รายละเอียด")).text
    assert "สำนักงานเศรษฐกิจการคลัง กรุงเทพมหานคร" not in change
    assert "องค์การบริหารส่วนตำบลท่าจะหลุง" in change


def test_a_syntax_error_is_the_only_thing_reported_for_what_it_hides(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    messages = office.parents[1] / "national" / "messages" / "common.yaml"
    text = messages.read_text(encoding="utf-8")
    messages.write_text(text.replace(": ", ": 'broken\n", 1), encoding="utf-8")  # an unclosed quote
    service = office.parents[1] / "national" / "services" / "signboard_tax.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("id: signboard_tax\n", "id: [oops\n"), "utf-8")
    code, lines = _check(capsys, office)
    assert code == 1
    errors = lines[:-1]
    assert "YAML" in errors[0] or "YAML" in errors[1]
    assert {"common.yaml", "signboard_tax.yaml"} <= {e.split(":")[0].rsplit("/", 1)[-1] for e in errors[:2]}
    # no "required message missing" nor "unknown service signboard_tax" caused by the hidden files
    assert not any("ขาดข้อความ" in e or "ไม่มีบริการ" in e or "ไม่รู้จักบริการ" in e for e in errors), errors
    assert len(errors) == 2, errors


def test_a_skip_rule_naming_a_misspelt_field_is_refused(capsys: pytest.CaptureFixture[str], office: Path) -> None:
    service = office.parents[1] / "national" / "services" / "elderly_allowance.yaml"
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace("from_field: payment_method", "from_field: payment_metod", 1), encoding="utf-8")
    code, lines = _check(capsys, office)
    assert code != 0
    assert any("payment_metod" in line for line in lines), lines
