"""Licence and receipt PDFs: Thai text embedded and extractable, dates in the Buddhist era, amounts in words."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.web.documents import document_labels, licence_spec, receipt_spec
from integrations.documents.licence import (
    DocumentSpec,
    ThaiFontMissing,
    find_thai_font,
    render_pdf,
    render_pdf_async,
)
from knowledge.store import KnowledgeStore

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as a reader extracts it, in content order, without the spaces PDF extraction invents."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def _licence(knowledge_store: KnowledgeStore) -> bytes:
    return render_pdf(licence_spec(
        knowledge_store.current,
        title="ใบอนุญาตติดตั้งป้ายชั่วคราว",
        holder="นางสาวปิ่นแก้ว ศรีสุขใส",
        service="การขออนุญาตติดตั้งป้าย",
        tracking="TJL-2569-000123",
        issued_on=date(2026, 12, 4),
        valid_until=date(2027, 12, 3),
        lines=[("ขนาดป้าย", "120 × 240 ซม.")],
        number="12/2569",
        verify_url="https://bot.example.go.th/files/licence/VEpMLTI1NjktMDAwMTIz.1796266800.QQIntUNABQ1VK_Odztl5lw",
    ))


@needs_poppler
def test_licence_text_is_extractable_and_thai(knowledge_store: KnowledgeStore, tmp_path: Path) -> None:
    pdf = _licence(knowledge_store)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf, tmp_path)
    for expected in (
        "องค์การบริหารส่วนตำบลท่าจะหลุง",
        "ใบอนุญาตติดตั้งป้ายชั่วคราว",  # tone marks over upper vowels: the shaping engine's job
        "ผู้ได้รับอนุญาตนางสาวปิ่นแก้วศรีสุขใส",
        "TJL-2569-000123",
        "ออกให้ณวันที่4ธันวาคมพ.ศ.2569",
        "ใช้ได้ถึงวันที่3ธันวาคมพ.ศ.2570",
        "ขนาดป้าย120×240ซม.",
        "เลขที่12/2569",
        "https://bot.example.go.th/files/licence/VEpMLTI1NjktMDAwMTIz.1796266800.QQIntUNABQ1VK_Odztl5lw",
    ):
        assert expected in text, expected


@needs_poppler
def test_licence_is_one_a4_page(knowledge_store: KnowledgeStore, tmp_path: Path) -> None:
    path = tmp_path / "licence.pdf"
    path.write_bytes(_licence(knowledge_store))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert "(A4)" in info


@needs_poppler
def test_font_is_embedded(knowledge_store: KnowledgeStore, tmp_path: Path) -> None:
    path = tmp_path / "licence.pdf"
    path.write_bytes(_licence(knowledge_store))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # emb column, for every font used


@needs_poppler
async def test_receipt_has_the_amount_in_figures_and_words(knowledge_store: KnowledgeStore, tmp_path: Path) -> None:
    pdf = await render_pdf_async(receipt_spec(
        knowledge_store.current, payer="นายก้องภพ ผู้ใฝ่รู้", service="ภาษีป้าย", tracking="TJL-2569-000124",
        amount_baht=Decimal("1234.5"), paid_on=date(2026, 12, 5),
    ))
    text = _text(pdf, tmp_path)
    assert "ใบเสร็จรับเงิน" in text
    assert "ได้รับเงินจากนายก้องภพผู้ใฝ่รู้" in text
    assert "1,234.50บาท(หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์)" in text
    assert "5ธันวาคมพ.ศ.2569" in text
    assert "ผู้รับเงิน" in text
    assert "ตรวจสอบเอกสารได้ที่" not in text  # no verify URL given: no empty "check at" line


def test_receipt_without_amount_is_refused(knowledge_store: KnowledgeStore) -> None:
    spec = DocumentSpec(
        kind="receipt", title="ใบเสร็จรับเงิน", office_name="x", office_address="y", holder="z", service="s",
        tracking="T", issued_on=date(2026, 12, 4), labels=document_labels(knowledge_store.current, "receipt"),
    )
    with pytest.raises(ValueError, match="amount"):
        render_pdf(spec)


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCUMENT_FONT", str(tmp_path / "nope.ttf"))
    with pytest.raises(ThaiFontMissing, match="DOCUMENT_FONT"):
        find_thai_font()


def test_document_font_setting_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    garuda = Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf")
    if not garuda.is_file():
        pytest.skip("fonts-thai-tlwg not installed")
    monkeypatch.setenv("DOCUMENT_FONT", str(garuda))
    font = find_thai_font()
    assert font.regular == garuda and font.bold == garuda.with_name("Garuda-Bold.ttf")
