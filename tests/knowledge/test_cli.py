"""`python -m bot knowledge check|export`: exit codes, error lines, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from knowledge.cli import main
from tests.knowledge.conftest import REPO_ROOT, MiniTree


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def export(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out = run(capsys, "export", *argv)
    assert code == 0, out
    data: dict[str, Any] = json.loads(out)  # exactly one JSON document
    return data


def test_check_ok_summary(mini: MiniTree, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "check", "--dir", str(mini.office_dir))
    assert code == 0
    assert out.startswith("OK อบต.ทดสอบ: 2 services")
    assert len(out.splitlines()) == 1


def test_check_prints_each_error_with_path_and_line(
    mini: MiniTree, capsys: pytest.CaptureFixture[str]
) -> None:
    mini.edit("national/faq.yaml", "service: sign_tax", "service: nothing")
    mini.edit("national/services/elder_pay.yaml", "    originals: 1\n", "")
    code, out = run(capsys, "check", "--dir", str(mini.office_dir))
    assert code == 1
    lines = out.splitlines()
    faq_line = mini.line_of("national/faq.yaml", "service: nothing")
    assert any(
        line.endswith(
            f"faq.yaml:{faq_line}: คำถาม 'sign_tax_month' อ้างถึงบริการ 'nothing' ที่ไม่มีอยู่ "
            "/ FAQ 'sign_tax_month' refers to unknown service 'nothing'"
        )
        for line in lines
    ), out
    assert any("elder_pay.yaml:" in line and "จำนวนฉบับจริง" in line and " / " in line for line in lines)
    assert lines[-1] == "พบข้อผิดพลาด 2 รายการ / 2 error(s) found"


def test_usage_errors_do_not_raise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert main([]) == 2
    capsys.readouterr()


def test_export_shape(mini: MiniTree, capsys: pytest.CaptureFixture[str]) -> None:
    data = export(capsys, "--dir", str(mini.office_dir))
    assert data["office"]["name"] == "องค์การบริหารส่วนตำบลทดสอบ"
    services = {s["id"]: s for s in data["services"]}
    sign, elder = services["sign_tax"], services["elder_pay"]
    assert sign["total_duration_minutes"] == 46 * 1440
    assert elder["total_duration_minutes"] == 30
    conditions = [(d["name"], d["condition"]) for d in sign["documents"]]
    assert conditions == [
        ("บัตรประจำตัวประชาชน พร้อมสำเนา", None),
        ("หนังสือรับรองนิติบุคคล พร้อมสำเนา", "กรณีนิติบุคคล"),
        ("สำเนาทะเบียนบ้านของเจ้าของป้าย", "กรณีบุคคลธรรมดา"),  # required_when false: label_no
        ("หนังสือมอบอำนาจ", "กรณีมอบอำนาจ"),
        ("ลงลายมือชื่อต่อหน้าเจ้าหน้าที่", "ไม่ใช่กรณีมอบอำนาจ"),  # no label_no: "ไม่ใช่" + label
    ]
    assert {"originals", "copies", "unit", "group"} <= set(sign["documents"][0])
    assert elder["fees"] == [
        {"description": "ค่าถ่ายสำเนา", "amount_baht": 30, "rule": None, "remark": None},
        {"description": "ค่าธรรมเนียมตามข้อบัญญัติ", "amount_baht": None, "rule": "ไม่เกิน 100 บาท", "remark": None},
    ]
    assert sign["fees"] == [] and sign["fees_note"] == "ไม่มีข้อมูลค่าธรรมเนียม"
    # all other fields are there too
    assert {"title", "aliases", "short_name", "steps", "channels", "legal_basis", "conditions"} <= set(sign)
    assert data["messages"]["menu.item.status"] == "ติดตามสถานะ"
    assert {e["id"] for e in data["faq"]} == {"sign_tax_month", "complaint"}
    assert data["holidays"][0] == {"date": "2026-01-01", "name": "วันขึ้นปีใหม่"}
    assert data["portal_help"][0]["id"] == "dga_register"


def test_export_refuses_a_broken_tree(mini: MiniTree, capsys: pytest.CaptureFixture[str]) -> None:
    mini.edit("national/services/sign_tax.yaml", "id: sign_tax", "id: sign")
    code, out = run(capsys, "export", "--dir", str(mini.office_dir))
    assert code == 1
    assert "sign_tax.yaml:1:" in out


def test_real_tree_export_shape(capsys: pytest.CaptureFixture[str], no_knowledge_env: None) -> None:
    data = export(capsys)
    assert data["office"]["id"] == "tha_cha_lung"
    for service in data["services"]:
        assert isinstance(service["total_duration_minutes"], int)
        assert service["total_duration_minutes"] == round(
            service["total_duration"]["value"]
            * {"minute": 1, "hour": 60, "day": 1440}[service["total_duration"]["unit"]]
        )
        labels = {c["label"] for c in service["conditions"]} | {c["label_no"] for c in service["conditions"]}
        for doc in service["documents"]:
            assert (
                doc["condition"] is None or doc["condition"] in labels or doc["condition"].startswith("ไม่ใช่")
            )
        for fee in service["fees"]:
            assert fee["amount_baht"] is None or isinstance(fee["amount_baht"], int | float)


def test_python_dash_m_bot_routes_here(no_knowledge_env: None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", "check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK อบต.ท่าจะหลุง")
