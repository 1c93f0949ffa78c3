"""NLU benchmark: start-up cost, per-utterance latency on one core, accuracy.

    python bench/nlu.py [--knowledge DIR] [--rounds 5]

Latency is measured per `parse()` call after one warm-up pass, with the process pinned
to one CPU and BLAS limited to one thread. The normaliser's small LRU cache would make
repeated texts look free, so it is cleared before every round.
"""

from __future__ import annotations

import os

# One core, one BLAS thread: set before numpy is imported anywhere.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
HELDOUT = REPO / "bench" / "data" / "nlu_heldout.tsv"
DEV = REPO.parent / "shared" / "nlu" / "dev.tsv"  # shared/ sits beside the repo


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", help="knowledge folder (default: $KNOWLEDGE_DIR or tha_cha_lung)")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over each file (default 5)")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    t0 = time.perf_counter()
    from bot.nlu import NluPipeline
    from bot.nlu.cli import read_tsv, run_eval
    from bot.nlu.data import load_training_data
    from bot.nlu.normalise import clean, normalise

    t1 = time.perf_counter()
    data = load_training_data(args.knowledge)
    t2 = time.perf_counter()
    pipeline = NluPipeline.train(data.examples, data.services, data.faq)
    t3 = time.perf_counter()
    again = NluPipeline.train(data.examples, data.services, data.faq)  # a knowledge reload
    t4 = time.perf_counter()
    del again
    out = sys.stdout.write
    out(
        f"training data: {pipeline.stats.examples} examples, {pipeline.stats.services} services "
        f"({pipeline.stats.service_names} names), {pipeline.stats.faq_entries} FAQ, "
        f"{pipeline.stats.features} features\n"
    )
    out(
        f"import {t1 - t0:.3f} s | read knowledge {t2 - t1:.3f} s | train {t3 - t2:.3f} s "
        f"(retrain on reload {t4 - t3:.3f} s) | total start-up {t3 - t0:.3f} s\n\n"
    )

    for path in (HELDOUT, DEV):
        if not path.exists():
            out(f"{path}: missing, skipped\n")
            continue
        rows = read_tsv(path)
        texts = [text for _, _, text in rows]
        for text in texts:  # warm-up
            pipeline.parse(text)
        timings: list[float] = []
        for _ in range(args.rounds):
            normalise.cache_clear()
            clean.cache_clear()
            for text in texts:
                started = time.perf_counter()
                pipeline.parse(text)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        report = run_eval(pipeline, rows)
        precision, recall, f1 = report.unknown_prf()
        out(f"{path.name} ({len(rows)} utterances × {args.rounds} rounds)\n")
        out(
            f"  latency ms: median {statistics.median(timings):.3f}  p95 {_percentile(timings, 0.95):.3f}  "
            f"p99 {_percentile(timings, 0.99):.3f}  max {timings[-1]:.3f}\n"
        )
        out(
            f"  intent accuracy {report.intent_accuracy:.4f}  "
            f"service accuracy {report.service_accuracy:.4f}  "
            f"unknown P/R/F1 {precision:.3f}/{recall:.3f}/{f1:.3f}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
