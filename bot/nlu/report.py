"""Accuracy reports on a labelled file: what `python -m bot nlu --eval` and bench/nlu.py print.

A row is right when both its intent and its service are right (a row with service `-`
must get no service). Service accuracy is reported separately on the rows that name a
service and on the rows where none is expected, because the second is easy to inflate:
a model that never names a service gets every one of them right.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from bot.nlu.evalsets import NONE, EvalRow
from bot.nlu.pipeline import INTENTS, UNKNOWN, NluPipeline

ALL = "(all)"


@dataclass(frozen=True, slots=True)
class EvalError:
    line: int
    gold_intent: str
    intent: str
    gold_service: str
    service: str
    text: str
    confidence: float
    families: tuple[str, ...]


@dataclass
class FamilyScore:
    rows: int = 0
    intent_ok: int = 0
    right: int = 0  # intent and service both right

    @property
    def accuracy(self) -> float:
        return self.right / self.rows if self.rows else 0.0

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.rows if self.rows else 0.0


@dataclass
class EvalReport:
    total: int = 0
    intent_ok: int = 0
    service_ok: int = 0
    right: int = 0
    service_rows: int = 0  # rows whose gold service is not "-"
    service_ok_on_rows: int = 0
    no_service_rows: int = 0
    no_service_ok: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    families: dict[str, FamilyScore] = field(default_factory=dict)
    errors: list[EvalError] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.total if self.total else 0.0

    @property
    def service_accuracy(self) -> float:
        return self.service_ok / self.total if self.total else 0.0

    @property
    def accuracy(self) -> float:
        """Share of rows with intent and service both right."""
        return self.right / self.total if self.total else 0.0

    @property
    def service_accuracy_named(self) -> float:
        return self.service_ok_on_rows / self.service_rows if self.service_rows else 0.0

    @property
    def service_accuracy_none(self) -> float:
        return self.no_service_ok / self.no_service_rows if self.no_service_rows else 0.0

    def unknown_prf(self) -> tuple[float, float, float]:
        tp = self.confusion[(UNKNOWN, UNKNOWN)]
        predicted = sum(v for (_, p), v in self.confusion.items() if p == UNKNOWN)
        actual = sum(v for (g, _), v in self.confusion.items() if g == UNKNOWN)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def intent_recall(self, intent: str) -> float:
        gold = sum(v for (g, _), v in self.confusion.items() if g == intent)
        return self.confusion[(intent, intent)] / gold if gold else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


def run_eval(pipeline: NluPipeline, rows: Sequence[EvalRow]) -> EvalReport:
    report = EvalReport()
    for row in rows:
        started = time.perf_counter()
        result = pipeline.parse(row.text)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        service = result.service or NONE
        intent_ok = result.intent == row.intent
        service_ok = service == row.service
        report.total += 1
        report.intent_ok += intent_ok
        report.service_ok += service_ok
        report.right += intent_ok and service_ok
        if row.service != NONE:
            report.service_rows += 1
            report.service_ok_on_rows += service_ok
        else:
            report.no_service_rows += 1
            report.no_service_ok += service_ok
        report.confusion[(row.intent, result.intent)] += 1
        for family in row.families:
            score = report.families.setdefault(family, FamilyScore())
            score.rows += 1
            score.intent_ok += intent_ok
            score.right += intent_ok and service_ok
        if not (intent_ok and service_ok):
            error = EvalError(
                row.line, row.intent, result.intent, row.service, service, row.text, result.confidence, row.families
            )
            report.errors.append(error)
    return report


def format_summary(report: EvalReport) -> str:
    p, r, f1 = report.unknown_prf()
    return (
        f"intent accuracy:   {report.intent_accuracy:.4f}  ({report.intent_ok}/{report.total})\n"
        f"service accuracy on rows naming a service:   {report.service_accuracy_named:.4f}  "
        f"({report.service_ok_on_rows}/{report.service_rows})\n"
        f"service accuracy on rows naming none ('-'):  {report.service_accuracy_none:.4f}  "
        f"({report.no_service_ok}/{report.no_service_rows})\n"
        f"intent and service both right: {report.accuracy:.4f}  ({report.right}/{report.total})\n"
        f"unknown detection: precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}\n"
    )


def format_families(report: EvalReport) -> str:
    if not report.families:
        return ""
    width = max(len(f) for f in report.families)
    lines = [
        "per family (right = intent and service both right):",
        f"  {'family':<{width}} {'rows':>5} {'right':>6} {'intent':>6}",
    ]
    for name in sorted(report.families):
        score = report.families[name]
        lines.append(f"  {name:<{width}} {score.rows:>5} {score.accuracy:>6.3f} {score.intent_accuracy:>6.3f}")
    return "\n".join(lines) + "\n"


def format_confusion(report: EvalReport) -> str:
    """Rows = gold intent, columns = predicted (abbreviated), counts ('.' for zero), then
    each gold intent's recall and each predicted intent's precision."""
    confusion = report.confusion
    labels = [i for i in INTENTS if any(i in pair for pair in confusion)]
    labels += sorted({x for pair in confusion for x in pair} - set(labels))
    width = max(len(lab) for lab in labels)
    lines = [
        "confusion (rows: gold intent, columns: predicted):",
        " " * (width + 1) + " ".join(f"{lab[:5]:>5}" for lab in labels) + "  recall",
    ]
    for g in labels:
        cells = " ".join(f"{confusion[(g, c)] or '.':>5}" for c in labels)
        gold = sum(confusion[(g, c)] for c in labels)
        recall = f"{confusion[(g, g)] / gold:.3f}" if gold else "    -"
        lines.append(f"{g:<{width}} {cells}  {recall}")
    precisions = []
    for c in labels:
        predicted = sum(confusion[(g, c)] for g in labels)
        precisions.append(f"{confusion[(c, c)] / predicted:.2f}" if predicted else "    -")
    lines.append(f"{'precision':<{width}} " + " ".join(f"{p:>5}" for p in precisions))
    return "\n".join(lines) + "\n"


def format_errors(report: EvalReport, limit: int) -> str:
    lines = [f"errors ({len(report.errors)}):"]
    for e in report.errors[:limit]:
        what = []
        if e.gold_intent != e.intent:
            what.append(f"intent {e.gold_intent} -> {e.intent} ({e.confidence:.2f})")
        if e.gold_service != e.service:
            what.append(f"service {e.gold_service} -> {e.service}")
        tags = f" [{','.join(e.families)}]" if e.families else ""
        lines.append(f"  line {e.line}: {'; '.join(what)}{tags}  | {e.text}")
    return "\n".join(lines) + "\n"


def write_report(report: EvalReport, out: TextIO, *, title: str, max_errors: int = 200) -> None:
    out.write(f"file: {title}  ({report.total} utterances)\n")
    out.write(format_summary(report))
    out.write(f"latency: median {report.median_ms:.3f} ms/utterance (this run, not pinned to a core)\n\n")
    families = format_families(report)
    if families:
        out.write(families + "\n")
    out.write(format_confusion(report))
    out.write("\n" + format_errors(report, max_errors))
    out.flush()
