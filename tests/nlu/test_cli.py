from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from bot.nlu import NluPipeline
from bot.nlu.cli import stream
from tests.nlu.conftest import REPO


class _Interleaved(io.StringIO):
    """stdin that checks each answer was written and flushed before the next line is read."""

    def __init__(self, lines: list[str], out: _Out) -> None:
        super().__init__()
        self._lines, self._out, self.reads = lines, out, 0

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        assert self._out.flushed_lines == self.reads, "previous answer not flushed before reading on"
        if self.reads == len(self._lines):
            return ""
        self.reads += 1
        return self._lines[self.reads - 1]

    def read(self, size: int | None = -1) -> str:
        raise AssertionError("stream() must not read all of stdin")


class _Out(io.StringIO):
    flushed_lines = 0

    def flush(self) -> None:
        super().flush()
        self.flushed_lines = self.getvalue().count("\n")


def test_stream_answers_line_by_line(pipeline: NluPipeline) -> None:
    out = _Out()
    lines = ["สวัสดีครับ\n", "\n", "ภาษีป้ายต้องใช้เอกสารอะไร\n", "ดูดวงหน่อย"]
    assert stream(pipeline, _Interleaved(lines, out), out) == 0
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["intent"] for a in answers] == ["greeting", "unknown", "documents", "unknown"]
    assert answers[1]["empty"] is True
    assert answers[2]["service"] == "signboard_tax"
    assert {"text", "intent", "service", "confidence", "entities", "alternatives", "faq_id"} <= set(
        answers[2]
    )


def test_command_line_streams(tmp_path: Path) -> None:
    """`python -m bot nlu` answers the first line while stdin is still open."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "nlu"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write("ขอคุยกับเจ้าหน้าที่\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # would hang if output were buffered to EOF
        assert first["intent"] == "handoff"
        proc.stdin.write("เบี้ยคนแก่\n")
        proc.stdin.close()
        second = json.loads(proc.stdout.readline())
        assert (second["intent"], second["service"]) == ("service_info", "elderly_allowance")
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
