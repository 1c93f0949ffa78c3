"""Broken samples: each problem is refused with the right file, line and Thai text."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import KnowledgeError
from tests.knowledge.conftest import MiniTree

SIGN = "national/services/sign_tax.yaml"
ELDER = "national/services/elder_pay.yaml"


def only_error(mini: MiniTree) -> KnowledgeError:
    snapshot, errors = mini.load()
    assert snapshot is None, "a broken tree must not produce a snapshot"
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def errors_of(mini: MiniTree) -> list[KnowledgeError]:
    snapshot, errors = mini.load()
    assert snapshot is None
    assert errors
    return errors


def test_clean_mini_tree_loads(mini: MiniTree) -> None:
    snapshot, errors = mini.load()
    assert errors == []
    assert snapshot is not None
    assert list(snapshot.services) == ["sign_tax", "elder_pay"]  # tax before welfare


def test_document_without_count(mini: MiniTree) -> None:
    mini.edit(SIGN, "    originals: 1\n    copies: 0\n", "    copies: 0\n")  # หนังสือมอบอำนาจ
    error = only_error(mini)
    assert error.path == mini.path(SIGN)
    assert error.line == mini.line_of(SIGN, "- name: หนังสือมอบอำนาจ")
    assert "จำนวนฉบับจริง" in error.th
    assert "originals" in error.en
    assert str(error).startswith(f"{error.location}: ")
    assert " / " in str(error)


def test_wrong_type_points_at_the_value(mini: MiniTree) -> None:
    mini.edit(
        SIGN,
        "    copies: 0\n    unit: ฉบับ\n    condition: by_proxy",
        "    copies: สอง\n    unit: ฉบับ\n    condition: by_proxy",
    )
    error = only_error(mini)
    assert error.line == mini.line_of(SIGN, "copies: สอง")
    assert "จำนวนสำเนา" in error.th and "จำนวนเต็ม" in error.th


def test_misspelt_field(mini: MiniTree) -> None:
    mini.edit(SIGN, "fees_note:", "fee_note:")
    error = only_error(mini)
    assert error.line == mini.line_of(SIGN, "fee_note:")
    assert "ไม่รู้จักช่อง 'fee_note'" in error.th


def test_unknown_service_in_faq(mini: MiniTree) -> None:
    mini.edit("national/faq.yaml", "service: sign_tax", "service: signboard")
    error = only_error(mini)
    assert error.path == mini.path("national/faq.yaml")
    assert error.line == mini.line_of("national/faq.yaml", "service: signboard")
    assert "'signboard'" in error.th and "ไม่มีอยู่" in error.th


def test_condition_nobody_can_answer(mini: MiniTree) -> None:
    mini.edit(
        SIGN,
        "    condition: by_proxy\n    required_when: false",
        "    condition: proxy\n    required_when: false",
    )
    error = only_error(mini)
    assert error.code == "unknown_condition"
    assert error.line == mini.line_of(SIGN, "condition: proxy\n".strip() + "")
    assert "'proxy'" in error.th and "ไม่มีใครตอบ" in error.th


def test_unknown_condition_line_is_exact(mini: MiniTree) -> None:
    mini.edit(
        SIGN,
        "    condition: juristic_person\n    required_when: false",
        "    condition: company\n    required_when: false",
    )
    error = only_error(mini)
    assert error.line == mini.line_of(SIGN, "condition: company")
    assert "เงื่อนไข 'company'" in error.th


def test_unused_condition(mini: MiniTree) -> None:
    mini.edit(
        SIGN,
        "documents:\n",
        "  - id: foreigner\n    label: กรณีคนต่างด้าว\n    question: เป็นคนต่างด้าวใช่ไหมคะ\ndocuments:\n",
    )
    error = only_error(mini)
    assert error.line == mini.line_of(SIGN, "id: foreigner")
    assert "ไม่ได้ใช้กับเอกสารใดเลย" in error.th


def test_empty_condition_question(mini: MiniTree) -> None:
    mini.edit(SIGN, "question: มอบอำนาจให้ผู้อื่นยื่นแทนใช่ไหมคะ", 'question: " "')
    error = only_error(mini)
    assert error.line == mini.line_of(SIGN, 'question: " "')
    assert "ไม่มีคำถาม" in error.th


def test_duplicate_alias_between_services(mini: MiniTree) -> None:
    mini.edit(ELDER, "aliases: [เบี้ยคนแก่, เบี้ยผู้สูงอายุ]", "aliases:\n  - เบี้ยคนแก่\n  - เสีย ภาษี ป้าย")
    error = only_error(mini)
    # reported where the alias is met second (files load in name order), naming the other service
    assert (error.path, error.line) in {
        (mini.path(ELDER), mini.line_of(ELDER, "- เสีย ภาษี ป้าย")),
        (mini.path(SIGN), mini.line_of(SIGN, "aliases:")),
    }
    other = "sign_tax" if error.path == mini.path(ELDER) else "elder_pay"
    assert other in error.th and "ซ้ำ" in error.th


def test_alias_equal_to_other_short_name(mini: MiniTree) -> None:
    mini.edit(ELDER, "aliases: [เบี้ยคนแก่, เบี้ยผู้สูงอายุ]", "aliases: [เบี้ยคนแก่, ภาษีป้าย]")
    error = only_error(mini)
    assert error.code == "alias_is_short_name"
    assert error.line == mini.line_of(ELDER, "aliases:")


def test_service_id_must_equal_file_name(mini: MiniTree) -> None:
    mini.edit(ELDER, "id: elder_pay", "id: elderly_pay")
    error = only_error(mini)
    assert error.line == 1
    assert "elderly_pay" in error.th and "ชื่อไฟล์" in error.th


def test_unknown_placeholder(mini: MiniTree) -> None:
    mini.edit(ELDER, "summary: ลงทะเบียนภายในเดือนพฤศจิกายนของทุกปี", "summary: ลงทะเบียนที่ {office_adress}")
    error = only_error(mini)
    assert error.line == mini.line_of(ELDER, "{office_adress}")
    assert "{office_adress}" in error.th


def test_pdf_artefact_inside_folded_text(mini: MiniTree) -> None:
    mini.edit(SIGN, "      และแจ้งการประเมินภาษี", "      และแจ้งการประเมินภาษี ด าเนินการ")
    error = only_error(mini)
    assert error.code == "pdf_artefact"
    assert error.line == mini.line_of(SIGN, "ด าเนินการ")  # the file line, not the key line
    assert "PDF" in error.th


@pytest.mark.parametrize("damaged", ["ไม ่มี", "ตา่ง ๆ ำ", "ค\u0e4dา"])
def test_pdf_artefact_variants(mini: MiniTree, damaged: str) -> None:
    mini.edit(ELDER, "description: ค่าถ่ายสำเนา", f"description: {damaged}")
    error = only_error(mini)
    assert error.code == "pdf_artefact"
    assert error.line == mini.line_of(ELDER, damaged)


def test_yaml_syntax_error_has_line(mini: MiniTree) -> None:
    mini.edit(ELDER, "category: welfare", "category: welfare\n  oops: [")
    error = only_error(mini)
    assert error.code == "yaml_syntax"
    assert error.line is not None and abs(error.line - mini.line_of(ELDER, "oops")) <= 2
    assert "YAML" in error.th


def test_tab_indentation(mini: MiniTree) -> None:
    mini.edit(ELDER, "  - kind: การพิจารณา", "\t- kind: การพิจารณา")
    error = only_error(mini)
    assert "Tab" in error.th


def test_duplicate_key_in_one_file(mini: MiniTree) -> None:
    mini.edit(ELDER, "category: welfare", "category: welfare\ncategory: tax")
    error = only_error(mini)
    assert error.code == "duplicate_key"
    assert error.line == mini.line_of(ELDER, "category: tax")


def test_nlu_unknown_intent_and_service(mini: MiniTree) -> None:
    mini.edit("national/nlu/documents.yaml", "intent: documents", "intent: document")
    mini.edit("national/nlu/documents.yaml", "service: sign_tax", "service: sign")
    errors = errors_of(mini)
    assert {e.code for e in errors} == {"unknown_intent", "unknown_service"}
    bad_service = next(e for e in errors if e.code == "unknown_service")
    assert bad_service.line == mini.line_of("national/nlu/documents.yaml", "text: ภาษีป้ายใช้เอกสารอะไร")


def test_same_example_two_intents(mini: MiniTree) -> None:
    docs, greeting = "national/nlu/documents.yaml", "national/nlu/greeting.yaml"
    mini.edit(docs, "  - ต้องใช้เอกสารอะไรบ้าง", "  - ต้องใช้เอกสารอะไรบ้าง\n  - สวัสดี ")
    error = only_error(mini)
    assert error.code == "conflicting_intent"
    assert (error.path, error.line) in {
        (mini.path(docs), mini.line_of(docs, "- สวัสดี")),
        (mini.path(greeting), mini.line_of(greeting, "- สวัสดี")),
    }
    assert "greeting" in error.th and "documents" in error.th
    assert ".yaml:" in error.th  # points at the other occurrence too


def test_unquoted_question_mark_example(mini: MiniTree) -> None:
    mini.edit("national/nlu/greeting.yaml", "  - หวัดดีค่ะ", "  - หวัดดีค่ะ\n  - ?")
    error = only_error(mini)
    assert error.line == mini.line_of("national/nlu/greeting.yaml", "- ?")
    assert "เครื่องหมายคำพูด" in error.th


def test_message_defined_twice_across_files(mini: MiniTree) -> None:
    path = mini.write("national/messages/dialogs.yaml", "apply.start: เริ่มยื่นคำขอค่ะ\nmenu.title: ซ้ำคะ\n")
    error = only_error(mini)
    assert error.path == path and error.line == 2
    assert "menu.title" in error.th and "common.yaml" in error.th


def test_message_template_must_parse(mini: MiniTree) -> None:
    mini.write(
        "national/messages/dialogs.yaml", "apply.done: ได้รับคำขอ {tracking_id ค่ะ\napply.bad: ช่อง {0} ค่ะ\n"
    )
    errors = errors_of(mini)
    assert [(e.code, e.line) for e in errors] == [("template_syntax", 1), ("template_field", 2)]


def test_message_runtime_fields_allowed(mini: MiniTree) -> None:
    mini.write(
        "national/messages/dialogs.yaml", "apply.done: ได้รับคำขอ {tracking_id} แล้วค่ะ โทร {office_phone}\n"
    )
    snapshot, errors = mini.load()
    assert errors == [] and snapshot is not None
    assert snapshot.message("apply.done", tracking_id="TST-1") == "ได้รับคำขอ TST-1 แล้วค่ะ โทร 0-1234-5678"


def test_office_message_must_override_a_national_key(mini: MiniTree) -> None:
    path = mini.write("offices/mini_office/messages.yaml", "greeting.folow: สวัสดีค่ะ\n")
    error = only_error(mini)
    assert error.path == path and error.line == 1
    assert "greeting.folow" in error.th


def test_required_message_missing(mini: MiniTree) -> None:
    mini.edit("national/messages/common.yaml", "error.generic:", "error.generik:")
    error = only_error(mini)
    assert error.code == "missing_message"
    assert "error.generic" in error.th


def test_override_unknown_service_and_field(mini: MiniTree) -> None:
    office = "offices/mini_office/office.yaml"
    mini.edit(
        office,
        "tracking_prefix: TST\n",
        "tracking_prefix: TST\nservice_overrides:\n  sign:\n    fees: []\n  elder_pay:\n    fee: []\n",
    )
    errors = errors_of(mini)
    assert sorted((e.code, e.line) for e in errors) == [
        ("unknown_override_field", mini.line_of(office, "    fee: []")),
        ("unknown_service", mini.line_of(office, "sign:")),
    ]


def test_invalid_override_value_points_at_office_yaml(mini: MiniTree) -> None:
    office = "offices/mini_office/office.yaml"
    mini.edit(
        office,
        "tracking_prefix: TST\n",
        "tracking_prefix: TST\nservice_overrides:\n  elder_pay:\n    fees:\n"
        "      - description: ค่าธรรมเนียม\n",
    )
    error = only_error(mini)
    assert error.path == mini.path(office)
    assert error.line == mini.line_of(office, "- description: ค่าธรรมเนียม")
    assert "จำนวนเงินหรือหลักเกณฑ์" in error.th


def test_disable_unknown_service(mini: MiniTree) -> None:
    office = "offices/mini_office/office.yaml"
    mini.edit(office, "tracking_prefix: TST\n", "tracking_prefix: TST\ndisabled_services: [elder]\n")
    error = only_error(mini)
    assert error.line == mini.line_of(office, "disabled_services")
    assert "elder" in error.th


def test_every_problem_is_reported_at_once(mini: MiniTree) -> None:
    mini.edit("national/faq.yaml", "service: sign_tax", "service: nothing")
    mini.edit(ELDER, "id: elder_pay", "id: elder")
    mini.write("national/messages/extra.yaml", "menu.title: ซ้ำคะ\n")
    errors = errors_of(mini)
    assert len(errors) == 3
    assert {e.path.name for e in errors} == {"faq.yaml", "elder_pay.yaml", "extra.yaml"}


def test_missing_office_yaml(tmp_path: Path) -> None:
    from knowledge.loader import try_load_knowledge

    snapshot, errors = try_load_knowledge(tmp_path)
    assert snapshot is None
    assert errors[0].code == "missing_office"
    assert "office.yaml" in errors[0].th
