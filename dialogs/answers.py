"""Reading a citizen's short typed answers ("ใช่ค่ะ", "ข้ามนะ", "มีข้อ 2 ครับ") the same way in every dialog."""

from __future__ import annotations

from bot.nlu.normalise import clean

# polite and casual particles people add to a one-word answer
PARTICLES = ("ค่ะ", "ครับ", "คะ", "คับ", "จ้า", "จ้ะ", "นะ", "ค่า", "ฮะ", "ด้วย")


def plain(text: str) -> str:
    """Lower-case, no spaces, trailing particles dropped: "ใช่ค่ะ " -> "ใช่"."""
    value = clean(text).lower().replace(" ", "")
    changed = True
    while changed:
        changed = False
        for particle in PARTICLES:
            if value.endswith(particle) and len(value) > len(particle):
                value, changed = value[: -len(particle)], True
    return value
