"""`python -m bot chat` is the documented way to try the bot: without LINE settings `/image` and
`/file` send local samples, and knowledge edited while it runs is picked up as the server does."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.media import fetch_media
from bot.tools.sample_media import SampleContentMessenger, sample_id
from bot.transport.events import EventKind, InboundEvent
from integrations.line.client import LineError, NullMessenger

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 90.0  # generous: a busy 2-core machine; nothing here measures speed


class Chat:
    """A running `python -m bot chat`, fed one line at a time."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env, bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True).start()

    @staticmethod
    def _pump(stream, sink) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            sink(line)

    def say(self, text: str) -> str:
        """Send one line; the bot's whole answer (up to the echo of the next prompt)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        self.proc.stdin.write("/noop\n")  # an unknown command prints the help: marks the end of the answer
        self.proc.stdin.flush()
        out: list[str] = []
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if line.startswith("คุณ> /noop"):
                return "".join(out)
            out.append(line)
        raise AssertionError(f"no answer to {text!r}; stderr: {''.join(self.stderr)[-2000:]}")

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write("/quit\n")
        self.proc.stdin.close()
        return self.proc.wait(timeout=PATIENCE)


@pytest.fixture
def chat_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
           "STORAGE_DIR": str(tmp_path / "uploads")}
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "REDIS_URL", "KNOWLEDGE_DIR"):
        env.pop(name, None)
    return env


@pytest.fixture
def chat(chat_env: dict[str, str]) -> Iterator[Chat]:
    running = Chat(chat_env)
    yield running
    if running.proc.poll() is None:
        running.proc.kill()


def test_image_works_without_line_settings(chat: Chat) -> None:
    chat.say("น้ำประปาไม่ไหลสองวันแล้วค่ะ")
    asked = chat.say("1")  # "ใช่": the complaint asks for a photo
    assert "รูป" in asked
    got = chat.say("/image")
    assert "ได้รับรูปแล้วค่ะ (1/3)" in got, got
    assert chat.close() == 0
    assert "Traceback" not in "".join(chat.stderr)


async def test_sample_file_passes_the_same_checks_as_a_citizens_pdf() -> None:
    line = SampleContentMessenger(NullMessenger())
    message_id = sample_id("file", 7, "บัตรประชาชน.pdf")
    event = InboundEvent(event_id="e1", kind=EventKind.file, line_type="message", user_id="U1",
                         timestamp_ms=0, message_id=message_id, file_name="บัตรประชาชน.pdf", file_size=613)
    media = await fetch_media(line, event)
    assert media.content_type == "application/pdf"
    photo = await fetch_media(line, InboundEvent(event_id="e2", kind=EventKind.image, line_type="message",
                                                 user_id="U1", timestamp_ms=0, message_id=sample_id("image", 8)))
    assert photo.content_type == "image/png"
    with pytest.raises(LineError):  # other ids still go to LINE (here: not configured)
        await line.get_content("12345")


def test_the_chat_reloads_edited_knowledge(tmp_path: Path, chat_env: dict[str, str]) -> None:
    tree = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge" / "national", tree / "national")
    shutil.copytree(ROOT / "knowledge" / "offices", tree / "offices")
    chat = Chat({**chat_env, "KNOWLEDGE_DIR": str(tree / "offices" / "tha_cha_lung")})
    try:
        question = "จดทะเบียนพาณิชย์ตั้งใหม่ ค่าธรรมเนียมเท่าไหร่คะ"
        assert "50 บาท" in chat.say(question)
        service = tree / "national" / "services" / "commercial_registration_new.yaml"
        time.sleep(1)  # the watcher is up
        service.write_text(service.read_text(encoding="utf-8").replace("amount_baht: 50", "amount_baht: 70"),
                           encoding="utf-8")
        deadline = time.monotonic() + PATIENCE
        while "70 บาท" not in chat.say(question):
            assert time.monotonic() < deadline, "the edited fee never reached the chat"
            time.sleep(0.5)
        assert chat.close() == 0
    finally:
        if chat.proc.poll() is None:
            chat.proc.kill()
