"""Service names found in the text: exact alias hits, then typo-tolerant fuzzy hits.

Works on compact normalised text (no spaces), because citizens space Thai words
arbitrarily ("ภาษี ป้าย", "ภาษีป้าย"). Names are the service's aliases, short name and
title from the knowledge files, so staff teach the bot a new name by adding an alias.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.nlu.normalise import compact

# A fuzzy hit must be this similar (0-100) to count; below it Thai words that merely share
# syllables ("ภาษีบ้าน" / "ภาษีป้าย") start to collide.
FUZZY_CUTOFF = 88.0
# Names shorter than this are matched exactly only: a typo in a 4-letter word is another word.
FUZZY_MIN_LEN = 6


@dataclass(frozen=True, slots=True)
class NameHit:
    service: str
    name: str
    score: float  # 1.0 exact, else fuzzy similarity 0..1
    start: int = -1  # in the compact text; -1 for fuzzy hits


class ServiceMatcher:
    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """`names`: (service_id, name) pairs; a name claimed by two services is dropped."""
        owner: dict[str, str | None] = {}
        for service, name in names:
            key = compact(name)
            if len(key) < 2:
                continue
            owner[key] = service if owner.get(key, service) == service else None
        self._names: dict[str, str] = {k: v for k, v in owner.items() if v is not None}
        # Longest first: the most specific name wins when names nest.
        self._ordered: list[str] = sorted(self._names, key=len, reverse=True)
        self._fuzzy_choices: list[str] = [n for n in self._ordered if len(n) >= FUZZY_MIN_LEN]

    @property
    def names(self) -> dict[str, str]:
        return dict(self._names)

    def exact(self, text: str) -> list[NameHit]:
        """Names occurring in `text` (compact), dropping those nested in a longer hit."""
        hits: list[NameHit] = []
        covered: list[tuple[int, int]] = []
        for name in self._ordered:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(s <= start and end <= e for s, e in covered):
                    hits.append(NameHit(self._names[name], name, 1.0, start))
                    covered.append((start, end))
                start = text.find(name, start + 1)
        return hits

    def fuzzy(self, text: str, limit: int = 5) -> list[NameHit]:
        """Names that appear in `text` with a typo or two (partial alignment)."""
        if len(text) < FUZZY_MIN_LEN - 1:
            return []
        # Only names no longer than the text: otherwise a fragment like "ภาษี" would
        # "contain-match" every tax name.
        choices = [n for n in self._fuzzy_choices if len(n) <= len(text) + 1]
        if not choices:
            return []
        found = process.extract(
            text, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=limit
        )
        return [NameHit(self._names[name], name, score / 100.0) for name, score, _ in found]

    def scores_exact(self, text: str) -> tuple[dict[str, float], bool]:
        """Best exact-name evidence per service (0.85..1) and whether there was any.

        Weighted by name length so that, in a long message naming two services, the more
        specific (longer) name wins.
        """
        exact = self.exact(text)
        if not exact:
            return {}, False
        longest = max(len(h.name) for h in exact)
        best: dict[str, float] = {}
        for h in exact:
            best[h.service] = max(best.get(h.service, 0.0), 0.85 + 0.15 * len(h.name) / longest)
        return best, True

    def scores_fuzzy(self, text: str) -> tuple[dict[str, float], bool]:
        """Best fuzzy evidence per service, discounted (×0.9) below any exact hit."""
        best: dict[str, float] = {}
        for h in self.fuzzy(text):
            best[h.service] = max(best.get(h.service, 0.0), h.score * 0.9)
        return best, False


def service_names(services: Sequence[object]) -> list[tuple[str, str]]:
    """(service_id, name) for each alias, short name and title of `services`."""
    pairs: list[tuple[str, str]] = []
    for s in services:
        sid: str = s.id  # type: ignore[attr-defined]
        pairs.append((sid, s.title))  # type: ignore[attr-defined]
        pairs.append((sid, s.short_name))  # type: ignore[attr-defined]
        pairs.extend((sid, a) for a in s.aliases)  # type: ignore[attr-defined]
    return pairs
