"""Text clean-up shared by training and parsing.

Two levels:

* `clean` keeps every character that carries data (digits, dashes, letters' case) and is
  what the entity extractors see: NFC, no zero-width characters, Thai digits as Arabic,
  folded whitespace.
* `normalise` is for matching: on top of `clean` it fixes Thai vowel/tone order,
  lowercases Latin, fixes a few very common misspellings ("อนุญาติ"), collapses
  elongations ("ครับบบบ", "มากกกก", "!!!"), turns laughter ("5555", "ฮ่าๆๆ", 😂) into
  one token and isolates emoji so they become tokens.

Training examples and user messages go through the same function, so a rule added
here never creates a train/serve mismatch.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp import (
    thai_above_vowels,
    thai_below_vowels,
    thai_follow_vowels,
    thai_lead_vowels,
    thai_tonemarks,
)
from pythainlp.util import normalize as thai_normalize

from bot.nlu.romanised import thai_from_latin

LAUGHTER = "555"

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Thai digits ๐-๙ -> 0-9, and full-width/odd spaces -> plain space.
_TRANSLATE = {0x0E50 + i: ord(str(i)) for i in range(10)} | _ZERO_WIDTH
_TRANSLATE |= dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000\t\r\n"), ord(" "))

_SPACES = re.compile(r" {2,}")

# pythainlp's normalize runs ~25 regex passes (~70 µs); on most messages none of them
# applies. This guard matches exactly the inputs one of its rules could change (after
# `clean`): misordered tone/vowel, doubled Sara E, nikhahit, lakkhangyao, repeated marks,
# a mark dangling at the start or after a space. tests/nlu checks the shortcut against
# the real thing.
_DANGLING = f"{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e"
_NOREPEAT = (
    f"{thai_follow_vowels}{thai_lead_vowels}{thai_above_vowels}{thai_below_vowels}\u0e3a\u0e4c\u0e4d\u0e4e"
)
_NEEDS_THAI_NORMALIZE = re.compile(
    f"^[{_DANGLING}]| [{_DANGLING}]|\u0e40\u0e40"
    f"|[{thai_tonemarks}\u0e4c][{thai_above_vowels}{thai_below_vowels}]"
    f"|\u0e4d|\u0e45|[{thai_follow_vowels}][{thai_tonemarks}]|[{thai_tonemarks}]{{2}}|([{_NOREPEAT}]) *\\1"
)

# Emoji: pictographs, dingbats, symbols, flags. Variation selectors, skin tones and the
# zero-width joiner only decorate the previous emoji, so they are dropped.
_EMOJI_DECORATION = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\u200d\u20e3]")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff\u3297\u3299]")
_LAUGH_EMOJI = frozenset("😂🤣😆😹😅😄😁")

# Laughter: 555… is Thai "hahaha" ("ห้า" = five). A 5-run inside a longer number or
# followed by บาท is an amount, not a laugh.
_LAUGH_5 = re.compile(r"(?<![\d.,])5{3,}(?![\d.,]|\s*บาท)")
_LAUGH_HA = re.compile(r"(?:ฮ่?[าะ]\s*){2,}|ฮ่?[าะ]ๆ+|(?:ha){2,}h?|(?:ฮิ){2,}|อิอิ+", re.IGNORECASE)

# Any letter typed three or more times in a row is elongation: Thai words never triple a
# character, English words practically never do. Digits are data and are left alone.
_ELONGATED = re.compile(r"([ก-ฮะ-ฺเ-ๅa-z!?.~])\1{2,}")
_MAIYAMOK = re.compile(r"ๆ(?:\s*ๆ)+")
# Doubled final consonant on polite particles ("ครับบ", "งับบ"); vowels are handled by
# pythainlp's normalize.
_PARTICLE_TAIL = re.compile(r"(ครั|คั|งั|คร้า|ค้า)บ{2,}")
_REPEATED_TOKEN = re.compile(r"(?<!\S)(\S+)(?: \1)+(?= |$)")


# Misspellings common enough in chat to fix before matching ("อนุญาติ" is everywhere).
_MISSPELLINGS = {
    "อนุญาติ": "อนุญาต",
    "อณุญาต": "อนุญาต",
    "พานิชย์": "พาณิชย์",
    "พาณิชณ์": "พาณิชย์",
    "ธรรมเนี่ยม": "ธรรมเนียม",
    "ค่าทำเนียม": "ค่าธรรมเนียม",
    "เอกสาน": "เอกสาร",
    "ผู้สูงอายู": "ผู้สูงอายุ",
    "รื้อถ่อน": "รื้อถอน",
    "ดัดแปง": "ดัดแปลง",
    "ทะเบีนย": "ทะเบียน",
}
_MISSPELLING = re.compile("|".join(sorted(map(re.escape, _MISSPELLINGS), key=len, reverse=True)))


@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """Unicode-level clean-up that keeps data intact (used by the entity extractors)."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    return _SPACES.sub(" ", text).strip()


def _space_emoji(match: re.Match[str]) -> str:
    char = match.group(0)
    return f" {LAUGHTER} " if char in _LAUGH_EMOJI else f" {char} "


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Canonical form for classification and fuzzy matching.

    >>> normalise("ครับบบบ  ๑๒๓ OTP ไม่มาาา 5555 😂😂")
    'ครับ 123 otp ไม่มา 555'
    """
    return _normalise(text, latin_to_thai=True)


def normalise_as_typed(text: str) -> str:
    """`normalise` without turning romanised Thai and English into Thai: the words as the
    citizen typed them (used to tell whether two sentences are copies of each other)."""
    return _normalise(text, latin_to_thai=False)


def _normalise(text: str, *, latin_to_thai: bool) -> str:
    text = clean(text)
    if not text:
        return ""
    if _NEEDS_THAI_NORMALIZE.search(text):
        text = thai_normalize(text)  # vowel/tone order, duplicated marks, dangling marks
    text = text.lower()
    text = _MISSPELLING.sub(lambda m: _MISSPELLINGS[m.group(0)], text)
    if latin_to_thai:
        text = thai_from_latin(text)  # "pasee pai", "land tax" -> ภาษีป้าย, ภาษีที่ดิน
    text = _EMOJI_DECORATION.sub("", text)
    text = _EMOJI.sub(_space_emoji, text)
    text = _LAUGH_5.sub(f" {LAUGHTER} ", text)
    text = _LAUGH_HA.sub(f" {LAUGHTER} ", text)
    text = _ELONGATED.sub(r"\1", text)
    text = _PARTICLE_TAIL.sub(r"\1บ", text)
    text = _MAIYAMOK.sub("ๆ", text)
    # Two identical emoji/laughs in a row say no more than one.
    text = _REPEATED_TOKEN.sub(r"\1", _SPACES.sub(" ", text).strip())
    return text


def compact(text: str) -> str:
    """Normalised text without spaces: Thai users space words inconsistently."""
    return normalise(text).replace(" ", "")
