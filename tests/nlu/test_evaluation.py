"""The evaluation can be trusted: no evaluation sentence is (nearly) a training sentence,
the held-out set is kept apart from the development split, and the reports say what the
issue asks for (service accuracy split, per-intent confusion, per-family accuracy)."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.nlu import NluPipeline
from bot.nlu.cli import evaluate
from bot.nlu.data import TrainingData
from bot.nlu.evalsets import (
    DEV_SPLIT,
    HELDOUT,
    EvalRow,
    comparable,
    evaluation_files,
    near_copies,
    read_rows,
)
from bot.nlu.pipeline import INTENTS
from bot.nlu.report import run_eval
from tests.nlu.conftest import BLIND, DEV, REPO

CONFUSION_FAMILIES = {
    "one_document": "documents", "want_to_apply": "apply", "progress": "status", "bills": "payment",
    "dissatisfaction": "complaint", "person": "handoff", "portal": "portal_help",
}  # fmt: skip
TYPING_FAMILIES = {
    "isan", "northern", "southern", "keyboard_slip", "voice_runon", "thai_digits", "romanised", "english",
    "followup",
}  # fmt: skip


def test_every_evaluation_file_is_checked() -> None:
    files = set(evaluation_files())
    assert {HELDOUT, DEV_SPLIT, BLIND, DEV} <= files
    assert set((REPO / "bench" / "data").glob("*.tsv")) <= files


@pytest.mark.parametrize("path", evaluation_files(), ids=lambda p: p.name)
def test_no_evaluation_sentence_is_a_near_copy_of_a_training_sentence(
    path: Path, training_data: TrainingData
) -> None:
    if not path.exists():
        pytest.skip(f"{path} not mounted")
    rows = read_rows(path)
    assert rows, path
    leaked = near_copies((e.text for e in training_data.examples), [r.text for r in rows])
    assert not leaked, [(c.text, c.training_text, c.score) for c in leaked]


def test_heldout_shares_nothing_with_the_other_files() -> None:
    """Tuning on the development split (or reading the others) must not tune on the held-out."""
    heldout = [r.text for r in read_rows(HELDOUT)]
    for path in evaluation_files():
        if path != HELDOUT and path.exists():
            shared = near_copies((r.text for r in read_rows(path)), heldout)
            assert not shared, (path.name, [(c.text, c.training_text) for c in shared])


def test_near_copy_check_sees_particles_spacing_and_small_edits() -> None:
    training = ["ภาษีป้ายต้องใช้เอกสารอะไรบ้าง", "ขอคุยกับเจ้าหน้าที่"]
    same = ["ภาษีป้าย ต้องใช้เอกสารอะไรบ้างคะ", "ขอคุยกับเจ้าหน้าที่หน่อยครับ", "ภาษีป้ายต้องใช้เอกสารอะไรบาง"]
    different = ["ภาษีป้ายต้องจ่ายภายในเดือนไหน", "เจ้าหน้าที่พูดจาไม่ดี"]
    assert [c.text for c in near_copies(training, same)] == same
    assert near_copies(training, different) == []
    assert comparable("ขอบคุณค่ะ 🙏") == comparable("ขอบคุณครับ")


def test_heldout_covers_every_family_with_enough_rows() -> None:
    rows = read_rows(HELDOUT)
    per_family = Counter(f for r in rows for f in r.families)
    for family in (*CONFUSION_FAMILIES, *TYPING_FAMILIES):
        assert per_family[family] >= 20, family
    for family, intent in CONFUSION_FAMILIES.items():
        assert all(r.intent == intent for r in rows if family in r.families), family
    assert {r.intent for r in rows} == set(INTENTS)
    assert sum(r.intent == "unknown" for r in rows) >= 30


def test_report_splits_service_accuracy_and_scores_families(pipeline: NluPipeline) -> None:
    rows = [
        EvalRow("documents", "signboard_tax", "ภาษีป้ายต้องใช้เอกสารอะไร", ("a",)),
        EvalRow("documents", "elderly_allowance", "ภาษีป้ายต้องใช้เอกสารอะไร", ("a", "b")),  # wrong service
        EvalRow("greeting", "-", "สวัสดีตอนเช้าค่ะ แอดมินใจดี", ("b",)),
        EvalRow("unknown", "-", "ทำนายดวงให้หน่อย", ()),
    ]
    report = run_eval(pipeline, rows)
    assert (report.service_rows, report.service_ok_on_rows) == (2, 1)
    assert (report.no_service_rows, report.no_service_ok) == (2, 2)
    assert (report.families["a"].rows, report.families["a"].right) == (2, 1)
    assert report.families["a"].intent_accuracy == 1.0
    assert (report.families["b"].rows, report.families["b"].right) == (2, 1)
    assert [e.gold_service for e in report.errors] == ["elderly_allowance"]


def test_eval_prints_every_part_of_the_report(pipeline: NluPipeline) -> None:
    out = io.StringIO()
    assert evaluate(pipeline, HELDOUT, out) == 0
    report = out.getvalue()
    for heading in (
        "intent accuracy:",
        "service accuracy on rows naming a service:",
        "service accuracy on rows naming none ('-'):",
        "unknown detection: precision",
        "ms/utterance",
        "per family",
        "romanised",
        "confusion (rows: gold intent",
        "precision",
        "errors (",
    ):
        assert heading in report, heading


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "nlu", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "binary"])
def test_eval_of_an_unusable_file_says_so_in_one_line(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "rows.tsv"
    if kind == "folder":
        target.mkdir()
    elif kind == "empty":
        target.write_text("intent\tservice\ttext\n", encoding="utf-8")
    elif kind == "binary":
        target.write_bytes(b"\xff\xfe\x00bad")
    done = _run_cli("--eval", str(target))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and str(target) in done.stderr


def test_heldout_floors(pipeline: NluPipeline) -> None:
    """Regression floors a little under the measured figures (docs/nlu.md), not the issue's
    targets: intent 0.967, service 0.955 on rows naming one, unknown F1 0.951 when written."""
    report = run_eval(pipeline, read_rows(HELDOUT))
    assert report.intent_accuracy >= 0.95, [e.text for e in report.errors]
    assert report.service_accuracy_named >= 0.93
    assert report.service_accuracy_none >= 0.99
    assert report.unknown_prf()[2] >= 0.92
    weakest = min(report.families.items(), key=lambda kv: kv[1].accuracy)
    assert weakest[1].accuracy >= 0.75, weakest
