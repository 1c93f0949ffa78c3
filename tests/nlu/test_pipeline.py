from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.nlu import NluPipeline, pipeline_from_snapshot
from bot.nlu.data import ServiceNames, TrainingData
from bot.nlu.evalsets import near_copies, read_rows
from bot.nlu.pipeline import INTENTS
from bot.nlu.report import run_eval
from tests.nlu.conftest import BLIND, DEV, DEV_SPLIT

SERVICES = {
    "signboard_tax", "house_land_tax", "health_hazard_license_renewal", "health_hazard_license",
    "building_construction", "building_modification", "building_demolition",
    "commercial_registration_closure", "commercial_registration_new", "commercial_registration_change",
    "elderly_allowance", "disability_allowance", "aids_patient_assistance",
}  # fmt: skip

# Off-topic messages that are NOT training examples (checked below).
OFF_TOPIC = [
    "ดูดวงความรักเดือนหน้าหน่อย",
    "หุ้นตัวไหนปันผลดี",
    "งวดนี้หวยออกเลขอะไรคะ",
    "มีมุกตลกเด็ดๆ ไหม",
    "อากาศที่โคราชพรุ่งนี้เป็นไง",
    "ทีมชาติไทยเตะกับเวียดนามกี่โมง",
    "สูตรแกงส้มปลาช่อน",
    "เพลงใหม่ของลิซ่าชื่ออะไร",
    "bitcoin ราคาวันนี้",
    "qwertyuiop",
]


def test_training_data_is_rich_and_covers_every_service(training_data: TrainingData) -> None:
    examples = training_data.examples
    assert len(examples) >= 1200
    per_intent = Counter(e.intent for e in examples)
    assert set(per_intent) == set(INTENTS)
    assert per_intent["unknown"] >= 150
    for intent in ("service_info", "documents", "fees", "duration", "apply"):
        named = {e.service for e in examples if e.intent == intent}
        assert named >= SERVICES, f"{intent} lacks {SERVICES - named}"


def test_off_topic_examples_here_are_not_trained_on(training_data: TrainingData) -> None:
    assert not near_copies((e.text for e in training_data.examples), OFF_TOPIC)


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_is_unknown(pipeline: NluPipeline, text: str) -> None:
    result = pipeline.parse(text)
    assert result.intent == "unknown", (text, result.alternatives.intents)
    assert result.service is None


def _report(pipeline: NluPipeline, path: Path):  # type: ignore[no-untyped-def]
    return run_eval(pipeline, read_rows(path))


def test_development_split_accuracy_floor(pipeline: NluPipeline) -> None:
    report = _report(pipeline, DEV_SPLIT)
    assert report.total >= 250
    assert report.intent_accuracy >= 0.93, report.errors
    assert report.service_accuracy >= 0.93, report.errors
    assert report.unknown_prf()[2] >= 0.90


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not mounted")
def test_dev_accuracy_floor(pipeline: NluPipeline) -> None:
    report = _report(pipeline, DEV)
    assert report.intent_accuracy >= 0.93, report.errors
    assert report.service_accuracy >= 0.93, report.errors


def test_spot_checks_per_intent_and_service(pipeline: NluPipeline) -> None:
    """tests/nlu/data/blind.tsv: phrases written apart from the training data."""
    rows = read_rows(BLIND)
    assert {r.intent for r in rows} == set(INTENTS)
    assert {r.service for r in rows} - {"-"} == SERVICES
    report = run_eval(pipeline, rows)
    assert report.intent_accuracy >= 0.95, report.errors
    assert report.service_accuracy >= 0.95, report.errors
    # and no intent may be mostly wrong
    for intent in INTENTS:
        gold = sum(v for (g, _), v in report.confusion.items() if g == intent)
        assert report.confusion[(intent, intent)] / gold >= 0.75, intent


@pytest.mark.parametrize(
    ("text", "intent", "service"),
    [
        ("ป้าย", "service_info", "signboard_tax"),
        ("เบี้ยคนแก่", "service_info", "elderly_allowance"),
        ("ต่อใบอนุญาต", "service_info", "health_hazard_license_renewal"),
        ("จดทะเบียนพานิชย์ต้องใช้อะไรบ้าง", "documents", "commercial_registration_new"),  # misspelt พาณิชย์
        ("ต่อใบอนุญาตร้านเสริมสวยกี่มื้อได้เด้อ", "duration", "health_hazard_license_renewal"),  # Isan
        ("ภาษีป้ายราคาเท่าไหร่ครับบบบ", "fees", "signboard_tax"),
        ("เบี้ยคนแกาต้องใช้เอกสารอะไร", "documents", "elderly_allowance"),  # typo in the alias
        ("เช็คสถานะ tjl-2569-000123 หน่อยค่ะ", "status", None),
        ("ขอคุยกับเจ้าหน้าที่ได้ไหมคะ 🙏", "handoff", None),
        ("OTP ไม่เข้าเลยค่ะ", "portal_help", None),
        ("ไฟถนนหน้าบ้านเสียค่ะ", "complaint", None),
        ("ยกเลิกค่ะ", "cancel", None),
    ],
)
def test_spot_phrases(pipeline: NluPipeline, text: str, intent: str, service: str | None) -> None:
    result = pipeline.parse(text)
    assert (result.intent, result.service) == (intent, service), result.alternatives


def test_result_shape_and_alternatives(pipeline: NluPipeline) -> None:
    result = pipeline.parse("ต่อใบอนุญาตร้านนวดต้องเตรียมอะไรบ้าง")
    assert result.intent == "documents" and result.service == "health_hazard_license_renewal"
    assert 0.0 < result.confidence <= 1.0 and 0.0 < result.service_confidence <= 1.0
    intents, services = result.alternatives.intents, result.alternatives.services
    assert len(intents) == 3 and len(services) == 3
    assert intents[0].label == "documents" and services[0].label == "health_hazard_license_renewal"
    assert [s.score for s in intents] == sorted((s.score for s in intents), reverse=True)
    assert result.normalized == "ต่อใบอนุญาตร้านนวดต้องเตรียมอะไรบ้าง"


def test_empty_and_whitespace(pipeline: NluPipeline) -> None:
    for text in ("", "   ", "\u200b"):
        result = pipeline.parse(text)
        assert (result.intent, result.service) == ("unknown", None)


def test_entities_and_masked_dict(pipeline: NluPipeline) -> None:
    result = pipeline.parse("เลขบัตร 1101700123456 เบอร์ 0812345678 ขอเช็คคำร้อง TJL-2569-000123")
    assert result.intent == "status"
    assert result.entities.tracking_numbers[0].value == "TJL-2569-000123"
    for dumped in (str(result.to_dict()), repr(result)):
        assert "1101700123456" not in dumped and "0812345678" not in dumped
    assert result.to_dict()["entities"]["national_ids"] == [{"masked": "*********3456", "valid": True}]


def test_faq_matching(pipeline: NluPipeline) -> None:
    hit = pipeline.parse("ภาษีป้ายต้องยื่นภายในเดือนไหนคะ")
    assert hit.faq_id == "signboard_tax_filing_month" and hit.faq_score >= 0.6
    assert pipeline.parse("อุทธรณ์ภาษีป้ายได้ภายในกี่วัน").faq_id == "signboard_tax_appeal"
    assert pipeline.parse("อบต.เปิดกี่โมงคะ").faq_id == "office_hours"
    miss = pipeline.parse("ดูดวงให้หน่อย")
    assert miss.faq_id is None and miss.faq_score == 0.0


def test_aliases_feed_tokeniser_and_matcher_and_retraining(training_data: TrainingData) -> None:
    """Staff add an alias to a service file; the next training knows it."""
    new_alias = "ภาษีป้ายไฟนีออน"
    services = [
        ServiceNames(s.id, s.title, s.short_name, [*s.aliases, new_alias]) if s.id == "signboard_tax" else s
        for s in training_data.services
    ]
    pipe = NluPipeline.train(training_data.examples, services, training_data.faq)
    assert new_alias in pipe.tokeniser.custom_words
    assert pipe.tokeniser.raw_tokens("ภาษีป้ายไฟนีออนต้องจ่ายไหม")[0] == new_alias
    assert pipe.matcher.names[new_alias] == "signboard_tax"
    assert pipe.parse("ภาษีป้ายไฟนีออน").service == "signboard_tax"


def test_trains_without_service_files(training_data: TrainingData) -> None:
    """Service detection still works from the examples alone (e.g. before services exist)."""
    pipe = NluPipeline.train(training_data.examples, [], ())
    result = pipe.parse("ลงทะเบียนเบี้ยคนพิการต้องใช้เอกสารอะไร")
    assert (result.intent, result.service) == ("documents", "disability_allowance")


def test_pipeline_from_snapshot() -> None:
    loader = pytest.importorskip("knowledge.loader")
    snapshot, errors = loader.try_load_knowledge(None)
    if snapshot is None:
        pytest.skip(f"knowledge does not load right now: {errors[:1]}")
    pipe = pipeline_from_snapshot(snapshot)
    assert pipe.stats.examples == len(snapshot.nlu_examples)
    assert pipe.parse("เบี้ยยังชีพผู้สูงอายุได้เดือนละเท่าไหร่").service == "elderly_allowance"
