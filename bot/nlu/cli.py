"""`python -m bot nlu` — classify messages, or evaluate on a labelled TSV.

    python -m bot nlu                       # stdin -> one JSON object per line (streaming)
    python -m bot nlu --eval FILE.tsv       # accuracy report (columns: intent, service, text)
    python -m bot nlu --knowledge DIR ...   # train from another knowledge folder
    python -m bot nlu --loader ...          # train from the validated KnowledgeSnapshot

Streaming mode answers each line as soon as it is read and flushes, so it can sit
behind a pipe. An empty line is answered too, as {"intent": "unknown", …, "empty": true},
so the n-th output line always belongs to the n-th input line.
National IDs and phone numbers in the output are masked.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.nlu import NluPipeline, load_pipeline
from bot.nlu.pipeline import INTENTS, UNKNOWN

NONE = "-"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot nlu", description="Thai NLU: classify or evaluate.")
    p.add_argument(
        "--eval", metavar="FILE.tsv", type=Path, help="evaluate on a TSV with intent, service, text"
    )
    p.add_argument(
        "--knowledge", metavar="DIR", help="knowledge folder (default: $KNOWLEDGE_DIR or tha_cha_lung)"
    )
    p.add_argument(
        "--loader",
        action="store_true",
        help="train from the validated knowledge snapshot (slower start) instead of the NLU reader",
    )
    p.add_argument("--errors", type=int, default=200, help="max errors to list in --eval (default 200)")
    p.add_argument("-v", "--verbose", action="store_true", help="log training details to stderr")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    started = time.perf_counter()
    pipeline, source = load_pipeline(args.knowledge, use_loader=args.loader)
    sys.stderr.write(
        f"nlu: trained on {pipeline.stats.examples} examples, {pipeline.stats.services} services, "
        f"{pipeline.stats.faq_entries} FAQ ({source}) in {time.perf_counter() - started:.2f} s\n"
    )
    try:
        if args.eval:
            return evaluate(pipeline, args.eval, sys.stdout, max_errors=args.errors)
        return stream(pipeline, sys.stdin, sys.stdout)
    except BrokenPipeError:  # `… | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def stream(pipeline: NluPipeline, stdin: TextIO, stdout: TextIO) -> int:
    # readline, not iteration: `for line in stdin` may read ahead in blocks and delay answers.
    while True:
        line = stdin.readline()
        if not line:
            return 0
        text = line.rstrip("\r\n")
        if not text.strip():
            out = {"text": text, "intent": UNKNOWN, "service": None, "confidence": 1.0, "empty": True}
        else:
            out = pipeline.parse(text).to_dict()
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()


@dataclass
class EvalReport:
    total: int = 0
    intent_ok: int = 0
    service_ok: int = 0
    service_rows: int = 0  # rows whose gold service is not "-"
    service_ok_on_rows: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[tuple[int, str, str, str, str, str, float]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.total if self.total else 0.0

    @property
    def service_accuracy(self) -> float:
        return self.service_ok / self.total if self.total else 0.0

    def unknown_prf(self) -> tuple[float, float, float]:
        tp = self.confusion[(UNKNOWN, UNKNOWN)]
        predicted = sum(v for (_, p), v in self.confusion.items() if p == UNKNOWN)
        actual = sum(v for (g, _), v in self.confusion.items() if g == UNKNOWN)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def read_tsv(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if i == 0 and parts[:2] == ["intent", "service"]:
            continue
        if len(parts) < 3 or not line.strip():
            continue
        rows.append((parts[0].strip(), parts[1].strip() or NONE, "\t".join(parts[2:])))
    return rows


def run_eval(pipeline: NluPipeline, rows: list[tuple[str, str, str]]) -> EvalReport:
    report = EvalReport()
    for line_no, (gold_intent, gold_service, text) in enumerate(rows, start=2):
        t0 = time.perf_counter()
        result = pipeline.parse(text)
        report.latencies_ms.append((time.perf_counter() - t0) * 1000)
        pred_service = result.service or NONE
        report.total += 1
        report.intent_ok += result.intent == gold_intent
        report.service_ok += pred_service == gold_service
        if gold_service != NONE:
            report.service_rows += 1
            report.service_ok_on_rows += pred_service == gold_service
        report.confusion[(gold_intent, result.intent)] += 1
        if result.intent != gold_intent or pred_service != gold_service:
            report.errors.append(
                (line_no, gold_intent, result.intent, gold_service, pred_service, text, result.confidence)
            )
    return report


def evaluate(pipeline: NluPipeline, path: Path, out: TextIO, max_errors: int = 200) -> int:
    rows = read_tsv(path)
    if not rows:
        out.write(f"no rows in {path}\n")
        return 1
    report = run_eval(pipeline, rows)
    p, r, f1 = report.unknown_prf()
    svc_rows = report.service_ok_on_rows / report.service_rows if report.service_rows else 0.0
    out.write(f"file: {path}  ({report.total} utterances)\n")
    out.write(f"intent accuracy:   {report.intent_accuracy:.4f}  ({report.intent_ok}/{report.total})\n")
    out.write(
        f"service accuracy:  {report.service_accuracy:.4f}  ({report.service_ok}/{report.total}, "
        f"'-' must be predicted as no service)\n"
    )
    out.write(
        f"  on rows naming a service: {svc_rows:.4f}  ({report.service_ok_on_rows}/{report.service_rows})\n"
    )
    out.write(f"unknown detection: precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}\n\n")
    out.write(format_confusion(report.confusion))
    out.write(f"\nerrors ({len(report.errors)}):\n")
    for line_no, gi, pi, gs, ps, text, conf in report.errors[:max_errors]:
        what = []
        if gi != pi:
            what.append(f"intent {gi} -> {pi} ({conf:.2f})")
        if gs != ps:
            what.append(f"service {gs} -> {ps}")
        out.write(f"  line {line_no}: {'; '.join(what)}  | {text}\n")
    out.flush()
    return 0


def format_confusion(confusion: Counter[tuple[str, str]]) -> str:
    """Rows = gold intent, columns = predicted (abbreviated), counts; '.' for zero."""
    labels = [i for i in INTENTS if any(i in pair for pair in confusion)]
    labels += sorted({x for pair in confusion for x in pair} - set(labels))
    abbrev = {lab: lab[:5] for lab in labels}
    width = max(len(lab) for lab in labels)
    lines = [
        "confusion (rows: gold intent, columns: predicted):",
        " " * (width + 1) + " ".join(f"{abbrev[c]:>5}" for c in labels),
    ]
    for g in labels:
        cells = " ".join(f"{confusion[(g, c)] or '.':>5}" for c in labels)
        lines.append(f"{g:<{width}} {cells}")
    return "\n".join(lines) + "\n"
