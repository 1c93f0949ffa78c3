"""NLU benchmark: start-up cost, per-utterance latency on one core, accuracy on every set.

    python bench/nlu.py [--knowledge DIR] [--rounds 5]     # the figures
    python bench/nlu.py --tune                             # thresholds, on the development split only

Latency is measured per `parse()` call after one warm-up pass, with the process pinned
to one CPU and BLAS limited to one thread. The normaliser's small LRU cache would make
repeated texts look free, so it is cleared before every round.

Sets: the held-out set (bench/data/nlu_heldout.tsv, written apart from the training data,
never tuned on) with its per-family table, the development split (bench/data/nlu_dev.tsv,
what thresholds are tuned on), and the other independent files.
"""

from __future__ import annotations

import os

# One core, one BLAS thread: set before numpy is imported anywhere.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import itertools  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from bot.nlu import NluPipeline
    from bot.nlu.evalsets import EvalRow

# Targets of issue 16, printed beside the figures.
TARGET_INTENT = 0.98
TARGET_SERVICE_NAMED = 0.99
TARGET_UNKNOWN_F1 = 0.95
TARGET_FAMILY = 0.95
TARGET_MS = 1.0

# The grid `--tune` searches (on the development split only).
TUNE_GRID: dict[str, tuple[float, ...]] = {
    "intent_min": (0.25, 0.30, 0.35),
    "service_min": (0.25, 0.30, 0.35, 0.40),
    "service_vs_none": (0.4, 0.5, 0.6, 0.8, 1.0),
    "on_topic_service": (0.5, 0.6),
}


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def _mark(value: float, target: float, lower_is_better: bool = False) -> str:
    met = value <= target if lower_is_better else value >= target
    return f"(target {'<' if lower_is_better else '≥'} {target:g}: {'met' if met else 'NOT met'})"


def _latency(pipeline: NluPipeline, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Per-parse wall-clock and CPU milliseconds, each sorted. CPU time is what this process
    itself spent, so it stays meaningful on a machine shared with other work."""
    from bot.nlu.normalise import clean, normalise

    for text in texts:  # warm-up
        pipeline.parse(text)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        normalise.cache_clear()
        clean.cache_clear()
        for text in texts:
            started, started_cpu = time.perf_counter(), time.thread_time()
            pipeline.parse(text)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return sorted(wall), sorted(cpu)


def tune(pipeline: NluPipeline, rows: list[EvalRow]) -> None:
    """Grid-search the thresholds on the development split; print the best few."""
    from bot.nlu.report import run_eval

    base = pipeline.thresholds
    results = []
    names = list(TUNE_GRID)
    for values in itertools.product(*(TUNE_GRID[n] for n in names)):
        pipeline.thresholds = dataclasses.replace(base, **dict(zip(names, values, strict=True)))
        report = run_eval(pipeline, rows)
        f1 = report.unknown_prf()[2]
        results.append((report.accuracy + 0.2 * f1, report.accuracy, report.intent_accuracy, f1, values))
    pipeline.thresholds = base
    results.sort(key=lambda r: r[0], reverse=True)
    out = sys.stdout.write
    out(f"tuning on the development split ({len(rows)} rows); best first:\n")
    for _, accuracy, intent, f1, values in results[:8]:
        settings = ", ".join(f"{n}={v:g}" for n, v in zip(names, values, strict=True))
        out(f"  both right {accuracy:.4f}  intent {intent:.4f}  unknown F1 {f1:.4f}  | {settings}\n")
    current = ", ".join(f"{n}={getattr(base, n):g}" for n in names)
    out(f"current: {current}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--knowledge", help="knowledge folder (default: $KNOWLEDGE_DIR or tha_cha_lung)")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over each file (default 5)")
    parser.add_argument("--tune", action="store_true", help="grid-search thresholds on the development split")
    parser.add_argument("--errors", type=int, default=0, help="list this many held-out errors (default 0)")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    t0, c0 = time.perf_counter(), time.process_time()
    from bot.nlu import NluPipeline
    from bot.nlu.data import load_training_data
    from bot.nlu.evalsets import DEV_SPLIT, HELDOUT, evaluation_files, read_rows
    from bot.nlu.report import format_confusion, format_errors, format_families, format_summary, run_eval

    t1 = time.perf_counter()
    data = load_training_data(args.knowledge)
    t2 = time.perf_counter()
    pipeline = NluPipeline.train(data.examples, data.services, data.faq)
    t3, c3 = time.perf_counter(), time.process_time()
    out = sys.stdout.write
    if args.tune:
        tune(pipeline, read_rows(DEV_SPLIT))
        return 0
    again = NluPipeline.train(data.examples, data.services, data.faq)  # a knowledge reload
    t4 = time.perf_counter()
    del again
    out(
        f"training data: {pipeline.stats.examples} examples, {pipeline.stats.services} services "
        f"({pipeline.stats.service_names} names), {pipeline.stats.faq_entries} FAQ, "
        f"{pipeline.stats.features} features\n"
    )
    out(
        f"import {t1 - t0:.3f} s | read knowledge {t2 - t1:.3f} s | train {t3 - t2:.3f} s "
        f"(retrain on reload {t4 - t3:.3f} s) | total start-up {t3 - t0:.3f} s "
        f"(CPU {c3 - c0:.3f} s; load average {os.getloadavg()[0]:.1f})\n\n"
    )

    others = [p for p in evaluation_files() if p not in (HELDOUT, DEV_SPLIT)]
    for path in (HELDOUT, DEV_SPLIT, *others):
        if not path.exists():
            out(f"{path}: missing, skipped\n\n")
            continue
        rows = read_rows(path)
        timings, cpu = _latency(pipeline, [r.text for r in rows], args.rounds)
        report = run_eval(pipeline, rows)
        role = {HELDOUT: "held-out", DEV_SPLIT: "development split (thresholds tuned here)"}.get(path, "independent")
        out(f"== {path.name}: {role}; {len(rows)} utterances × {args.rounds} rounds\n")
        median, median_cpu = statistics.median(timings), statistics.median(cpu)
        out(
            f"latency ms/utterance (one core): median {median:.3f}  p95 {_percentile(timings, 0.95):.3f}  "
            f"p99 {_percentile(timings, 0.99):.3f}  max {timings[-1]:.3f}\n"
            f"  CPU ms/utterance: median {median_cpu:.3f}  p95 {_percentile(cpu, 0.95):.3f}  "
            f"{_mark(median_cpu, TARGET_MS, True)}\n"
        )
        out(format_summary(report))
        if path == HELDOUT:
            f1 = report.unknown_prf()[2]
            out(
                f"targets: intent {_mark(report.intent_accuracy, TARGET_INTENT)}; service on rows naming one "
                f"{_mark(report.service_accuracy_named, TARGET_SERVICE_NAMED)}; unknown F1 "
                f"{_mark(f1, TARGET_UNKNOWN_F1)}\n"
            )
            below = [n for n, s in sorted(report.families.items()) if s.accuracy < TARGET_FAMILY]
            out(f"families below {TARGET_FAMILY:g}: {', '.join(below) if below else 'none'}\n\n")
            out(format_families(report) + "\n")
            out(format_confusion(report))
            if args.errors:
                out(format_errors(report, args.errors))
        out("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
