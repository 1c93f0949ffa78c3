"""FAQ retrieval: cosine similarity between the message and each FAQ entry's example questions.

Same word + character n-gram TF-IDF as the classifier, but with its own vocabulary and
IDF fitted on the FAQ questions, so words that distinguish one FAQ from another weigh most.
The question matrix is tiny (tens of questions), kept dense and transposed so scoring a
message is one row gather and one dot product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.nlu.classifier import FloatArray, Vectoriser, featurise
from bot.nlu.normalise import normalise
from bot.nlu.tokenise import Tokeniser
from knowledge.schema import FaqEntry

# Service agreement adjusts the cosine: an FAQ about the service the message names is
# likelier, one about another service much less, and a service-specific FAQ matched by a
# message that names no service only on strong wording overlap.
SAME_SERVICE_FACTOR = 1.15
OTHER_SERVICE_FACTOR = 0.6
NO_SERVICE_FACTOR = 0.85


@dataclass(frozen=True, slots=True)
class FaqHit:
    faq_id: str
    score: float


class FaqMatcher:
    def __init__(self, entries: Sequence[FaqEntry], tokeniser: Tokeniser) -> None:
        self._ids: list[str] = []
        self._services: list[str | None] = []
        # a phrasing staff listed word for word (e.g. added from the console's unanswered questions)
        self._verbatim: dict[str, str] = {}
        docs = []
        for entry in entries:
            for question in entry.questions:
                self._verbatim.setdefault(normalise(question), entry.id)
                docs.append(featurise(tokeniser.tokens(normalise(question)), tokeniser))
                self._ids.append(entry.id)
                self._services.append(entry.service)
        self._service_of = np.array(self._services, dtype=object)
        self._vec = Vectoriser()
        self._matrix_t: FloatArray = np.zeros((0, 0))
        if not docs:
            return
        self._vec.fit(docs)
        dense = np.zeros((len(self._vec.vocab), len(docs)))
        for j, doc in enumerate(docs):
            idx, vals = self._vec.transform(doc)
            v = np.asarray(vals)
            dense[idx, j] = v / np.linalg.norm(v)
        self._matrix_t = dense

    def verbatim(self, normalized: str) -> str | None:
        """The FAQ whose questions list exactly this (normalised) message, if any."""
        return self._verbatim.get(normalized)

    def __len__(self) -> int:
        return len(set(self._ids))

    def best(self, doc: tuple[list[str], list[str]], service: str | None = None) -> FaqHit | None:
        """The best-matching FAQ entry for an already featurised message, or None."""
        if not self._ids:
            return None
        idx, vals = self._vec.transform(doc)
        if not idx:
            return None
        v = np.asarray(vals)
        sims = (v / np.linalg.norm(v)) @ self._matrix_t[np.asarray(idx)]
        generic = np.equal(self._service_of, None)
        if service is None:
            sims = np.where(generic, sims, sims * NO_SERVICE_FACTOR)
        else:
            same = np.equal(self._service_of, service)
            sims = np.where(
                generic,
                sims,
                np.where(same, np.minimum(1.0, sims * SAME_SERVICE_FACTOR), sims * OTHER_SERVICE_FACTOR),
            )
        j = int(np.argmax(sims))
        return FaqHit(self._ids[j], float(sims[j]))
