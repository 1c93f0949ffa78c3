"""Licences and receipts as PDF: one A4 page, Thai font embedded, text shaped by HarfBuzz.

Thai needs shaping: above/below vowels and tone marks must stack on their consonant (ที่, สิ้น, ปู่), which
fpdf2 only does with `set_text_shaping` (uharfbuzz). All wording comes in the DocumentSpec (from the office's
knowledge); this module only lays it out, so it holds no Thai text of its own.

Font: $DOCUMENT_FONT (a regular TTF; a "-Bold" sibling is used when present), else Noto Sans Thai from the
pip package `fontpkg-noto-sans-thai`, else Debian's fonts-thai-tlwg (Laksaman, Garuda) or fonts-noto-core.
Without any, ThaiFontMissing says what to install. Noto ships as one variable font; cutting its regular and
bold instances takes about 1.5 s, so they are cut once and kept as static files in a cache folder.

Rendering takes tens of milliseconds of CPU: call `render_pdf_async` (a worker thread) from async code.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from core.thai_dates import buddhist_year

FAMILY = "ThaiDoc"
DEBIAN_FONTS = (  # (regular, bold) under /usr/share/fonts
    ("truetype/tlwg/Laksaman.ttf", "truetype/tlwg/Laksaman-Bold.ttf"),
    ("truetype/tlwg/Garuda.ttf", "truetype/tlwg/Garuda-Bold.ttf"),
    ("truetype/noto/NotoSansThai-Regular.ttf", "truetype/noto/NotoSansThai-Bold.ttf"),
)


class ThaiFontMissing(RuntimeError):
    """No Thai font to embed: the PDF would show empty boxes, so we refuse to make one."""


@dataclass(frozen=True)
class ThaiFont:
    regular: Path
    bold: Path | None
    variable: bool = False  # one file with a weight axis (regular = 400, bold = 700)


@dataclass(frozen=True)
class DocumentLabels:
    """The words around the values, in the office's register (knowledge/national/messages/documents)."""

    months: Sequence[str]  # มกราคม … ธันวาคม
    date_format: str  # "{day} {month} พ.ศ. {year}"
    number: str  # เลขที่
    holder: str  # ผู้ได้รับอนุญาต / ได้รับเงินจาก
    service: str  # เรื่อง
    tracking: str  # เลขที่คำขอ
    issued_on: str  # ออกให้ ณ วันที่
    valid_until: str  # ใช้ได้ถึงวันที่
    amount: str  # จำนวนเงิน
    amount_format: str  # "{amount} บาท"
    signature: str  # ลงชื่อ ..........
    signer_position: str  # เจ้าพนักงานท้องถิ่น (when the spec names no position)
    footer: str  # เอกสารนี้ออกจากระบบ ...
    footer_verify: str  # ตรวจสอบได้ที่ {verify_url}


@dataclass(frozen=True)
class DocumentSpec:
    """One licence or receipt, fully worded."""

    kind: Literal["licence", "receipt"]
    title: str
    office_name: str
    office_address: str
    holder: str
    service: str
    tracking: str
    issued_on: date
    labels: DocumentLabels
    number: str | None = None  # the office's document number, when it keeps a register
    valid_until: date | None = None
    lines: Sequence[tuple[str, str]] = field(default_factory=tuple)  # extra label/value lines
    amount_baht: Decimal | None = None  # required for a receipt
    amount_in_words: str | None = None  # (สองร้อยบาทถ้วน); filled from the amount when None
    signer: str | None = None  # the name under the signature line
    signer_position: str | None = None  # the position under the name (labels.signer_position when None)
    verify_url: str | None = None  # printed in the footer


def find_thai_font() -> ThaiFont:
    """The Thai font to embed (see the module docstring for the search order)."""
    chosen = os.environ.get("DOCUMENT_FONT")
    if chosen:
        regular = Path(chosen)
        if not regular.is_file():
            raise ThaiFontMissing(f"DOCUMENT_FONT={chosen} is not a file")
        bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
        return ThaiFont(regular, bold if bold.is_file() else None)
    try:
        import fontpkg_noto_sans_thai as noto  # type: ignore[import-not-found]  # no type hints shipped

        files = sorted((Path(noto.__file__).parent / "files").glob("NotoSansThai*.ttf"))
        if files:
            return ThaiFont(files[0], None, variable="[" in files[0].name)
    except ImportError:
        pass
    for regular_name, bold_name in DEBIAN_FONTS:
        regular, bold = Path("/usr/share/fonts") / regular_name, Path("/usr/share/fonts") / bold_name
        if regular.is_file():
            return ThaiFont(regular, bold if bold.is_file() else None)
    raise ThaiFontMissing(
        "no Thai font for PDF documents: pip install fontpkg-noto-sans-thai, "
        "or apt-get install fonts-thai-tlwg, or set DOCUMENT_FONT to a Thai .ttf"
    )


def thai_date(day: date, labels: DocumentLabels) -> str:
    """4 ธันวาคม พ.ศ. 2569: the Buddhist year, as Thai official documents write dates."""
    return labels.date_format.format(day=day.day, month=labels.months[day.month - 1], year=buddhist_year(day))


def _amount_text(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):,f}"


def _baht_in_words(amount: Decimal) -> str:
    from pythainlp.util import bahttext  # a pure-Python table lookup; imported late, only receipts need it

    return bahttext(float(amount.quantize(Decimal("0.01"))))


@functools.lru_cache(maxsize=4)
def _static_instances(variable_font: Path) -> tuple[Path, Path]:
    """Regular (wght 400) and bold (wght 700) static cuts of a variable font, made once, cached on disk."""
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools
    from fontTools.varLib.instancer import instantiateVariableFont

    stat = variable_font.stat()
    tag = hashlib.sha256(f"{variable_font}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    folder = Path(os.environ.get("DOCUMENT_FONT_CACHE") or Path(tempfile.gettempdir()) / "civic-bot-fonts")
    folder.mkdir(parents=True, exist_ok=True)
    cuts = []
    for weight in (400, 700):
        target = folder / f"{variable_font.stem.split('[')[0]}-{weight}-{tag}.ttf"
        if not target.is_file():
            instance = instantiateVariableFont(TTFont(variable_font), {"wght": weight, "wdth": 100})
            partial = target.with_suffix(f".{os.getpid()}.part")
            instance.save(partial)
            partial.replace(target)  # atomic: a concurrent process never reads half a font
        cuts.append(target)
    return cuts[0], cuts[1]


class _Page(FPDF):
    def __init__(self, font: ThaiFont) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=18)
        regular, bold = _static_instances(font.regular) if font.variable else (font.regular, font.bold)
        self.add_font(FAMILY, "", str(regular))
        self.add_font(FAMILY, "B", str(bold or regular))
        self.set_text_shaping(use_shaping_engine=True, script="thai", language="tha")

    def centred(self, text: str, size: float, bold: bool = False, gap: float = 0) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def row(self, label: str, value: str, size: float = 15) -> None:
        self.set_font(FAMILY, "B", size)
        self.cell(48, size * 0.55, label)
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, size * 0.55, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)


def render_pdf(doc: DocumentSpec) -> bytes:
    """The document as PDF bytes (one A4 page for the usual handful of lines)."""
    if doc.kind == "receipt" and doc.amount_baht is None:
        raise ValueError("a receipt needs amount_baht")
    labels = doc.labels
    page = _Page(find_thai_font())
    page.set_title(f"{doc.title} {doc.tracking}")
    page.set_author(doc.office_name)
    page.set_creator(doc.office_name)
    page.add_page()

    # a thin frame, as printed certificates have
    page.set_line_width(0.6)
    page.rect(10, 10, page.w - 20, page.h - 20)
    page.set_line_width(0.2)
    page.rect(12, 12, page.w - 24, page.h - 24)

    if doc.number:
        page.set_font(FAMILY, "", 13)
        page.cell(0, 7, f"{labels.number} {doc.number}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    page.ln(4)
    page.centred(doc.office_name, 20, bold=True, gap=1)
    page.centred(doc.office_address, 14, gap=8)
    page.centred(doc.title, 26, bold=True, gap=10)

    page.row(labels.holder, doc.holder)
    page.row(labels.service, doc.service)
    page.row(labels.tracking, doc.tracking)
    for label, value in doc.lines:
        page.row(label, value)
    if doc.amount_baht is not None:
        words = doc.amount_in_words or _baht_in_words(doc.amount_baht)
        page.row(labels.amount, labels.amount_format.format(amount=_amount_text(doc.amount_baht)) + f" ({words})")
    page.row(labels.issued_on, thai_date(doc.issued_on, labels))
    if doc.valid_until is not None:
        page.row(labels.valid_until, thai_date(doc.valid_until, labels))

    page.ln(18)
    page.set_font(FAMILY, "", 15)
    signature_lines = [labels.signature]
    if doc.signer:
        signature_lines.append(f"({doc.signer})")
    signature_lines.append(doc.signer_position or labels.signer_position)
    for line in signature_lines:
        page.set_x(page.w / 2 - 10)
        page.multi_cell(page.w / 2 - 10, 8, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    footer = [labels.footer]
    if doc.verify_url:
        footer.append(labels.footer_verify.format(verify_url=doc.verify_url))
    # the footer sits on the frame's bottom edge whatever its length (a long verify URL wraps upwards)
    page.set_font(FAMILY, "", 11)
    text = "\n".join(footer)
    lines = page.multi_cell(0, 5.5, text, align="C", dry_run=True, output=MethodReturnValue.LINES)
    assert isinstance(lines, list)  # output=LINES returns the wrapped lines
    page.set_auto_page_break(auto=False)
    page.set_y(page.h - 16 - 5.5 * len(lines))
    page.multi_cell(0, 5.5, text, align="C")
    out = io.BytesIO()
    page.output(out)
    return out.getvalue()


async def render_pdf_async(doc: DocumentSpec) -> bytes:
    """render_pdf in a worker thread, so the event loop keeps serving while a PDF is laid out."""
    return await asyncio.to_thread(render_pdf, doc)
