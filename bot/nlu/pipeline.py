"""The NLU pipeline: clean → entities → normalise → tokenise → classify intent and service → FAQ.

Trained at start-up (and on every knowledge reload) from the example sentences in
knowledge/…/nlu/*.yaml, the services' names and the FAQ questions; a trained pipeline
is immutable, so the bot can swap in a retrained one while requests are being parsed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.nlu.classifier import LinearModel, Vectoriser, featurise, sparse_rows
from bot.nlu.data import ServiceLike
from bot.nlu.entities import Entities, extract_entities, mask_for_classifier
from bot.nlu.faq import FaqMatcher
from bot.nlu.normalise import clean, normalise
from bot.nlu.service_match import ServiceMatcher, service_names
from bot.nlu.tokenise import Tokeniser
from core.intents import INTENTS_IN_ORDER as INTENTS
from knowledge.schema import FaqEntry, NluExample

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
NO_SERVICE = "-"
# Intents about the conversation itself: a service named in passing is not their subject.
NO_SERVICE_INTENTS = frozenset({"greeting", "thanks", "help", "list_services", "cancel", UNKNOWN})

EMPTY_ENTITIES = Entities()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds, tuned on the development split bench/data/nlu_dev.tsv only
    (`python bench/nlu.py --tune`); the held-out set never takes part."""

    intent_min: float = 0.30  # below: the message is "unknown" (the unknown class does most of the work)
    coverage_min: float = 0.15  # share of known char n-grams; below: gibberish
    service_min: float = 0.35  # combined service evidence needed to name a service
    # …and it must reach this share of the "no service" probability: most status, payment
    # and apply examples name no service, so "no service" is strong even when one is named.
    service_vs_none: float = 0.8
    # A service card without a service answers nothing: "เรื่องใบอนุญาตหน่อย" is better met
    # with "did you mean …" and the likely services, unless the model is this sure.
    card_without_service_min: float = 0.65
    faq_min: float = 0.60  # (service-adjusted) cosine similarity needed to offer an FAQ answer
    on_topic_service: float = 0.50  # service probability that makes a message on-topic
    fuzzy_below: float = 0.75  # try typo-tolerant name matching only when the service model is less sure


# L2 strength of the two softmax regressions (per-sample mean loss). Weaker than usual:
# stronger values spread probability thinly and under-state confidence (at 1e-4, answers
# given with 0.4-0.6 confidence were 98 % right); accuracy is the same from 1e-4 to 1e-5.
L2_INTENT = 3e-5
L2_SERVICE = 1e-4
# Bigrams and char n-grams seen in a single training sentence mostly memorise that
# sentence; dropping them halves the model (and its training time) at no accuracy cost.
MIN_DF = 2


@dataclass(frozen=True, slots=True)
class Scored:
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class Alternatives:
    """Runner-up readings, best first, so the dialog can ask "did you mean …?"."""

    intents: tuple[Scored, ...] = ()
    services: tuple[Scored, ...] = ()


@dataclass(frozen=True, slots=True, repr=False)
class NluResult:
    text: str
    normalized: str
    intent: str
    service: str | None
    confidence: float
    service_confidence: float
    entities: Entities = EMPTY_ENTITIES
    alternatives: Alternatives = field(default_factory=Alternatives)
    faq_id: str | None = None
    faq_score: float = 0.0

    def __repr__(self) -> str:
        # Results end up in logs and tracebacks: never show an ID or phone number there.
        shown = redact(self.text, self.entities) if self.entities else self.text
        return (
            f"NluResult(intent={self.intent!r}, service={self.service!r}, confidence={self.confidence:.3f}, "
            f"faq_id={self.faq_id!r}, text={shown!r})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; national IDs and phone numbers are masked, in the text too."""
        private = self.entities.national_ids + self.entities.phones
        text, normalized = self.text, self.normalized
        if private:
            text = redact(self.text, self.entities)
            normalized = normalise(text)
        return {
            "text": text,
            "normalized": normalized,
            "intent": self.intent,
            "service": self.service,
            "confidence": round(self.confidence, 4),
            "service_confidence": round(self.service_confidence, 4),
            "entities": self.entities.safe_dict() if self.entities else {},
            "alternatives": {
                "intents": [[s.label, round(s.score, 4)] for s in self.alternatives.intents],
                "services": [[s.label, round(s.score, 4)] for s in self.alternatives.services],
            },
            "faq_id": self.faq_id,
            "faq_score": round(self.faq_score, 4),
        }


@dataclass(frozen=True, slots=True)
class _Analysis:
    cleaned: str
    normalized: str
    entities: Entities
    doc: tuple[list[str], list[str]]


@dataclass(frozen=True, slots=True)
class TrainingStats:
    examples: int
    services: int
    service_names: int
    faq_entries: int
    features: int
    seconds: float


class NluPipeline:
    """Use `NluPipeline.train(...)` or `pipeline_from_snapshot(...)`; then `parse(text)`."""

    def __init__(
        self,
        *,
        tokeniser: Tokeniser,
        vectoriser: Vectoriser,
        intent_model: LinearModel,
        service_model: LinearModel,
        matcher: ServiceMatcher,
        faq: FaqMatcher,
        thresholds: Thresholds,
        stats: TrainingStats,
    ) -> None:
        self.tokeniser = tokeniser
        self.vectoriser = vectoriser
        self.intent_model = intent_model
        self.service_model = service_model
        self.matcher = matcher
        self.faq = faq
        self.thresholds = thresholds
        self.stats = stats
        self._svc_labels = service_model.labels
        self._none_col = self._svc_labels.index(NO_SERVICE) if NO_SERVICE in self._svc_labels else -1

    # --- training ----------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        examples: Sequence[NluExample],
        services: Sequence[ServiceLike],
        faq: Sequence[FaqEntry] = (),
        *,
        thresholds: Thresholds | None = None,
    ) -> NluPipeline:
        started = time.perf_counter()
        service_ids = {s.id for s in services}
        kept: list[NluExample] = []
        for ex in examples:
            if ex.intent not in INTENTS:
                log.warning("NLU: example %r has unknown intent %r; skipped", ex.text, ex.intent)
                continue
            if ex.service is not None and services and ex.service not in service_ids:
                log.warning("NLU: example %r names unknown service %r; service ignored", ex.text, ex.service)
                ex = NluExample(text=ex.text, intent=ex.intent)
            kept.append(ex)
        if not kept:
            raise ValueError("no NLU training examples")

        names = service_names(services)
        tokeniser = Tokeniser(extra_words=[name for _, name in names])
        docs = [_analyse(tokeniser, ex.text).doc for ex in kept]
        name_docs = [_analyse(tokeniser, name).doc for _, name in names]
        vectoriser = Vectoriser()
        vectoriser.fit(docs + name_docs, min_df=MIN_DF)
        x = sparse_rows([vectoriser.transform(d) for d in docs + name_docs], len(vectoriser.vocab))

        intent_model = LinearModel.fit(x[: len(kept)], [ex.intent for ex in kept], l2=L2_INTENT)
        # The service model also learns from every service name: a name is the clearest
        # example of its service, and aliases are what staff add first.
        service_labels = [ex.service or NO_SERVICE for ex in kept] + [sid for sid, _ in names]
        service_model = LinearModel.fit(x, service_labels, l2=L2_SERVICE)

        faq_matcher = FaqMatcher(faq, tokeniser)
        stats = TrainingStats(
            examples=len(kept),
            services=len(services),
            service_names=len(names),
            faq_entries=len(faq_matcher),
            features=len(vectoriser.vocab),
            seconds=time.perf_counter() - started,
        )
        log.info("NLU trained: %s", stats)
        return cls(
            tokeniser=tokeniser,
            vectoriser=vectoriser,
            intent_model=intent_model,
            service_model=service_model,
            matcher=ServiceMatcher(names),
            faq=faq_matcher,
            thresholds=thresholds or Thresholds(),
            stats=stats,
        )

    # --- parsing -----------------------------------------------------------------------

    def parse(self, text: str, *, today: dt.date | None = None) -> NluResult:
        a = _analyse(self.tokeniser, text, today)
        if not a.normalized:
            return NluResult(
                text=text,
                normalized="",
                intent=UNKNOWN,
                service=None,
                confidence=1.0,
                service_confidence=0.0,
                entities=a.entities,
            )
        th = self.thresholds
        idx, vals = self.vectoriser.transform(a.doc)
        p_int = self.intent_model.proba(idx, vals)
        p_svc = self.service_model.proba(idx, vals)

        # --- service: exact name > classifier; fuzzy names only when the classifier hesitates
        compact = a.normalized.replace(" ", "")
        none_p = float(p_svc[self._none_col]) if self._none_col >= 0 else 0.0
        evidence, exact = self.matcher.scores_exact(compact)
        best_clf = (
            float(np.max(np.delete(p_svc, self._none_col))) if self._none_col >= 0 else float(p_svc.max())
        )
        if not exact and max(best_clf, none_p) < th.fuzzy_below:
            evidence, _ = self.matcher.scores_fuzzy(compact)
        combined: dict[str, float] = {}
        for col, label in enumerate(self._svc_labels):
            if label != NO_SERVICE:
                combined[label] = max(float(p_svc[col]), evidence.get(label, 0.0))
        ranked_services = sorted(combined.items(), key=lambda kv: kv[1], reverse=True)
        service: str | None = None
        service_conf = 0.0
        if ranked_services:
            best_service, best_score = ranked_services[0]
            if exact or (best_score >= th.service_min and best_score >= th.service_vs_none * none_p):
                service, service_conf = best_service, best_score

        # --- intent: classifier, with a floor below which the message is off-topic
        order = np.argsort(-p_int)
        intent = self.intent_model.labels[int(order[0])]
        confidence = float(p_int[order[0]])
        coverage = self.vectoriser.coverage(a.doc)
        if intent != UNKNOWN and (confidence < th.intent_min or (coverage < th.coverage_min and not exact)):
            intent, confidence = UNKNOWN, 1.0 - confidence
        if intent == UNKNOWN and (exact or best_clf >= th.on_topic_service):
            # A message clearly about a service (an exact name, or a confident service
            # classifier) is on-topic even when the wording around it is new: take the best
            # other intent, or show the service card.
            second = next(int(i) for i in order if self.intent_model.labels[int(i)] != UNKNOWN)
            p2 = float(p_int[second])
            intent, confidence = (
                (self.intent_model.labels[second], p2) if p2 >= th.intent_min else ("service_info", p2)
            )
        if intent == "service_info" and service is None and confidence < th.card_without_service_min:
            intent, confidence = UNKNOWN, 1.0 - confidence
        if intent in NO_SERVICE_INTENTS:
            service, service_conf = None, 0.0

        alternatives = Alternatives(
            intents=tuple(Scored(self.intent_model.labels[int(i)], float(p_int[i])) for i in order[:3]),
            services=tuple(Scored(s, v) for s, v in ranked_services[:3]),
        )
        faq_id, faq_score = None, 0.0
        hit = self.faq.best(a.doc, service)
        if hit is not None and hit.score >= th.faq_min and intent != UNKNOWN:
            faq_id, faq_score = hit.faq_id, hit.score
        verbatim = self.faq.verbatim(a.normalized)
        if verbatim is not None:  # staff listed these very words under an FAQ: trust them over the classifier
            faq_id, faq_score = verbatim, 1.0
        return NluResult(
            text=text,
            normalized=a.normalized,
            intent=intent,
            service=service,
            confidence=confidence,
            service_confidence=service_conf,
            entities=a.entities,
            alternatives=alternatives,
            faq_id=faq_id,
            faq_score=faq_score,
        )


def redact(text: str, entities: Entities) -> str:
    """`text` (cleaned) with national IDs and phone numbers replaced by their masked form."""
    cleaned = clean(text)
    spans = sorted((e.start, e.end, e.masked) for e in (*entities.national_ids, *entities.phones))
    out, last = [], 0
    for start, end, masked in spans:
        out += [cleaned[last:start], masked]
        last = end
    return "".join([*out, cleaned[last:]])


def _analyse(tokeniser: Tokeniser, text: str, today: dt.date | None = None) -> _Analysis:
    """Shared by training and parsing, so both see exactly the same features."""
    cleaned = clean(text)
    entities = extract_entities(cleaned, today, cleaned=True) if cleaned else EMPTY_ENTITIES
    normalized = normalise(cleaned)
    masked = mask_for_classifier(cleaned, entities) if entities else cleaned
    feature_text = normalized if masked is cleaned else normalise(masked)
    return _Analysis(cleaned, normalized, entities, featurise(tokeniser.tokens(feature_text), tokeniser))
