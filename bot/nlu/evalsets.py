"""The NLU's evaluation files and the checks that keep them honest.

Three kinds of labelled file, kept apart on purpose:

* `bench/data/nlu_dev.tsv` — the development split. Thresholds are tuned on it
  (`python bench/nlu.py --tune`) and its errors are what we look at when we add
  training examples.
* `bench/data/nlu_heldout.tsv` — the held-out set, written apart from the training data.
  Only the evaluation reads it (`python -m bot nlu --eval`, `bench/nlu.py`, the accuracy
  test); nothing is tuned on it.
* the other evaluation files (`bench/data/nlu_independent.tsv`, `tests/nlu/data/blind.tsv`,
  the shared `shared/nlu/dev.tsv`) — further independent checks.

File format: TSV with a header; columns `intent`, `service` (`-` for none), `text`, and
optionally `family`: comma-separated tags ("isan,status") so accuracy can be reported per
family of wording. Without a header the columns are intent, service, text.

A training sentence that is the same as an evaluation sentence, or nearly (rapidfuzz
ratio ≥ 90 once polite particles and spaces are gone), makes the evaluation overstate
what the model knows: `near_copies` finds them, and a test runs it over every file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.nlu.normalise import normalise_as_typed

NONE = "-"
REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DATA = REPO_ROOT / "bench" / "data"
DEV_SPLIT = BENCH_DATA / "nlu_dev.tsv"
HELDOUT = BENCH_DATA / "nlu_heldout.tsv"
BLIND = REPO_ROOT / "tests" / "nlu" / "data" / "blind.tsv"
SHARED_DEV_NAME = Path("shared") / "nlu" / "dev.tsv"

NEAR_COPY_RATIO = 90.0

# Polite particles and fillers that change nothing about what is asked; removed before
# two sentences are compared, so "…ไหมคะ" and "…ไหมครับ" count as the same sentence.
_PARTICLES = (
    "ครับผม", "ครับ", "คับ", "ค้าบ", "คร้าบ", "งับ", "ฮะ", "ค่ะ", "คะ", "ค่า", "ค่ะ", "ค๊ะ", "จ้ะ", "จ้า", "จ๊ะ",
    "นะคะ", "นะครับ", "นะ", "น้า", "เด้อ", "เด้", "เจ้า", "หน่อย", "ด้วย", "จ้ะ", "ป่ะ",
)  # fmt: skip
_PARTICLE_RE = re.compile("|".join(sorted(map(re.escape, set(_PARTICLES)), key=len, reverse=True)))
_NOISE = re.compile(r"[\s\W_]+")


@dataclass(frozen=True, slots=True)
class EvalRow:
    intent: str
    service: str  # NONE when no service is expected
    text: str
    families: tuple[str, ...] = ()
    line: int = 0


def shared_dev_path(start: Path = REPO_ROOT) -> Path:
    """shared/nlu/dev.tsv beside the repo, as in CI; a worktree looks further up."""
    for folder in (start.parent, *start.parent.parents):
        candidate = folder / SHARED_DEV_NAME
        if candidate.exists():
            return candidate
    return start.parent / SHARED_DEV_NAME


def evaluation_files() -> list[Path]:
    """Every labelled file the NLU is judged on (the development split included)."""
    files = sorted(BENCH_DATA.glob("*.tsv"))
    return [*files, BLIND, shared_dev_path()]


def read_rows(path: Path) -> list[EvalRow]:
    """Rows of an evaluation TSV (see the module docstring). Raises OSError / UnicodeError."""
    lines = path.read_text(encoding="utf-8").splitlines()
    columns = ["intent", "service", "text"]
    start = 0
    if lines and lines[0].split("\t")[:2] == ["intent", "service"]:
        columns = [c.strip() for c in lines[0].split("\t")]
        start = 1
    text_at = columns.index("text") if "text" in columns else 2
    family_at = columns.index("family") if "family" in columns else -1
    rows: list[EvalRow] = []
    for line_no, line in enumerate(lines[start:], start=start + 1):
        parts = line.split("\t")
        if len(parts) < 3 or not line.strip() or line.startswith("#"):
            continue
        if text_at == len(columns) - 1:
            text = "\t".join(parts[text_at:])  # a tab inside the text belongs to it
        else:
            text = parts[text_at] if text_at < len(parts) else ""
        families: tuple[str, ...] = ()
        if 0 <= family_at < len(parts):
            families = tuple(f.strip() for f in parts[family_at].split(",") if f.strip())
        service = parts[1].strip() or NONE
        rows.append(EvalRow(parts[0].strip(), service, text, families, line_no))
    return rows


def comparable(text: str) -> str:
    """The sentence as compared for copies: normalised as typed (romanised Thai is not
    turned into Thai: "bia kon kae" is not a copy of "เบี้ยคนแก่"), without polite
    particles and spaces."""
    return _NOISE.sub("", _PARTICLE_RE.sub("", normalise_as_typed(text)))


@dataclass(frozen=True, slots=True)
class NearCopy:
    text: str  # the evaluation sentence
    training_text: str
    score: float


def near_copies(
    training_texts: Iterable[str], texts: Sequence[str], threshold: float = NEAR_COPY_RATIO
) -> list[NearCopy]:
    """Sentences of `texts` that are (nearly) a training sentence: ratio ≥ `threshold`.

    Very short sentences ("ป้าย", "hi") are compared exactly only: a ratio between two
    three-letter strings says nothing about copying.
    """
    train = list(dict.fromkeys(training_texts))
    train_keys = [comparable(t) for t in train]
    exact = {k: t for k, t in zip(train_keys, train, strict=True) if k}
    found: list[NearCopy] = []
    for text in texts:
        key = comparable(text)
        if not key:
            continue
        if key in exact:
            found.append(NearCopy(text, exact[key], 100.0))
            continue
        if len(key) < 6:
            continue
        hit = process.extractOne(key, train_keys, scorer=fuzz.ratio, score_cutoff=threshold)
        if hit is not None:
            found.append(NearCopy(text, train[hit[2]], float(hit[1])))
    return found
