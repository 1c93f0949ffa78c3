"""`python -m bot nlu` — classify messages, or evaluate on a labelled TSV.

    python -m bot nlu                       # stdin -> one JSON object per line (streaming)
    python -m bot nlu --eval FILE.tsv ...   # accuracy report (columns: intent, service, text[, family])
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
from pathlib import Path
from typing import TextIO

from bot.nlu import NluPipeline, load_pipeline
from bot.nlu.evalsets import read_rows
from bot.nlu.pipeline import UNKNOWN
from bot.nlu.report import EvalReport, run_eval, write_report

__all__ = ["EvalReport", "check_readable", "evaluate", "main", "read_tsv", "run_eval", "stream"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot nlu", description="Thai NLU: classify or evaluate.")
    p.add_argument(
        "--eval",
        metavar="FILE.tsv",
        type=Path,
        nargs="+",
        help="evaluate on TSV files with intent, service, text (and optional family) columns",
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
    if args.eval:
        problem = check_readable(args.eval)
        if problem is not None:  # say so before paying for training
            sys.stderr.write(problem + "\n")
            return 2
    started = time.perf_counter()
    pipeline, source = load_pipeline(args.knowledge, use_loader=args.loader)
    sys.stderr.write(
        f"nlu: trained on {pipeline.stats.examples} examples, {pipeline.stats.services} services, "
        f"{pipeline.stats.faq_entries} FAQ ({source}) in {time.perf_counter() - started:.2f} s\n"
    )
    try:
        if args.eval:
            status = 0
            for number, path in enumerate(args.eval):
                if number:
                    sys.stdout.write("\n")
                status = max(status, evaluate(pipeline, path, sys.stdout, max_errors=args.errors))
            return status
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


def read_tsv(path: Path) -> list[tuple[str, str, str]]:
    """(intent, service, text) rows of an evaluation file; see bot/nlu/evalsets.py."""
    return [(r.intent, r.service, r.text) for r in read_rows(path)]


def check_readable(paths: list[Path]) -> str | None:
    """One line saying why an evaluation file cannot be used, or None when all can."""
    for path in paths:
        if not path.exists():
            return f"nlu: evaluation file not found: {path}"
        if path.is_dir():
            return f"nlu: {path} is a folder; give a .tsv file (columns: intent, service, text)"
        try:
            rows = read_rows(path)
        except UnicodeError:
            return f"nlu: {path} is not UTF-8 text"
        except OSError as exc:
            return f"nlu: cannot read {path}: {exc.strerror or exc}"
        if not rows:
            return f"nlu: no labelled rows in {path} (columns: intent, service, text)"
    return None


def evaluate(pipeline: NluPipeline, path: Path, out: TextIO, max_errors: int = 200) -> int:
    rows = read_rows(path)
    if not rows:
        out.write(f"no rows in {path}\n")
        return 1
    report = run_eval(pipeline, rows)
    write_report(report, out, title=str(path), max_errors=max_errors)
    return 0
