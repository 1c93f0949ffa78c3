"""A citizen's complaints as the chat shows them, and how a complaint reference is written.

The complaint dialog promises "track it with this reference" (TJL-C-2569-000123); the status
dialog keeps that promise through `ComplaintLookup`, which storage implements. Only the
citizen's own complaints are ever returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# TJL-C-2569-000123, typed or pasted with spaces, dashes or none, any case
_REFERENCE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,5})[\s\-_]*[Cc][\s\-_]*(25\d{2}|26\d{2})[\s\-_]*(\d{6})(?!\d)")


@dataclass(frozen=True, slots=True)
class ComplaintView:
    reference: str
    category: str
    status: str
    created_at: datetime
    description: str


class ComplaintLookup(Protocol):
    async def complaints_of(self, line_user_id: str, limit: int = 5) -> list[ComplaintView]: ...


def find_complaint_references(text: str) -> list[str]:
    """Complaint references in a message, written the canonical way (TJL-C-2569-000123)."""
    return [f"{m.group(1).upper()}-C-{m.group(2)}-{m.group(3)}" for m in _REFERENCE.finditer(text)]
