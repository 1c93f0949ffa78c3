"""pydantic validation errors told in Thai (and English), each at its file and line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from knowledge.errors import KnowledgeError, Loc, SourceFile

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
