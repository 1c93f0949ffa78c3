"""Nothing untrue: the land and buildings tax of 2562 replaces the repealed house and land tax,
free services say so, the signboard tax is explained and estimated, payment channels come from
the knowledge base."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.tools.simulator import Simulator
from core.signboard_tax import RateTable, SignboardInputError, chargeable_units, estimate
from knowledge.legal import SignboardRates
from knowledge.loader import try_load_knowledge
from knowledge.store import KnowledgeStore
from tests.knowledge.conftest import KNOWLEDGE_ROOT

# the 2475 manual's instruction: file ภ.ร.ด.2 (the property return) by February
OLD_INSTRUCTION = re.compile(r"ยื่นแบบ[^\n]{0,60}ภ\.ร\.ด\.\s?2\)?\s*ภายในเดือนกุมภาพันธ์")


def _copy_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_ROOT / "national", tree / "national")
    shutil.copytree(KNOWLEDGE_ROOT / "offices", tree / "offices")
    return tree


@pytest.mark.parametrize(
    "question",
    ["ภาษีโรงเรือนต้องยื่นเดือนไหน", "ยื่นแบบ ภ.ร.ด.2 เมื่อไหร่", "ภาษีที่ดินจ่ายเดือนไหน", "ภาษีโรงเรือน"],
)
async def test_citizens_are_never_told_to_file_the_repealed_house_tax(sim: Simulator, question: str) -> None:
    answer = (await sim.text(question)).text
    assert not OLD_INSTRUCTION.search(answer), answer
    assert "ยื่นแบบแสดงรายการทรัพย์สิน" not in answer and "ภ.ร.ด.8" not in answer
    assert "ที่ดินและสิ่งปลูกสร้าง" in answer


async def test_land_tax_facts_come_from_the_2562_act(sim: Simulator) -> None:
    when = (await sim.text("ภาษีที่ดินจ่ายเดือนไหน")).text
    assert "เมษายน" in when and "กุมภาพันธ์" in when  # pay in April; the notice comes in February
    instalments = (await sim.text("ภาษีที่ดินผ่อนจ่ายได้ไหม")).text
    assert "3,000" in instalments and "3 งวด" in instalments


def test_a_service_citing_a_repealed_law_fails_the_check(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    history = tree / "national" / "history" / "house_land_tax_2475.yaml"
    service = tree / "national" / "services" / "house_land_tax.yaml"
    service.write_text(history.read_text(encoding="utf-8").replace("id: house_land_tax_2475", "id: house_land_tax")
                       .replace("house_land_tax_2475_filing", "house_land_tax_filing"), encoding="utf-8")
    snapshot, errors = try_load_knowledge(tree / "offices" / "tha_cha_lung")
    assert snapshot is None
    [error] = [e for e in errors if e.code == "repealed_law"]
    assert error.path.name == "house_land_tax.yaml" and error.line is not None
    assert "ถูกยกเลิกแล้ว" in error.th and "ภาษีที่ดินและสิ่งปลูกสร้าง" in error.th


@pytest.mark.parametrize("question", ["เบี้ยคนแก่มีค่าธรรมเนียมไหม", "เบี้ยคนพิการเสียเงินไหม"])
async def test_free_services_say_there_is_no_fee(sim: Simulator, question: str) -> None:
    answer = (await sim.text(question)).text
    assert "ไม่มีค่าธรรมเนียม" in answer
    assert "ไม่มีข้อมูลค่าธรรมเนียม" not in answer


def test_no_service_says_no_fee_data_when_the_manual_settles_it(knowledge_store: KnowledgeStore) -> None:
    for service in knowledge_store.current.services.values():
        if service.fees_free or service.fees:
            assert service.fees_note != "ไม่มีข้อมูลค่าธรรมเนียม", service.id


async def test_signboard_tax_answer_explains_how_it_is_computed(sim: Simulator) -> None:
    answer = (await sim.text("ภาษีป้ายเสียเท่าไหร่")).text
    assert "500 ตารางเซนติเมตร" in answer and "200 บาท" in answer
    assert "ไม่มีข้อมูลค่าธรรมเนียม" not in answer


def _table(knowledge_store: KnowledgeStore) -> RateTable:
    rates = knowledge_store.current.extra["signboard_rates"]
    assert isinstance(rates, SignboardRates)
    assert "2563" in rates.regulation and rates.source  # cited, for staff to confirm
    return RateTable({r.id: r.baht_per_unit for r in rates.rates}, rates.unit_cm2, rates.minimum_baht)


def test_signboard_calculator_follows_the_regulation(knowledge_store: KnowledgeStore) -> None:
    table = _table(knowledge_store)
    shop = estimate(100, 300, "mixed", table)  # 30,000 cm² = 60 units × 26 baht
    assert (shop.units, shop.tax_baht, shop.minimum_applied) == (60, 1560, False)
    small = estimate(50, 100, "thai", table)  # 10 units × 5 = 50 baht: the minimum applies
    assert (small.computed_baht, small.tax_baht, small.minimum_applied) == (50, 200, True)
    assert estimate(200, 400, "foreign", table).tax_baht == 160 * 50


def test_area_rounding_counts_more_than_half_a_unit() -> None:
    assert chargeable_units(1000) == 2
    assert chargeable_units(1250) == 2  # exactly half: dropped
    assert chargeable_units(1251) == 3  # more than half: one more unit
    assert chargeable_units(100) == 0


@pytest.mark.parametrize(("width", "height", "kind", "reason"), [
    (0, 100, "thai", "size_not_positive"), (-5, 100, "thai", "size_not_positive"),
    (float("nan"), 100, "thai", "size_not_positive"), (10**7, 100, "thai", "size_too_large"),
    (100, 100, "neon", "unknown_type"),
])
def test_calculator_refuses_what_it_cannot_price(
    knowledge_store: KnowledgeStore, width: float, height: float, kind: str, reason: str
) -> None:
    with pytest.raises(SignboardInputError) as info:
        estimate(width, height, kind, _table(knowledge_store))
    assert info.value.reason == reason


def test_every_service_that_takes_money_names_where_to_pay(knowledge_store: KnowledgeStore) -> None:
    for service in knowledge_store.current.services.values():
        if service.fees_free and not service.fees:
            continue
        assert service.payment_channels, f"{service.id}: no payment channel"
