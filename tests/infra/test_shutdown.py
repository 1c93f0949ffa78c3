"""SIGTERM during a burst: a real uvicorn stops accepting, finishes every turn it accepted, exits cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from integrations.line.fake import FakeLineServer, Fault
from tests.factories import ACCESS_TOKEN, CHANNEL_SECRET, body, signed_headers, text_event
from tests.servers import free_port, wait_until_up

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = ["อบต.เปิดกี่โมงครับ", "ภาษีป้ายต้องใช้เอกสารอะไรบ้างคะ", "สวัสดีค่ะ", "ขอบคุณมากครับ"]


async def test_sigterm_during_a_burst_loses_no_accepted_event(tmp_path: Path, fake_line: FakeLineServer) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
           "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": fake_line.base_url,
           "LINE_DATA_API_BASE_URL": fake_line.base_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
           "STORAGE_DIR": str(tmp_path / "uploads"), "WATCH_KNOWLEDGE": "false", "LOG_LEVEL": "WARNING",
           "WORKER_PARTITIONS": "4", "SHUTDOWN_DRAIN_SECONDS": "30"}
    env.pop("REDIS_URL", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
        "--timeout-graceful-shutdown", "30", cwd=REPO, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(f"{base}/healthz", exit_code=lambda: proc.returncode)
        # LINE answers slowly, so turns are still queued and in flight when the signal arrives
        fake_line.fail_next("/v2/bot/message/reply", *[Fault(200, delay=0.1)] * 200)
        users = [f"U{n:032x}" for n in range(1, 9)]
        bodies = [body(text_event(users[i % len(users)], QUESTIONS[i % len(QUESTIONS)], reply_token=f"sig-{i}"))
                  for i in range(60)]
        async with httpx.AsyncClient(base_url=base) as http:
            answers = await asyncio.gather(*(http.post("/callback", content=raw, headers=signed_headers(raw))
                                             for raw in bodies))
            assert [a.status_code for a in answers] == [200] * len(bodies)
            delivered_before = {c.body["replyToken"] for c in fake_line.sent("/reply")}
            proc.send_signal(signal.SIGTERM)
            assert len(delivered_before) < len(bodies), "the burst was over before the signal: nothing tested"
            await asyncio.sleep(0.3)
            try:  # no new work once the signal is in
                refused = await http.post("/callback", content=bodies[0], headers=signed_headers(bodies[0]))
                accepted_after = refused.status_code == 200
            except httpx.TransportError:
                accepted_after = False
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    # uvicorn re-raises the signal once it has shut down cleanly, so the exit status is "terminated"
    assert proc.returncode in (0, -signal.SIGTERM), stderr.decode()[-2000:]
    assert "Application shutdown complete" in stderr.decode()
    assert not accepted_after
    delivered = [c.body["replyToken"] for c in fake_line.sent("/reply")]
    assert sorted(set(delivered)) == sorted(f"sig-{i}" for i in range(len(bodies)))  # every accepted event
    assert len(delivered) == len(bodies)  # and each once
