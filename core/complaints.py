"""Complaints (ร้องเรียน/แจ้งเหตุ): their categories and statuses, and what the citizen reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ComplaintStatus(StrEnum):
    received = "received"  # รับเรื่องแล้ว
    in_progress = "in_progress"  # กำลังดำเนินการ
    resolved = "resolved"  # ดำเนินการแล้ว
    rejected = "rejected"  # ไม่รับเรื่อง / ไม่อยู่ในอำนาจหน้าที่
    forwarded = "forwarded"  # ส่งต่อหน่วยงานอื่น


class ComplaintCategory(StrEnum):
    water = "water"  # น้ำประปา
    light = "light"  # ไฟฟ้า/ไฟส่องสว่าง
    road = "road"  # ถนน/ทางเท้า
    waste = "waste"  # ขยะ/ความสะอาด
    nuisance = "nuisance"  # เหตุเดือดร้อนรำคาญ
    other = "other"  # อื่น ๆ


@dataclass(frozen=True)
class NewComplaint:
    """A complaint as the citizen finished it in the chat, before it has a number."""

    category: str
    description: str
    line_user_id: str
    created_at: datetime
    photo_keys: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None  # shared or typed place
    contact_consent: bool = False  # may officers contact the citizen on LINE?


# --- tracking a complaint from the chat (conversation quality, issue 10) -----------------------

# TJL-C-2569-000123, typed or pasted with spaces, dashes or none, any case
_REFERENCE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,5})[\s\-_]*[Cc][\s\-_]*(25\d{2}|26\d{2})[\s\-_]*(\d{6})(?!\d)")


@dataclass(frozen=True, slots=True)
class ComplaintView:
    """One of the citizen's complaints as the status answer shows it."""

    reference: str
    category: str
    status: str
    created_at: datetime
    description: str


def find_complaint_references(text: str) -> list[str]:
    """Complaint references in a message, written the canonical way (TJL-C-2569-000123)."""
    return [f"{m.group(1).upper()}-C-{m.group(2)}-{m.group(3)}" for m in _REFERENCE.finditer(text)]
