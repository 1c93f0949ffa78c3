"""Many offices, one national layer: placeholders, overrides, disabled services, local files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge.loader import REPO_ROOT, load_knowledge, resolve_office_dir, try_load_knowledge
from tests.knowledge.conftest import FIXTURES, KNOWLEDGE_ROOT, MiniTree, build_mini_tree

OFFICE = "offices/mini_office/office.yaml"


def test_placeholders_are_filled_from_the_office(mini: MiniTree) -> None:
    snapshot = load_knowledge(mini.office_dir)
    sign = snapshot.service("sign_tax")
    assert sign.channels[0].place == "องค์การบริหารส่วนตำบลทดสอบ"
    assert sign.summary == "เจ้าของป้ายยื่นแบบต่อองค์การบริหารส่วนตำบลทดสอบภายในเดือนมีนาคม"
    assert snapshot.service("elder_pay").channels[0].place == "ที่ทำการอบต.ทดสอบ โทร 0-1234-5678"
    faq = {entry.id: entry for entry in snapshot.faq}
    assert faq["sign_tax_month"].answer.endswith("0-1234-5678")
    assert "{office" not in snapshot.message("error.generic")
    assert "0-1234-5678" in snapshot.message("error.generic")


def test_same_national_files_serve_two_offices(tmp_path: Path) -> None:
    tree = build_mini_tree(tmp_path / "knowledge")
    other = tree.office_dir.parent / "other_office"
    other.mkdir()
    text = tree.path(OFFICE).read_text(encoding="utf-8")
    text = text.replace("id: mini_office", "id: other_office").replace("อบต.ทดสอบ", "ทต.อื่น")
    text = text.replace("องค์การบริหารส่วนตำบลทดสอบ", "เทศบาลตำบลอื่น").replace("0-1234-5678", "0-9999-9999")
    (other / "office.yaml").write_text(text, encoding="utf-8")
    first = load_knowledge(tree.office_dir)
    second = load_knowledge(other)
    assert first.service("sign_tax").channels[0].place == "องค์การบริหารส่วนตำบลทดสอบ"
    assert second.service("sign_tax").channels[0].place == "เทศบาลตำบลอื่น"
    assert second.service("elder_pay").channels[0].place == "ที่ทำการทต.อื่น โทร 0-9999-9999"
    assert first.version != second.version


def test_service_override_replaces_a_field_for_one_office(mini: MiniTree) -> None:
    mini.edit(
        OFFICE,
        "tracking_prefix: TST\n",
        "tracking_prefix: TST\n"
        "service_overrides:\n"
        "  sign_tax:\n"
        "    fees:\n"
        "      - description: ค่าธรรมเนียมตามข้อบัญญัติของ{office_short_name}\n"
        "        amount_baht: 100\n"
        "    fees_note: null\n",
    )
    snapshot = load_knowledge(mini.office_dir)
    fees = snapshot.service("sign_tax").fees
    assert [(f.description, f.amount_baht) for f in fees] == [("ค่าธรรมเนียมตามข้อบัญญัติของอบต.ทดสอบ", 100)]
    assert snapshot.service("sign_tax").fees_note is None
    # the national file is unchanged and still what other offices get
    assert "fees: []" in mini.path("national/services/sign_tax.yaml").read_text(encoding="utf-8")


def test_disabled_service_and_what_refers_to_it_disappear(mini: MiniTree) -> None:
    mini.edit(OFFICE, "tracking_prefix: TST\n", "tracking_prefix: TST\ndisabled_services: [sign_tax]\n")
    snapshot = load_knowledge(mini.office_dir)
    assert list(snapshot.services) == ["elder_pay"]
    assert "sign_tax_month" not in {entry.id for entry in snapshot.faq}
    assert all(ex.service != "sign_tax" for ex in snapshot.nlu_examples)
    assert "สวัสดี" in {ex.text for ex in snapshot.nlu_examples}


def test_local_faq_replaces_national_entry_and_adds_its_own(mini: MiniTree) -> None:
    mini.write(
        "offices/mini_office/faq.yaml",
        """\
        faq:
          - id: complaint
            questions: [ร้องเรียน]
            answer: ร้องเรียนที่ {office_short_name} ค่ะ
          - id: parking
            questions: [จอดรถได้ไหม]
            answer: จอดได้ค่ะ
        """,
    )
    snapshot = load_knowledge(mini.office_dir)
    faq = {entry.id: entry.answer for entry in snapshot.faq}
    assert faq["complaint"] == "ร้องเรียนที่ อบต.ทดสอบ ค่ะ"
    assert faq["parking"] == "จอดได้ค่ะ"
    assert "sign_tax_month" in faq


def test_local_faq_cannot_refer_to_a_disabled_service(mini: MiniTree) -> None:
    mini.edit(OFFICE, "tracking_prefix: TST\n", "tracking_prefix: TST\ndisabled_services: [sign_tax]\n")
    mini.write(
        "offices/mini_office/faq.yaml",
        "faq:\n  - id: x\n    service: sign_tax\n    questions: [ภาษีป้าย]\n    answer: ได้ค่ะ\n",
    )
    snapshot, errors = try_load_knowledge(mini.office_dir)
    assert snapshot is None
    assert [(e.path.name, e.line, e.code) for e in errors] == [("faq.yaml", 3, "unknown_service")]


def test_local_message_overrides_national(mini: MiniTree) -> None:
    mini.write("offices/mini_office/messages.yaml", "menu.title: เลือกเรื่องที่ต้องการค่ะ\n")
    snapshot = load_knowledge(mini.office_dir)
    assert snapshot.message("menu.title") == "เลือกเรื่องที่ต้องการค่ะ"
    assert snapshot.message("menu.item.fees") == "ค่าธรรมเนียม"


def test_demo_municipality_on_the_real_national_layer() -> None:
    snapshot = load_knowledge(FIXTURES / "demo_municipality")
    assert snapshot.office.id == "demo_municipality"
    assert snapshot.office.tracking_prefix == "DEMO"
    assert "aids_patient_assistance" not in snapshot.services
    sign = snapshot.service("signboard_tax")
    assert [(f.description, f.amount_baht) for f in sign.fees] == [
        ("ค่าธรรมเนียมตามข้อบัญญัติท้องถิ่นของทต.ตัวอย่าง", 100)
    ]
    assert snapshot.message("greeting.follow").startswith("สวัสดีค่ะ นี่คือ LINE ของเทศบาลตำบลตัวอย่างค่ะ")
    text = "\n".join(
        s.model_dump_json() for s in snapshot.services.values()
    )  # no trace of the other office leaks into shared files
    assert "ท่าจะหลุง" not in text
    assert "0-4475-6171" not in text
    assert all(entry.service != "aids_patient_assistance" for entry in snapshot.faq)
    real = load_knowledge(KNOWLEDGE_ROOT / "offices/tha_cha_lung")
    assert [f.amount_baht for f in real.service("signboard_tax").fees] == [None]  # the national rule, no office fee
    assert "aids_patient_assistance" in real.services


def test_knowledge_dir_env_and_repo_root_fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # relative paths no longer exist from here
    monkeypatch.delenv("KNOWLEDGE_DIR", raising=False)
    assert resolve_office_dir() == KNOWLEDGE_ROOT / "offices/tha_cha_lung"
    monkeypatch.setenv("KNOWLEDGE_DIR", "knowledge")  # the root: default_office picks the office
    assert resolve_office_dir() == KNOWLEDGE_ROOT / "offices/tha_cha_lung"
    monkeypatch.setenv("KNOWLEDGE_DIR", os.path.relpath(FIXTURES / "demo_municipality", REPO_ROOT))
    assert resolve_office_dir() == FIXTURES / "demo_municipality"


def test_knowledge_root_with_single_office(mini: MiniTree) -> None:
    assert resolve_office_dir(mini.root) == mini.office_dir


def test_knowledge_root_with_two_offices_needs_default_office(mini: MiniTree) -> None:
    (mini.office_dir.parent / "second").mkdir()
    (mini.office_dir.parent / "second" / "office.yaml").write_text("id: second\n", encoding="utf-8")
    snapshot, errors = try_load_knowledge(mini.root)
    assert snapshot is None and errors[0].code == "ambiguous_office"
    (mini.root / "default_office").write_text("# chosen office\nmini_office\n", encoding="utf-8")
    assert resolve_office_dir(mini.root) == mini.office_dir
