"""Scale-out for real: two web processes and two workers on one Redis, as separate OS processes.

1. One user's burst (and two others' at the same time), every event posted to alternating web processes
   and then redelivered to the other one: each event is answered once, each user's in the order sent.
2. A worker is killed (SIGKILL) while it is in the middle of a turn: the other worker takes over its
   partitions when the lease lapses and answers every event, in order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from integrations.line.fake import FakeLineServer, Fault
from tests.factories import ACCESS_TOKEN, CHANNEL_SECRET, body, signed_headers, text_event
from tests.servers import free_port, wait_until_up

pytestmark = pytest.mark.redis
REPO = Path(__file__).resolve().parents[2]
QUESTIONS = ["สวัสดีค่ะ", "อบต.เปิดกี่โมงครับ", "ขอบคุณมากครับ", "ภาษีป้ายต้องใช้เอกสารอะไรบ้างคะ"]
PARTITIONS = 8


def _first_reply_order(fake_line: FakeLineServer) -> dict[str, list[str]]:
    """Reply tokens per user in the order LINE first received them."""
    order: dict[str, list[str]] = defaultdict(list)
    for call in fake_line.calls:
        if call.path.endswith("/reply") and call.status == 200:
            token = call.body["replyToken"]
            user = token.rsplit("-", 1)[0]
            if token not in order[user]:
                order[user].append(token)
    return order


async def _wait_answered(fake_line: FakeLineServer, tokens: set[str], timeout: float) -> None:
    for _ in range(int(timeout * 10)):
        if tokens <= {c.body["replyToken"] for c in fake_line.calls if c.path.endswith("/reply") and c.status == 200}:
            return
        await asyncio.sleep(0.1)


async def test_two_web_processes_and_two_workers_keep_order_once_and_survive_a_killed_worker(
    tmp_path: Path, fake_line: FakeLineServer, redis_url: str
) -> None:
    redis = Redis.from_url(redis_url, decode_responses=True)
    await redis.flushdb()
    env = {**os.environ, "PYTHONPATH": str(REPO), "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
           "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": fake_line.base_url,
           "LINE_DATA_API_BASE_URL": fake_line.base_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
           "STORAGE_DIR": str(tmp_path / "uploads"), "WATCH_KNOWLEDGE": "false", "LOG_LEVEL": "WARNING",
           "REDIS_URL": redis_url, "WORKER_PARTITIONS": str(PARTITIONS), "QUEUE_LEASE_SECONDS": "3"}
    ports = [free_port(), free_port()]
    webs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port), cwd=REPO,
        env={**env, "RUN_WORKERS": "false"}, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        for port in ports]
    workers = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", cwd=REPO, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL) for _ in range(2)]
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") for port in ports]
    try:
        for port in ports:
            await wait_until_up(f"http://127.0.0.1:{port}/readyz", attempts=900)

        # --- 1: bursts through both web processes, each event delivered twice ---------------------
        users = [f"U{n:032x}" for n in (101, 102, 103)]

        async def burst(user: str, count: int) -> None:
            for i in range(count):
                raw = body(text_event(user, QUESTIONS[i % len(QUESTIONS)], reply_token=f"{user}-{i:03d}"))
                first = await clients[i % 2].post("/callback", content=raw, headers=signed_headers(raw))
                again = await clients[(i + 1) % 2].post("/callback", content=raw, headers=signed_headers(raw))
                assert (first.status_code, again.status_code) == (200, 200)

        await asyncio.gather(*(burst(user, 15) for user in users))
        expected = {user: [f"{user}-{i:03d}" for i in range(15)] for user in users}
        await _wait_answered(fake_line, {t for tokens in expected.values() for t in tokens}, timeout=60)
        replies = [c.body["replyToken"] for c in fake_line.calls if c.path.endswith("/reply")]
        assert sorted(replies) == sorted(t for tokens in expected.values() for t in tokens)  # each once
        assert dict(_first_reply_order(fake_line)) == expected  # each user's in order

        # --- 2: kill a worker in the middle of a turn -------------------------------------------
        fake_line.calls.clear()
        fake_line.fail_next("/v2/bot/message/reply", *[Fault(200, delay=0.3)] * 400)  # slow LINE: turns overlap
        users = [f"U{n:032x}" for n in range(200, 216)]
        raws = [body(text_event(user, QUESTIONS[i % len(QUESTIONS)], reply_token=f"{user}-{i:03d}"))
                for i in range(4) for user in users]
        for n, raw in enumerate(raws):
            assert (await clients[n % 2].post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
        by_pid = {proc.pid: proc for proc in workers}
        victim = None
        for _ in range(300):  # until a worker has read an event it has not acknowledged yet: mid-turn
            for partition in range(PARTITIONS):
                stream = f"events:{partition}"
                if not await redis.exists(stream):
                    continue
                for consumer in await redis.xinfo_consumers(stream, "workers"):
                    pid = int(consumer["name"].split("-")[-2])
                    if pid in by_pid and consumer["pending"] > 0:
                        victim = by_pid[pid]
            if victim is not None:
                break
            await asyncio.sleep(0.05)
        assert victim is not None, "no worker was ever mid-turn: nothing tested"
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        expected = {user: [f"{user}-{i:03d}" for i in range(4)] for user in users}
        await _wait_answered(fake_line, {t for tokens in expected.values() for t in tokens}, timeout=90)
        order = _first_reply_order(fake_line)
        assert dict(order) == expected  # every event answered, each user's in order, despite the kill
    finally:
        for client in clients:
            await client.aclose()
        for proc in (*webs, *workers):
            if proc.returncode is None:
                proc.terminate()
        for proc in (*webs, *workers):
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await redis.aclose()
