"""Key facts of the 13 citizen manuals, read independently of the service transcribers.

Source: /work/shared/seeds/004_74255e31a7246648.txt (คู่มือสำหรับประชาชน, อบต.ท่าจะหลุง).
For each manual: section 13 "ระยะเวลาดำเนินการรวม" and the number of step rows,
section 8 (time set by law; 0 = none), section 15 (every document row of 15.1 and
15.2 with its "ฉบับจริง"/"สำเนา" counts), section 16 (amounts printed as fixed baht;
"ค่าธรรมเนียม 0 บาท" printed next to a rule such as "ไม่เกิน 10,000 บาท" is not a
fixed fee). Services are matched by their official title, not by file name, so this
test does not depend on the ids the transcribers chose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from ruamel.yaml import YAML

from knowledge.loader import try_load_knowledge
from knowledge.schema import Service
from knowledge.validator import normalise_name
from tests.knowledge.conftest import KNOWLEDGE_ROOT

DAY = 1440


@dataclass(frozen=True)
class Manual:
    title_part: str  # a part of section 1 "ชื่อกระบวนงาน" found in no other title
    total_minutes: int
    steps: int
    legal_minutes: int | None
    identity: tuple[tuple[int, int], ...]  # 15.1 rows: (originals, copies), in the manual's order
    other: tuple[tuple[int, int], ...]  # 15.2 rows
    fixed_fees: tuple[int, ...]  # sorted

    @property
    def key(self) -> str:
        return normalise_name(self.title_part)

    @property
    def documents(self) -> tuple[tuple[int, int], ...]:
        return self.identity + self.other


BOTH, ORIG, COPY = (1, 1), (1, 0), (0, 1)
NONE: tuple[tuple[int, int], ...] = ()  # "ไม่พบเอกสารอื่น ๆ สำหรับยื่นเพิ่มเติม"

MANUALS: dict[str, Manual] = {
    "signboard_tax": Manual(
        "การรับชำระภาษีป้าย", 46 * DAY, 3, None, (BOTH, BOTH, ORIG, COPY, BOTH, COPY, ORIG), NONE, ()
    ),
    "house_land_tax": Manual(
        "ภาษีโรงเรือนและที่ดิน", 31 * DAY, 2, None, (BOTH, BOTH, BOTH, BOTH, BOTH, ORIG), NONE, ()
    ),
    "health_hazard_renewal": Manual(
        "ต่ออายุใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ",
        30 * DAY,
        5,
        30 * DAY,
        (COPY, COPY, BOTH, BOTH, BOTH),
        (COPY, COPY, COPY, COPY, COPY, ORIG),
        (),
    ),
    "health_hazard_new": Manual(
        "การขอใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ",
        30 * DAY,
        5,
        30 * DAY,
        (COPY, COPY, BOTH, BOTH, BOTH),
        # row 5 (ผลการตรวจวัดคุณภาพด้านสิ่งแวดล้อม) is 1+1 here but 0+1 in the renewal manual
        (COPY, COPY, COPY, COPY, BOTH, ORIG),
        (),
    ),
    "building_construction": Manual(
        "ก่อสร้างอาคารตามมาตรา 21",
        45 * DAY,
        4,
        45 * DAY,
        (COPY, COPY),
        (ORIG, COPY, ORIG, ORIG, COPY, ORIG, *(ORIG,) * 15),
        (),
    ),
    "building_modification": Manual(
        "ดัดแปลงอาคารตามมาตรา 21",
        45 * DAY,
        4,
        45 * DAY,
        (COPY, COPY),
        # row 19 (ระบบป้องกันเพลิงไหม้) is 1+1, unlike the construction manual
        (ORIG, ORIG, COPY, ORIG, ORIG, COPY, ORIG, *(ORIG,) * 11, BOTH, ORIG, ORIG, ORIG),
        (),
    ),
    "building_demolition": Manual(
        "รื้อถอนอาคารตามมาตรา 22",
        45 * DAY,
        4,
        45 * DAY,
        (COPY, COPY),
        (ORIG, ORIG, COPY, ORIG, ORIG, COPY, COPY, ORIG, ORIG, ORIG),
        (),
    ),
    "commerce_closure": Manual(
        "เลิกประกอบพาณิชยกิจ", 60, 4, None, (COPY,), (ORIG, ORIG, COPY, COPY, ORIG, COPY), (20, 30)
    ),
    "commerce_new": Manual(
        "(ตั้งใหม่)", 60, 4, None, (COPY, COPY), (ORIG, ORIG, COPY, ORIG, ORIG, COPY, COPY, ORIG), (30, 50)
    ),
    "commerce_change": Manual(
        "เปลี่ยนแปลงรายการจดทะเบียน",
        60,
        4,
        None,
        (COPY, COPY),
        (ORIG, ORIG, COPY, ORIG, ORIG, COPY, ORIG),
        (20, 30),
    ),
    "elderly_allowance": Manual("เบี้ยยังชีพผู้สูงอายุ", 30, 2, None, (BOTH, BOTH, BOTH, ORIG, BOTH, BOTH), NONE, ()),
    "disability_allowance": Manual("เบี้ยความพิการ", 30, 2, None, (BOTH, BOTH, BOTH, BOTH, BOTH), NONE, ()),
    "aids_assistance": Manual(
        "สงเคราะห์ผู้ป่วยเอดส์", 13 * DAY, 5, None, (BOTH, BOTH, BOTH, ORIG, BOTH, BOTH), NONE, ()
    ),
}


@pytest.fixture(scope="module")
def services() -> list[Service]:
    """The services citizens see, plus the manuals kept as history (repealed law, staff only)."""
    snapshot, errors = try_load_knowledge(KNOWLEDGE_ROOT / "offices/tha_cha_lung")
    assert snapshot is not None, "knowledge tree does not load:\n" + "\n".join(map(str, errors))
    history = [
        Service.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
        for path in sorted((KNOWLEDGE_ROOT / "national" / "history").glob("*.yaml"))
    ]
    return [*snapshot.services.values(), *history]


def find(services: list[Service], manual: Manual) -> Service | None:
    matches = [s for s in services if manual.key in normalise_name(s.title)]
    assert len(matches) <= 1, f"'{manual.title_part}' matches {[s.id for s in matches]}"
    return matches[0] if matches else None


def test_the_thirteen_manuals_are_all_transcribed(services: list[Service]) -> None:
    missing = [m.title_part for m in MANUALS.values() if find(services, m) is None]
    assert not missing, f"services not transcribed yet (knowledge/national/services/): {missing}"
    assert len(services) == 14  # 12 manuals in force, 1 kept as history, the land and buildings tax of 2562


@pytest.mark.parametrize("name", list(MANUALS))
def test_service_matches_manual(services: list[Service], name: str) -> None:
    manual = MANUALS[name]
    service = find(services, manual)
    if service is None:
        pytest.skip(
            f"'{manual.title_part}' not transcribed yet; see test_the_thirteen_manuals_are_all_transcribed"
        )
    where = f"{service.id}.yaml"
    assert service.total_duration_minutes == manual.total_minutes, f"{where}: total_duration"
    assert len(service.steps) == manual.steps, f"{where}: number of steps"
    assert sum(s.duration.minutes for s in service.steps) <= manual.total_minutes, (
        f"{where}: steps exceed total"
    )
    legal = service.legal_duration.minutes if service.legal_duration else None
    assert legal == manual.legal_minutes, f"{where}: legal_duration"
    assert len(service.documents) == len(manual.documents), f"{where}: number of documents"
    got = tuple((d.originals, d.copies) for d in service.documents)
    assert got == manual.documents, f"{where}: (originals, copies) per document"
    groups = [d.group for d in service.documents]
    expected_groups = ["identity"] * len(manual.identity) + ["other"] * len(manual.other)
    assert groups == expected_groups, f"{where}: 15.1 identity / 15.2 other"
    fixed = tuple(sorted(int(f.amount_baht) for f in service.fees if f.amount_baht is not None))
    assert fixed == manual.fixed_fees, f"{where}: fixed fee amounts"
    assert all(f.amount_baht != 0 for f in service.fees), f"{where}: '0 บาท' is a placeholder, not a fee"


def test_yearly_deadlines(services: list[Service]) -> None:
    by_key = {name: find(services, m) for name, m in MANUALS.items()}
    expected = {
        "signboard_tax": (3, 1, None),  # ภ.ป. 1 ภายในเดือนมีนาคม
        "house_land_tax": (2, 1, None),  # ภ.ร.ด. 2 ภายในเดือนกุมภาพันธ์
        "elderly_allowance": (11, 1, 30),  # 1 – 30 พฤศจิกายนของทุกปี
        "disability_allowance": (11, 1, 30),
    }
    for name, (month, day_from, day_to) in expected.items():
        service = by_key[name]
        if service is None:
            continue
        assert any(
            d.month == month and d.day_from == day_from and (d.day_to or 31) >= (day_to or 28)
            for d in service.deadlines
        ), f"{service.id}: deadline in month {month}"
