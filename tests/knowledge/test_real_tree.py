"""The real knowledge tree: it loads, its Thai is clean, its office facts match the manuals."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from core.intents import INTENTS
from knowledge.loader import holidays_of, load_knowledge, portal_help_of, try_load_knowledge
from knowledge.snapshot import KnowledgeSnapshot
from knowledge.validator import REQUIRED_MESSAGES, scan_text_for_artefacts
from tests.knowledge.conftest import KNOWLEDGE_ROOT


@pytest.fixture(scope="module")
def real() -> KnowledgeSnapshot:
    snapshot, errors = try_load_knowledge(KNOWLEDGE_ROOT / "offices/tha_cha_lung")
    assert errors == [], "the real knowledge tree has errors:\n" + "\n".join(map(str, errors))
    assert snapshot is not None
    return snapshot


def test_real_tree_loads_without_errors(real: KnowledgeSnapshot) -> None:
    assert real.office.id == "tha_cha_lung"
    assert real.services, "no services loaded"
    assert real.version


def test_default_knowledge_dir_is_tha_cha_lung(no_knowledge_env: None) -> None:
    assert load_knowledge().office.id == "tha_cha_lung"


@pytest.mark.parametrize(
    "path", sorted(KNOWLEDGE_ROOT.rglob("*.yaml")), ids=lambda p: str(p.relative_to(KNOWLEDGE_ROOT))
)
def test_no_pdf_artefacts(path: Path) -> None:
    found = scan_text_for_artefacts(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path}:{line}: {fragment!r}" for line, fragment in found)


def test_office_facts_from_the_manuals(real: KnowledgeSnapshot) -> None:
    office = real.office
    assert office.name == "องค์การบริหารส่วนตำบลท่าจะหลุง"
    assert office.district == "โชคชัย" and office.province == "นครราชสีมา"
    assert office.phone == "0-4475-6171"
    assert (office.hours.days, office.hours.open, office.hours.close) == ([0, 1, 2, 3, 4], "08:30", "16:30")
    assert "ไม่มีพักเที่ยง" in office.hours.text and "วันหยุด" in office.hours.text
    assert office.tracking_prefix == "TJL"
    assert office.email is None and office.latitude is None  # not in the manuals: staff fill them
    details = " ".join(f"{c.name} {c.detail}" for c in office.complaint_channels)
    for fact in (
        "0-4475-6171",
        "เลขที่ 1 ถ.พิษณุโลก เขตดุสิต กทม. 10300",
        "สายด่วน 1111",
        "www.1111.go.th",
        "ตู้ ปณ.1111",
    ):
        assert fact in details


def test_spine_messages_present_and_polite(real: KnowledgeSnapshot) -> None:
    for key in REQUIRED_MESSAGES:
        assert real.messages[key].strip()
    assert "องค์การบริหารส่วนตำบลท่าจะหลุง" in real.message("greeting.follow")
    assert real.message("menu.title").endswith("คะ")  # a question
    labels = [real.message(k) for k in REQUIRED_MESSAGES if k.startswith("menu.item.")]
    assert labels == [
        "บริการทั้งหมด",
        "เอกสารที่ต้องใช้",
        "ค่าธรรมเนียม",
        "เวลาทำการ/ติดต่อ",
        "ยื่นคำขอ",
        "ติดตามสถานะ",
        "แจ้งเรื่องร้องเรียน",
        "คุยกับเจ้าหน้าที่",
    ]
    for key in ("greeting.follow", "fallback.not_understood", "error.generic", "non_text.reply"):
        text = real.message(key)
        assert "ค่ะ" in text and "ครับ" not in text
        widest = max(visual_width(line) for line in text.splitlines())
        assert widest <= 32, f"{key}: keep lines short for phones"


def visual_width(line: str) -> int:
    """Columns on screen: Thai vowels and tone marks above/below take none."""
    return len(re.sub("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", "", line))


def test_faq_grounded_and_polite(real: KnowledgeSnapshot) -> None:
    national = [e for e in real.faq if e.id not in {"office_hours", "office_contact"}]
    assert 10 <= len(national) <= 25
    for entry in real.faq:
        assert len(entry.questions) >= 2, entry.id
        assert "ค่ะ" in entry.answer and "ครับ" not in entry.answer, entry.id
        assert entry.service is None or entry.service in real.services
    answers = {e.id: e.answer for e in real.faq}
    assert "มีนาคม" in answers["signboard_tax_filing_month"]
    assert "1 – 30 พฤศจิกายน" in answers["elderly_registration_period"]
    assert "องค์กรปกครองส่วนท้องถิ่นแห่งใหม่" in answers["elderly_allowance_moved"]
    assert "30 วัน" in answers["signboard_tax_appeal"]
    assert "1111" in answers["complaint_channels"]
    assert "08:30 - 16:30" in answers["office_hours"]


def test_holidays_2026_2027(real: KnowledgeSnapshot) -> None:
    calendar = holidays_of(real)
    assert calendar.years() == {2026, 2027}
    dates = [h.date for h in calendar.holidays]
    assert len(dates) == len(set(dates))
    for year in (2026, 2027):
        for month, day, name in ((1, 1, "วันขึ้นปีใหม่"), (4, 13, "วันสงกรานต์"), (12, 10, "วันรัฐธรรมนูญ")):
            assert calendar.name_of(dt.date(year, month, day)) == name
    assert calendar.is_holiday(dt.date(2026, 3, 3))  # มาฆบูชา 2569 (อธิกมาส: เดือน 4)
    assert not calendar.is_holiday(dt.date(2026, 5, 1))  # วันแรงงาน: government offices open
    # a holiday on a weekend has its substitute (วันหยุดชดเชย) on one of the next working days
    for holiday in calendar.holidays:
        if holiday.date.weekday() >= 5 and not holiday.name.startswith("วันหยุดชดเชย"):
            following = [holiday.date + dt.timedelta(days=n) for n in range(1, 4)]
            assert any((calendar.name_of(d) or "").startswith("วันหยุดชดเชย") for d in following), (
                f"{holiday.date} {holiday.name} has no substitute day"
            )


def test_portal_help_topics(real: KnowledgeSnapshot) -> None:
    portal = portal_help_of(real)
    assert portal is not None
    ids = [t.id for t in portal.topics]
    assert ids[:2] == ["dga_register", "bizportal_login"]
    register = portal.topic("dga_register")
    assert register.url == "https://connect.dga.or.th"
    assert len(register.steps) >= 7
    assert any("13 หลัก" in s for s in register.steps)
    assert any("OTP" in s for s in register.steps)
    assert portal.topic("bizportal_login").url == "https://bizportal.go.th"
    assert len(portal.topic("bizportal_login").steps) == 3
    assert len(portal.topic("fee_payment").steps) == 4
    sections = {t.section for t in portal.topics}
    assert {"7.1.1", "7.1.2", "7.1.3", "7.2.1", "7.2.2", "7.2.3", "7.3", "7.4"} <= sections
    assert all("{office" not in step for t in portal.topics for step in t.steps)


def test_nlu_examples_use_known_intents(real: KnowledgeSnapshot) -> None:
    assert {ex.intent for ex in real.nlu_examples} <= INTENTS
    assert all(ex.service is None or ex.service in real.services for ex in real.nlu_examples)


def test_no_manual_placeholders_left(real: KnowledgeSnapshot) -> None:
    """The manuals' template gaps ("เทศบาล.....(ระบุชื่อ)", "...-...") must not reach citizens."""
    text = "\n".join(s.model_dump_json() for s in real.services.values())
    gap = re.search(r"\.{4,}|\(ระบุ[^)]*\)", text)
    assert gap is None, text[max(gap.start() - 60, 0) : gap.end() + 20]
