"""Reading a citizen's short typed answers ("ใช่ค่ะ", "ข้ามนะ", "มีข้อ 2 ครับ") the same way in every dialog."""

from __future__ import annotations

from collections.abc import Iterable

from bot.nlu.normalise import clean

# polite and casual particles people add to a one-word answer
PARTICLES = ("ค่ะ", "ครับ", "คะ", "คับ", "จ้า", "จ้ะ", "นะ", "ค่า", "ฮะ", "ด้วย")


def strip_particles(value: str, particles: Iterable[str] = PARTICLES) -> str:
    """Drop trailing particles, however many are stacked ("ข้ามนะคะ" -> "ข้าม"); never the whole word."""
    candidates = tuple(particles)
    changed = True
    while changed:
        changed = False
        for particle in candidates:
            if value.endswith(particle) and len(value) > len(particle):
                value, changed = value[: -len(particle)], True
    return value


def plain(text: str) -> str:
    """Lower-case, no spaces, trailing particles dropped: "ใช่ค่ะ " -> "ใช่"."""
    return strip_particles(clean(text).lower().replace(" ", ""))
