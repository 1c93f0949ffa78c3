"""Checks beyond single-field types: pydantic errors in Thai, and cross-file rules.

Everything here returns a list of KnowledgeError (never raises), so one `check`
run reports every problem at once instead of stopping at the first.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from core.intents import INTENTS
from knowledge.errors import KnowledgeError, Loc, SourceFile
from knowledge.schema import FaqEntry, NluExample, Service

# --- pydantic errors in Thai ---------------------------------------------------------

FIELD_TH: dict[str, str] = {
    "id": "รหัส (id)",
    "title": "ชื่อ",
    "short_name": "ชื่อเรียกสั้น",
    "category": "หมวดบริการ",
    "aliases": "ชื่อเรียกอื่น",
    "summary": "สรุป",
    "agency": "หน่วยงานเจ้าของกระบวนงาน",
    "service_type": "ประเภทของงานบริการ",
    "service_category": "หมวดหมู่ของงานบริการ",
    "legal_basis": "กฎหมายที่ให้อำนาจ",
    "legal_duration": "ระยะเวลาตามกฎหมาย",
    "manual_reference": "ชื่ออ้างอิงของคู่มือ",
    "channels": "ช่องทางการให้บริการ",
    "criteria": "หลักเกณฑ์",
    "eligibility": "คุณสมบัติ",
    "steps": "ขั้นตอน",
    "total_duration": "ระยะเวลาดำเนินการรวม",
    "conditions": "เงื่อนไข",
    "documents": "เอกสาร",
    "fees": "ค่าธรรมเนียม",
    "fees_note": "หมายเหตุค่าธรรมเนียม",
    "forms": "แบบฟอร์ม",
    "complaint_channels": "ช่องทางร้องเรียน",
    "deadlines": "กำหนดเวลา",
    "remarks": "หมายเหตุ",
    "form_fields": "ช่องกรอกคำขอ",
    "name": "ชื่อ",
    "group": "กลุ่มเอกสาร",
    "issuer": "หน่วยงานผู้ออกเอกสาร",
    "originals": "จำนวนฉบับจริง",
    "copies": "จำนวนสำเนา",
    "unit": "หน่วย",
    "condition": "เงื่อนไข",
    "required_when": "ต้องใช้เมื่อตอบ",
    "remark": "หมายเหตุ",
    "description": "รายละเอียด",
    "amount_baht": "จำนวนเงิน (บาท)",
    "rule": "หลักเกณฑ์การคิดเงิน",
    "kind": "ประเภท",
    "duration": "ระยะเวลา",
    "value": "ตัวเลข",
    "place": "สถานที่",
    "hours": "เวลาทำการ",
    "label": "ข้อความ",
    "label_no": "ข้อความกรณีตอบไม่ใช่",
    "question": "คำถาม",
    "month": "เดือน",
    "day_from": "วันเริ่ม",
    "day_to": "วันสิ้นสุด",
    "type": "ชนิดคำตอบ",
    "choices": "ตัวเลือก",
    "phone": "เบอร์โทรศัพท์",
    "address": "ที่อยู่",
    "district": "อำเภอ",
    "province": "จังหวัด",
    "line_oa_name": "ชื่อ LINE OA",
    "tracking_prefix": "อักษรนำหน้าเลขติดตาม",
    "open": "เวลาเปิด",
    "close": "เวลาปิด",
    "days": "วันทำการ",
    "text": "ข้อความ",
    "questions": "คำถามตัวอย่าง",
    "answer": "คำตอบ",
    "service": "รหัสบริการ",
    "intent": "เจตนา (intent)",
    "examples": "ตัวอย่างประโยค",
    "date": "วันที่",
    "holidays": "วันหยุด",
    "topics": "หัวข้อ",
    "keywords": "คำค้น",
    "faq": "คำถามที่พบบ่อย",
    "extends": "โฟลเดอร์ส่วนกลาง (extends)",
    "service_overrides": "การปรับบริการเฉพาะสำนักงาน",
    "disabled_services": "บริการที่ไม่เปิด",
}


def describe_loc(loc: Loc) -> tuple[str, str]:
    """('เอกสาร รายการที่ 3 › จำนวนฉบับจริง', 'documents[2].originals')."""
    th_parts: list[str] = []
    en = ""
    for part in loc:
        if isinstance(part, int):
            th_parts.append(f"รายการที่ {part + 1}")
            en += f"[{part}]"
        else:
            th_parts.append(FIELD_TH.get(part, part))
            en += f".{part}" if en else part
    return " › ".join(th_parts) or "ทั้งไฟล์", en or "<file>"


def pydantic_errors(
    sf: SourceFile,
    exc: ValidationError,
    prefix: Loc = (),
    redirect: Mapping[str, tuple[SourceFile, Loc]] | None = None,
    skip_top: bool = False,
) -> list[KnowledgeError]:
    """Each pydantic error as a KnowledgeError at its file:line.

    `prefix` is where the validated object sits in `sf` (e.g. a list item);
    `redirect` sends errors in some top-level fields to another file (an office's
    service override lives in office.yaml, not in the service file). `skip_top`
    drops model-level errors the caller has already located more precisely.
    """
    out: list[KnowledgeError] = []
    unions: dict[tuple[int, Loc], tuple[SourceFile, list[tuple[str, str]]]] = {}
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(err["loc"])
        if skip_top and not loc:
            continue
        target, base = sf, prefix
        if redirect and loc and isinstance(loc[0], str) and loc[0] in redirect:
            target, base = redirect[loc[0]]
        branch = target.union_branch((*base, *loc))
        full = target.data_loc((*base, *loc))
        th, en = _translate(err, full)
        if branch is not None:  # one error per union member: merged below into one message
            unions.setdefault((id(target), branch), (target, []))[1].append((th, en))
            continue
        out.append(target.error(full, th, en, code=f"schema.{err['type']}"))
    for (_, where), (target, messages) in unions.items():
        where_th, where_en = describe_loc(where)
        out.append(
            target.error(
                where,
                f"{where_th}: รูปแบบไม่ถูกต้อง ต้องเป็นแบบใดแบบหนึ่งที่กำหนด "
                f'(ถ้าเป็นข้อความที่ขึ้นต้นด้วย ? : - # {{ [ ให้ใส่ในเครื่องหมายคำพูด เช่น "?")',
                f"{where_en}: matches none of the allowed forms ("
                + "; ".join(en.partition(": ")[2] or en for _, en in messages)
                + ")",
                code="schema.union",
            )
        )
    return out


def _translate(err: Any, loc: Loc) -> tuple[str, str]:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    where_th, where_en = describe_loc(loc)
    field = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"{where_th}: ไม่ได้กรอก '{field}' ซึ่งต้องมี", f"{where_en}: required field missing"
    if kind == "extra_forbidden":
        return (
            f"ไม่รู้จักช่อง '{field}' (สะกดผิด หรือย่อหน้าผิดระดับหรือไม่)",
            f"{where_en}: unknown field '{field}'",
        )
    if kind == "value_error":
        # custom validators in schema.py write "English / ไทย"
        message = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
        en_text, _, th_text = message.partition(" / ")
        return f"{where_th}: {th_text or en_text}", f"{where_en}: {en_text}"
    simple: dict[str, tuple[str, str]] = {
        "string_type": ("ต้องเป็นข้อความ", "must be text"),
        "int_type": ("ต้องเป็นจำนวนเต็ม", "must be a whole number"),
        "int_parsing": ("ต้องเป็นจำนวนเต็ม", "must be a whole number"),
        "int_from_float": ("ต้องเป็นจำนวนเต็ม ไม่มีทศนิยม", "must be a whole number"),
        "float_type": ("ต้องเป็นตัวเลข", "must be a number"),
        "float_parsing": ("ต้องเป็นตัวเลข", "must be a number"),
        "bool_type": ("ต้องเป็น true หรือ false", "must be true or false"),
        "bool_parsing": ("ต้องเป็น true หรือ false", "must be true or false"),
        "list_type": ("ต้องเป็นรายการ (แต่ละบรรทัดขึ้นต้นด้วย - )", "must be a list"),
        "dict_type": ("ต้องเป็นกลุ่มข้อมูลแบบ ชื่อ: ค่า", "must be a mapping"),
        "model_type": ("ต้องเป็นกลุ่มข้อมูลแบบ ชื่อ: ค่า", "must be a mapping"),
        "model_attributes_type": ("ต้องเป็นกลุ่มข้อมูลแบบ ชื่อ: ค่า", "must be a mapping"),
        "date_type": ("ต้องเป็นวันที่แบบ ปปปป-ดด-วว เช่น 2026-04-13", "must be a date YYYY-MM-DD"),
        "date_parsing": ("ต้องเป็นวันที่แบบ ปปปป-ดด-วว เช่น 2026-04-13", "must be a date YYYY-MM-DD"),
        "date_from_datetime_parsing": (
            "ต้องเป็นวันที่แบบ ปปปป-ดด-วว เช่น 2026-04-13",
            "must be a date YYYY-MM-DD",
        ),
    }
    if kind in simple:
        th, en = simple[kind]
        return f"{where_th}: {th}", f"{where_en}: {en}"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"{where_th}: ต้องไม่น้อยกว่า {bound}", f"{where_en}: must be >= {bound}"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"{where_th}: ต้องไม่เกิน {bound}", f"{where_en}: must be <= {bound}"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"{where_th}: ต้องมีอย่างน้อย {n} รายการ", f"{where_en}: needs at least {n} item(s)"
    if kind == "string_pattern_mismatch":
        return (
            f"{where_th}: ใช้ได้เฉพาะอักษรอังกฤษตัวเล็ก ตัวเลข และ _ ขึ้นต้นด้วยตัวอักษร (เช่น signboard_tax)",
            f"{where_en}: must match {ctx.get('pattern')}",
        )
    if kind in {"literal_error", "enum"}:
        expected = ctx.get("expected", "")
        return f"{where_th}: ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้ {expected}", f"{where_en}: must be one of {expected}"
    return f"{where_th}: ค่าไม่ถูกต้อง ({err['msg']})", f"{where_en}: {err['msg']}"


# --- Thai text damaged by PDF extraction ---------------------------------------------

# Vowels and marks that can only follow a consonant: after a space, at line start or after
# any non-Thai character they are the mark of PDF extraction (" า" for "ำ", "ไม ่").
_NON_INITIAL = "\u0e31\u0e32\u0e33\u0e34-\u0e3a\u0e47-\u0e4e"
_ARTEFACT = re.compile(rf"(?:^|(?<=[^\u0e00-\u0e7f]))[{_NON_INITIAL}]", re.MULTILINE)
_SPLIT_AM = re.compile("\u0e4d\u0e32")  # "ํ" + "า" drawn as two characters instead of "ำ"


def find_pdf_artefacts(text: str) -> list[str]:
    """The offending fragments (a few characters around each artefact)."""
    found = []
    for match in [*_ARTEFACT.finditer(text), *_SPLIT_AM.finditer(text)]:
        start = max(match.start() - 4, 0)
        found.append(text[start : match.end() + 4].strip())
    return found


def check_pdf_artefacts(sf: SourceFile) -> list[KnowledgeError]:
    errors = []
    for loc, text in sf.strings():
        for fragment in find_pdf_artefacts(text):
            line = sf.find_line(fragment.split()[-1] if fragment.split() else fragment, sf.line_of(loc))
            errors.append(
                sf.error(
                    loc,
                    f"ตัวอักษรเพี้ยนจากการคัดลอก PDF ใกล้ '{fragment}': สระหรือวรรณยุกต์ขึ้นต้นคำไม่ได้ "
                    f"(เช่น ' า' ต้องเป็น 'ำ')",
                    f"PDF artefact near '{fragment}': a Thai vowel or tone mark cannot start a word",
                    code="pdf_artefact",
                    line=line,
                )
            )
    return errors


def scan_text_for_artefacts(text: str) -> list[tuple[int, str]]:
    """(line, fragment) for every artefact in a file's raw text (comments included)."""
    return [
        (number, fragment)
        for number, line in enumerate(text.splitlines(), 1)
        for fragment in find_pdf_artefacts(line)
    ]


# --- Services --------------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """How aliases are compared: NFC, case-folded, without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text).casefold())


@dataclass(frozen=True, slots=True)
class LoadedService:
    service: Service
    file: SourceFile


def locate_condition_errors(sf: SourceFile, raw: Any) -> list[KnowledgeError]:
    """Precise lines for Service._documents_use_known_conditions, which pydantic reports at the top.

    A document whose condition does not exist, or a condition no document uses,
    is a question nobody can answer.
    """
    if not isinstance(raw, dict):
        return []
    conditions = raw.get("conditions") or []
    documents = raw.get("documents") or []
    if not isinstance(conditions, list) or not isinstance(documents, list):
        return []
    known = {c.get("id") for c in conditions if isinstance(c, dict)}
    used = {d.get("condition") for d in documents if isinstance(d, dict)}
    errors = []
    for i, doc in enumerate(documents):
        if isinstance(doc, dict) and doc.get("condition") is not None and doc["condition"] not in known:
            errors.append(
                sf.error(
                    ("documents", i, "condition"),
                    f"เอกสาร '{doc.get('name')}' อ้างถึงเงื่อนไข '{doc['condition']}' ที่ไม่มีในส่วน conditions "
                    f"ของบริการนี้ จึงไม่มีใครตอบคำถามนี้ได้",
                    f"document uses unknown condition '{doc['condition']}'",
                    code="unknown_condition",
                )
            )
    for j, cond in enumerate(conditions):
        if isinstance(cond, dict) and cond.get("id") not in used:
            errors.append(
                sf.error(
                    ("conditions", j, "id"),
                    f"เงื่อนไข '{cond.get('id')}' ไม่ได้ใช้กับเอกสารใดเลย (ลบออก หรือใส่ condition ให้เอกสาร)",
                    f"condition '{cond.get('id')}' is not used by any document",
                    code="unused_condition",
                )
            )
    return errors


def check_service(loaded: LoadedService) -> list[KnowledgeError]:
    """Rules for one valid service: file name, answerable conditions, document counts."""
    service, sf = loaded.service, loaded.file
    errors: list[KnowledgeError] = []
    if sf.path.stem != service.id:
        errors.append(
            sf.error(
                ("id",),
                f"รหัสบริการ '{service.id}' ต้องตรงกับชื่อไฟล์ '{sf.path.stem}'",
                f"service id '{service.id}' must equal the file name '{sf.path.stem}'",
                code="id_mismatch",
            )
        )
    for j, cond in enumerate(service.conditions):
        if not cond.question.strip():
            errors.append(
                sf.error(
                    ("conditions", j, "question"),
                    f"เงื่อนไข '{cond.id}' ไม่มีคำถาม ผู้ใช้จึงตอบไม่ได้",
                    f"condition '{cond.id}' has an empty question",
                    code="empty_question",
                )
            )
        if not cond.label.strip():
            errors.append(
                sf.error(
                    ("conditions", j, "label"),
                    f"เงื่อนไข '{cond.id}' ไม่มีข้อความ (label)",
                    f"condition '{cond.id}' has an empty label",
                    code="empty_label",
                )
            )
    for i, doc in enumerate(service.documents):
        if doc.originals + doc.copies < 1 and not (doc.remark and doc.remark.strip()):
            errors.append(
                sf.error(
                    ("documents", i),
                    f"เอกสาร '{doc.name}' มีจำนวนฉบับจริงและสำเนารวมเป็น 0 (ใส่จำนวน หรือเขียน remark อธิบาย)",
                    f"document '{doc.name}' has originals + copies = 0 and no remark",
                    code="document_count",
                )
            )
    return errors


def check_aliases(services: Sequence[LoadedService]) -> list[KnowledgeError]:
    """No alias or short name may lead to two services, or the bot cannot tell them apart."""
    errors: list[KnowledgeError] = []
    short_names: dict[str, LoadedService] = {}
    for loaded in services:
        key = normalise_name(loaded.service.short_name)
        other = short_names.get(key)
        if other is not None:
            errors.append(
                loaded.file.error(
                    ("short_name",),
                    f"ชื่อเรียกสั้น '{loaded.service.short_name}' ซ้ำกับบริการ '{other.service.id}'",
                    f"short_name '{loaded.service.short_name}' is also used by '{other.service.id}'",
                    code="duplicate_short_name",
                )
            )
        else:
            short_names[key] = loaded
    owners: dict[str, LoadedService] = {}
    for loaded in services:
        seen_here: set[str] = set()
        for i, alias in enumerate(loaded.service.aliases):
            key = normalise_name(alias)
            if key in seen_here:
                continue  # repeated inside one service: harmless
            seen_here.add(key)
            other = owners.get(key)
            if other is not None and other.service.id != loaded.service.id:
                errors.append(
                    loaded.file.error(
                        ("aliases", i),
                        f"ชื่อเรียก '{alias}' ซ้ำกับบริการ '{other.service.id}' (ชื่อเรียกหนึ่งชื่อใช้ได้กับบริการเดียว)",
                        f"alias '{alias}' is shared with service '{other.service.id}'",
                        code="duplicate_alias",
                    )
                )
                continue
            owners.setdefault(key, loaded)
            owner = short_names.get(key)
            if owner is not None and owner.service.id != loaded.service.id:
                errors.append(
                    loaded.file.error(
                        ("aliases", i),
                        f"ชื่อเรียก '{alias}' ตรงกับชื่อเรียกสั้นของบริการ '{owner.service.id}'",
                        f"alias '{alias}' equals the short_name of service '{owner.service.id}'",
                        code="alias_is_short_name",
                    )
                )
    return errors


# --- Messages --------------------------------------------------------------------------

MESSAGE_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
REQUIRED_MESSAGES: tuple[str, ...] = (
    "greeting.follow",
    "menu.title",
    "menu.item.services",
    "menu.item.documents",
    "menu.item.fees",
    "menu.item.contact",
    "menu.item.apply",
    "menu.item.status",
    "menu.item.complaint",
    "menu.item.handoff",
    "fallback.not_understood",
    "error.generic",
    "non_text.reply",
)  # the spine's wording; other components add their own keys in their own files


def template_fields(template: str) -> list[str]:
    """Field names of a str.format template; raises ValueError when it does not parse."""
    names = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.append(name)
    return names


def check_template(sf: SourceFile, loc: Loc, template: str) -> list[KnowledgeError]:
    """Message templates are filled with str.format(**values): they must parse, with named fields."""
    try:
        names = template_fields(template)
    except ValueError as exc:
        return [
            sf.error(
                loc,
                "ข้อความแม่แบบมีวงเล็บปีกกา { } ไม่ครบคู่ (ถ้าต้องการปีกกาจริงให้เขียน {{ หรือ }})",
                f"template does not parse: {exc}",
                code="template_syntax",
            )
        ]
    bad = [n for n in names if not n.isidentifier()]
    if bad:
        return [
            sf.error(
                loc,
                f"ชื่อตัวแปรในข้อความแม่แบบไม่ถูกต้อง: {', '.join(repr(b) for b in bad)} "
                f"(ใช้อักษรอังกฤษ ตัวเลข และ _ เช่น {{service_title}})",
                f"template fields must be plain names, got {bad}",
                code="template_field",
            )
        ]
    return []


# --- FAQ and NLU references ------------------------------------------------------------


def check_faq(
    sf: SourceFile, entries: Sequence[FaqEntry], service_ids: Iterable[str], prefix: Loc = ("faq",)
) -> list[KnowledgeError]:
    known = set(service_ids)
    errors: list[KnowledgeError] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.id in seen:
            errors.append(
                sf.error(
                    (*prefix, i, "id"),
                    f"รหัสคำถาม '{entry.id}' ซ้ำกันในไฟล์",
                    f"duplicate FAQ id '{entry.id}'",
                    code="duplicate_faq",
                )
            )
        seen.add(entry.id)
        if entry.service is not None and entry.service not in known:
            errors.append(
                sf.error(
                    (*prefix, i, "service"),
                    f"คำถาม '{entry.id}' อ้างถึงบริการ '{entry.service}' ที่ไม่มีอยู่",
                    f"FAQ '{entry.id}' refers to unknown service '{entry.service}'",
                    code="unknown_service",
                )
            )
    return errors


@dataclass(frozen=True, slots=True)
class LocatedExample:
    example: NluExample
    file: SourceFile
    loc: Loc


def check_nlu(examples: Sequence[LocatedExample], service_ids: Iterable[str]) -> list[KnowledgeError]:
    known = set(service_ids)
    errors: list[KnowledgeError] = []
    first_seen: dict[str, LocatedExample] = {}
    files_with_bad_intent: set[str] = set()
    for located in examples:
        ex, sf = located.example, located.file
        if ex.intent not in INTENTS and str(sf.path) not in files_with_bad_intent:
            files_with_bad_intent.add(str(sf.path))  # one report per file, not per example
            errors.append(
                sf.error(
                    ("intent",),
                    f"ไม่รู้จักเจตนา (intent) '{ex.intent}' ใช้ได้เฉพาะ: {', '.join(sorted(INTENTS))}",
                    f"unknown intent '{ex.intent}'",
                    code="unknown_intent",
                )
            )
        if ex.service is not None and ex.service not in known:
            errors.append(
                sf.error(
                    located.loc,
                    f"ตัวอย่าง '{ex.text}' อ้างถึงบริการ '{ex.service}' ที่ไม่มีอยู่",
                    f"example refers to unknown service '{ex.service}'",
                    code="unknown_service",
                )
            )
        key = normalise_name(ex.text)
        other = first_seen.get(key)
        if other is None:
            first_seen[key] = located
        elif other.example.intent != ex.intent:
            errors.append(
                sf.error(
                    located.loc,
                    f"ประโยค '{ex.text}' ถูกกำหนดเป็นสองเจตนา: '{ex.intent}' และ '{other.example.intent}' "
                    f"(ที่ {other.file.path.name}:{other.file.line_of(other.loc)})",
                    f"the same example is labelled '{ex.intent}' and '{other.example.intent}'",
                    code="conflicting_intent",
                )
            )
    return errors
