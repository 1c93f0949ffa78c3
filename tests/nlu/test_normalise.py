from __future__ import annotations

import random

import pytest
from pythainlp.util import normalize as pythainlp_normalize

from bot.nlu.data import TrainingData
from bot.nlu.normalise import _NEEDS_THAI_NORMALIZE, clean, compact, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ครับบบบ", "ครับ"),  # elongation
        ("ดีคับบ", "ดีคับ"),  # doubled final consonant on a particle
        ("ขอบคุณค่าาาา", "ขอบคุณค่า"),
        ("มากกกกก!!!", "มาก!"),
        ("5555555", "555"),  # laughter, any length
        ("ฮ่าๆๆๆ", "555"),
        ("😂😂🤣", "555"),  # laughing emoji are laughter too
        ("hahaha", "555"),
        ("ค่าธรรมเนียม 5555 บาท", "ค่าธรรมเนียม 5555 บาท"),  # an amount, not a laugh
        ("โทร 0815556789", "โทร 0815556789"),  # digits are data: never collapsed
        ("๑๒๓ บาท", "123 บาท"),  # Thai digits
        ("เเม่", "แม่"),  # two Sara E -> Sara Ae (pythainlp normalize)
        ("กิ่่ง", "กิ่ง"),  # duplicated tone mark
        ("สวัสดี\u200bครับ\u200d", "สวัสดีครับ"),  # zero-width characters
        ("  ขอ   OTP\tใหม่  ", "ขอ otp ใหม่"),  # whitespace folding, Latin lowercased
        ("Biz Portal", "biz portal"),
        ("สวัสดีค่ะ🙏🏽", "สวัสดีค่ะ 🙏"),  # emoji split off, skin tone dropped
        ("ร้อน ☀️☀️", "ร้อน ☀"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_nfc() -> None:
    # NFD Latin "é" composes; the result is stable under a second pass
    assert clean("cafe\u0301") == "café"
    assert normalise(normalise("เเม่ ครับบบ")) == normalise("เเม่ ครับบบ")


def test_clean_keeps_case_and_dashes_for_entities() -> None:
    assert clean(" TJL-2569-000123\u00a0 ๑๒ ") == "TJL-2569-000123 12"


def test_compact_removes_spaces() -> None:
    assert compact("ภาษี  ป้าย ครับบบ") == "ภาษีป้ายครับ"


def test_fast_path_agrees_with_pythainlp(training_data: TrainingData) -> None:
    """normalise() skips pythainlp's normalize when its guard says nothing would change."""
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x0E01, 0x0E5C)] + [" ", "a"]
    texts = [clean(e.text) for e in training_data.examples]
    texts += [clean("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))) for _ in range(20000)]
    for text in texts:
        if not _NEEDS_THAI_NORMALIZE.search(text):
            assert pythainlp_normalize(text) == text, repr(text)
