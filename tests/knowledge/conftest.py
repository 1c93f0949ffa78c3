"""A small, self-contained knowledge tree written to tmp_path for each test.

Tests that break files on purpose use this tree rather than the real one, so they
keep passing while the real service files are edited by others, and so expected
line numbers are found in text the test itself wrote.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.errors import KnowledgeError
from knowledge.loader import try_load_knowledge
from knowledge.snapshot import KnowledgeSnapshot

REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_ROOT = REPO_ROOT / "knowledge"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SIGN_TAX = """\
id: sign_tax
title: การรับชำระภาษีป้าย
short_name: ภาษีป้าย
category: tax
aliases: [เสียภาษีป้าย, ภ.ป.1]
summary: เจ้าของป้ายยื่นแบบต่อ{office_name}ภายในเดือนมีนาคม
agency: สำนักบริหารการคลังท้องถิ่น
service_type: กระบวนงานบริการที่เบ็ดเสร็จในหน่วยเดียว
service_category: รับแจ้ง
legal_basis: [พ.ร.บ.ภาษีป้าย พ.ศ. 2510]
manual_reference: การรับชำระภาษีป้าย
channels:
  - place: "{office_name}"
    hours: วันจันทร์ถึงวันศุกร์
steps:
  - kind: การตรวจสอบเอกสาร
    description: เจ้าของป้ายยื่นแบบ ภ.ป. 1
    duration: {value: 1, unit: day}
  - kind: การพิจารณา
    description: >-
      พนักงานเจ้าหน้าที่ตรวจสอบรายการป้าย
      และแจ้งการประเมินภาษี
    duration: {value: 45, unit: day}
total_duration: {value: 46, unit: day}
conditions:
  - id: juristic_person
    label: กรณีนิติบุคคล
    label_no: กรณีบุคคลธรรมดา
    question: เจ้าของป้ายเป็นนิติบุคคลใช่ไหมคะ
  - id: by_proxy
    label: กรณีมอบอำนาจ
    question: มอบอำนาจให้ผู้อื่นยื่นแทนใช่ไหมคะ
documents:
  - name: บัตรประจำตัวประชาชน พร้อมสำเนา
    group: identity
    originals: 1
    copies: 1
    unit: ชุด
  - name: หนังสือรับรองนิติบุคคล พร้อมสำเนา
    group: identity
    originals: 1
    copies: 1
    unit: ชุด
    condition: juristic_person
  - name: สำเนาทะเบียนบ้านของเจ้าของป้าย
    group: identity
    originals: 0
    copies: 1
    unit: ฉบับ
    condition: juristic_person
    required_when: false
  - name: หนังสือมอบอำนาจ
    group: other
    originals: 1
    copies: 0
    unit: ฉบับ
    condition: by_proxy
  - name: ลงลายมือชื่อต่อหน้าเจ้าหน้าที่
    group: other
    originals: 0
    copies: 0
    unit: ครั้ง
    condition: by_proxy
    required_when: false
    remark: ไม่ต้องนำเอกสารมา ลงชื่อที่สำนักงาน
fees: []
fees_note: ไม่มีข้อมูลค่าธรรมเนียม
"""

ELDER_PAY = """\
id: elder_pay
title: การลงทะเบียนและยื่นคำขอรับเงินเบี้ยยังชีพผู้สูงอายุ
short_name: เบี้ยยังชีพผู้สูงอายุ
category: welfare
aliases: [เบี้ยคนแก่, เบี้ยผู้สูงอายุ]
summary: ลงทะเบียนภายในเดือนพฤศจิกายนของทุกปี
agency: สำนักส่งเสริมการพัฒนาเศรษฐกิจ สังคมและการมีส่วนร่วม
service_type: กระบวนงานบริการที่เบ็ดเสร็จในหน่วยเดียว
service_category: ขึ้นทะเบียน
legal_basis: [ระเบียบกระทรวงมหาดไทย พ.ศ. 2552]
manual_reference: เบี้ยยังชีพผู้สูงอายุ
channels:
  - place: ที่ทำการ{office_short_name} โทร {office_phone}
steps:
  - kind: การตรวจสอบเอกสาร
    description: ยื่นคำขอพร้อมเอกสาร
    duration: {value: 20, unit: minute}
  - kind: การพิจารณา
    description: ออกใบรับลงทะเบียน
    duration: {value: 10, unit: minute}
total_duration: {value: 30, unit: minute}
documents:
  - name: บัตรประจำตัวประชาชน พร้อมสำเนา
    group: identity
    originals: 1
    copies: 1
    unit: ชุด
fees:
  - description: ค่าถ่ายสำเนา
    amount_baht: 30
  - description: ค่าธรรมเนียมตามข้อบัญญัติ
    rule: ไม่เกิน 100 บาท
"""

OFFICE = """\
extends: ../../national
id: mini_office
name: องค์การบริหารส่วนตำบลทดสอบ
short_name: อบต.ทดสอบ
kind: อบต.
address: หมู่ 1
district: ทดสอบ
province: ทดสอบ
phone: 0-1234-5678
line_oa_name: อบต.ทดสอบ
hours:
  text: วันจันทร์ถึงวันศุกร์ 08:30 - 16:30 น.
tracking_prefix: TST
"""

FAQ = """\
faq:
  - id: sign_tax_month
    service: sign_tax
    questions: [ยื่นภาษีป้ายเดือนไหน]
    answer: ภายในเดือนมีนาคมค่ะ ติดต่อ {office_phone}
  - id: complaint
    questions: [ร้องเรียนที่ไหน]
    answer: สายด่วน 1111 ค่ะ
"""

NLU_GREETING = """\
intent: greeting
examples:
  - สวัสดี
  - หวัดดีค่ะ
"""

NLU_DOCUMENTS = """\
intent: documents
examples:
  - text: ภาษีป้ายใช้เอกสารอะไร
    service: sign_tax
  - ต้องใช้เอกสารอะไรบ้าง
"""


@dataclass
class MiniTree:
    root: Path

    @property
    def office_dir(self) -> Path:
        return self.root / "offices" / "mini_office"

    @property
    def national(self) -> Path:
        return self.root / "national"

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str) -> Path:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def edit(self, rel: str, old: str, new: str, count: int = 1) -> Path:
        target = self.root / rel
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        target.write_text(text.replace(old, new, count), encoding="utf-8")
        return target

    def line_of(self, rel: str, needle: str, nth: int = 1) -> int:
        """1-based line of the nth line containing `needle`."""
        hits = [
            i
            for i, line in enumerate(self.path(rel).read_text(encoding="utf-8").splitlines(), 1)
            if needle in line
        ]
        assert len(hits) >= nth, f"{needle!r} found {len(hits)} time(s) in {rel}"
        return hits[nth - 1]

    def load(self) -> tuple[KnowledgeSnapshot | None, list[KnowledgeError]]:
        return try_load_knowledge(self.office_dir)


def build_mini_tree(root: Path) -> MiniTree:
    tree = MiniTree(root)
    tree.write("national/services/sign_tax.yaml", SIGN_TAX)
    tree.write("national/services/elder_pay.yaml", ELDER_PAY)
    tree.write("national/faq.yaml", FAQ)
    tree.write("national/nlu/greeting.yaml", NLU_GREETING)
    tree.write("national/nlu/documents.yaml", NLU_DOCUMENTS)
    tree.write("offices/mini_office/office.yaml", OFFICE)
    (tree.national / "messages").mkdir(parents=True)
    # the real wording, holidays and portal guide: they are part of what every tree needs
    shutil.copy(KNOWLEDGE_ROOT / "national/messages/common.yaml", tree.national / "messages/common.yaml")
    shutil.copy(KNOWLEDGE_ROOT / "national/holidays.yaml", tree.national / "holidays.yaml")
    shutil.copy(KNOWLEDGE_ROOT / "national/portal_help.yaml", tree.national / "portal_help.yaml")
    return tree


@pytest.fixture
def mini(tmp_path: Path) -> MiniTree:
    return build_mini_tree(tmp_path / "knowledge")


@pytest.fixture
def no_knowledge_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("KNOWLEDGE_DIR", raising=False)
    yield
