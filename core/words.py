"""Short answers citizens type instead of tapping a button, one list for every dialog.

Words are compared after `dialogs.answers.plain` (lower case, no spaces, no trailing ค่ะ/ครับ).
"""

from __future__ import annotations

YES_WORDS = frozenset({
    "ใช่", "ใช่แล้ว", "ถูกต้อง", "ถูก", "ยอมรับ", "ตกลง", "ยืนยัน", "มี", "ได้รับ", "เคย", "จะมอบ",
    "yes", "y", "ok", "okay", "โอเค",
})
NO_WORDS = frozenset({
    "ไม่", "ไม่ใช่", "ไม่ถูกต้อง", "ไม่ยอมรับ", "ไม่ตกลง", "ไม่มี", "ไม่ได้รับ", "ไม่เคย", "ไม่ได้", "เปล่า",
    "no", "n",
})
UNSURE_WORDS = frozenset({"ไม่แน่ใจ", "ไม่ทราบ", "ไม่รู้", "ไม่รู้สิ", "ยังไม่แน่ใจ", "ไม่แน่"})


def yes_or_no(plain_word: str) -> bool | None:
    """True for a yes word, False for a no word, None for anything else."""
    if plain_word in YES_WORDS:
        return True
    if plain_word in NO_WORDS:
        return False
    return None
