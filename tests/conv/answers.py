"""Questions a citizen asks about each service, by intent, and how to read the first bubble."""

from __future__ import annotations

from bot.tools.simulator import Simulator
from bot.tools.textview import message_text

FIRST_BUBBLE_MAX = 300  # an elderly villager reading on a phone: one fact, a line or two

# {name} is the service's short name, as citizens type it
QUESTIONS: dict[str, str] = {
    "documents": "{name}ต้องใช้เอกสารอะไรบ้าง",
    "fees": "{name}ค่าธรรมเนียมเท่าไหร่",
    "duration": "{name}ใช้เวลากี่วัน",
    "payment": "{name}จ่ายผ่านพร้อมเพย์ได้ไหม",
    "apply": "อยากยื่น{name}",
    "office_hours": "{name} ติดต่อได้วันไหน เวลาไหน",
    "status": "{name}ที่ยื่นไปถึงไหนแล้ว",
}


def first_bubble(sim: Simulator) -> str:
    """The text of the first message of the last answer (a Flex card: all its text)."""
    assert sim.messages, "no answer"
    return message_text(sim.messages[0], [])
