"""Webhook throughput and latency: our app against a bare signature-checking endpoint.

Starts, on this machine only (127.0.0.1): a fake LINE server, the bot (`uvicorn app:app`, one worker,
embedded defaults) and the bare endpoint (bench/bare_app.py). Fires pre-signed webhook bodies (a text
message each, from 2,000 different users) at both:
  1. closed loop, 64 concurrent connections, for --seconds: throughput;
  2. open loop at --rate requests/s: p50 / p99 latency.
Prints both, and the ratio. Target: ratio ≥ 0.85, p99 < 10 ms at 500 req/s on one worker.

--mode embedded (default): the bot handles every event in the web process too (no Redis), so the
  webhook shares its core with NLU, dialogs and LINE calls.
--mode scale-out: REDIS_URL set and RUN_WORKERS=false: the web process only verifies and enqueues
  (Redis streams); a separate `python -m bot worker` process handles the events. Needs redis-server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_bodies(count: int, tag: str) -> list[tuple[bytes, str]]:
    bodies = []
    now = int(time.time() * 1000)
    for i in range(count):
        event = {
            "type": "message", "mode": "active", "timestamp": now,
            "source": {"type": "user", "userId": f"U{i % 2000:032x}"},
            "webhookEventId": f"01BENCH{tag}{time.time_ns()}{i:012d}",
            "deliveryContext": {"isRedelivery": False}, "replyToken": f"bench-{i}",
            "message": {"type": "text", "id": str(i), "quoteToken": "q", "text": "ภาษีป้ายต้องใช้เอกสารอะไรบ้างคะ"},
        }
        raw = json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False).encode()
        sig = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
        bodies.append((raw, sig))
    return bodies


LOG_DIR = Path(tempfile.mkdtemp(prefix="bench-logs-"))


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    log_file = (LOG_DIR / f"{len(list(LOG_DIR.iterdir()))}-{Path(args[-1]).name}.log").open("wb")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)


async def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up (logs in {LOG_DIR})")


async def closed_loop(
    url: str, bodies: list[tuple[bytes, str]], seconds: float, concurrency: int
) -> tuple[int, int, float]:
    sent = ok = 0
    started = time.perf_counter()
    index = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            nonlocal sent, ok, index
            while time.perf_counter() < deadline and index < len(bodies):
                raw, sig = bodies[index]
                index += 1
                async with session.post(url, data=raw, headers={"X-Line-Signature": sig,
                                                                "Content-Type": "application/json"}) as r:
                    await r.read()
                    sent += 1
                    ok += r.status == 200

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent, ok, time.perf_counter() - started


async def open_loop(url: str, bodies: list[tuple[bytes, str]], rate: float, seconds: float,
                    concurrency: int) -> list[float]:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(raw: bytes, sig: str) -> None:
            started = time.perf_counter()
            async with session.post(url, data=raw, headers={"X-Line-Signature": sig,
                                                            "Content-Type": "application/json"}) as r:
                await r.read()
            latencies.append((time.perf_counter() - started) * 1000)

        tasks = []
        start_at = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            target = start_at + i / rate
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            raw, sig = bodies[i % len(bodies)]
            tasks.append(asyncio.create_task(one(raw, sig)))
        await asyncio.gather(*tasks)
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def measure(name: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    warm = make_bodies(500, "w")
    await closed_loop(url, warm, 1.0, args.concurrency)
    await asyncio.sleep(1)
    # latency first, on an idle server: the closed-loop run below leaves a backlog of events to handle
    lat = await open_loop(url, make_bodies(int(args.rate * args.seconds), "l"), args.rate, args.seconds,
                          args.concurrency)
    await asyncio.sleep(1)
    bodies = make_bodies(int(args.seconds * 15000), "t")
    sent, ok, elapsed = await closed_loop(url, bodies, args.seconds, args.concurrency)
    throughput = sent / elapsed
    result = {"throughput": throughput, "ok": ok / max(sent, 1), "p50": statistics.median(lat),
              "p99": pct(lat, 0.99)}
    print(f"{name:>6}: {throughput:8.0f} req/s ({result['ok']:.1%} 200)   at {args.rate:.0f} req/s: "
          f"p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms")
    return result


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--mode", choices=["embedded", "scale-out"], default="embedded")
    args = parser.parse_args()

    line_port, app_port, bare_port = free_port(), free_port(), free_port()
    tmp = tempfile.mkdtemp(prefix="bench-")
    env = {**os.environ, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "bench-token",
           "LINE_API_BASE_URL": f"http://127.0.0.1:{line_port}",
           "LINE_DATA_API_BASE_URL": f"http://127.0.0.1:{line_port}",
           "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "LOG_LEVEL": "WARNING", "WATCH_KNOWLEDGE": "false"}
    env.pop("REDIS_URL", None)
    procs: list[subprocess.Popen[bytes]] = []
    worker_env = env
    if args.mode == "scale-out":
        redis_port = free_port()
        procs.append(start(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"], env))
        env = {**env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "RUN_WORKERS": "false"}
        worker_env = {**env, "RUN_WORKERS": "true"}
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log", "--host", "127.0.0.1"]
    procs += [
        start([sys.executable, "-m", "bench.fake_line_main", str(line_port)], env),
        start([*uvicorn, "--port", str(app_port), "app:app"], env),
        start([*uvicorn, "--port", str(bare_port), "bench.bare_app:app"], env),
    ]
    if args.mode == "scale-out":
        procs.append(start([sys.executable, "-m", "bot", "worker"], worker_env))
    try:
        await wait_up(f"http://127.0.0.1:{app_port}/healthz")
        await wait_up(f"http://127.0.0.1:{bare_port}/docs")
        bare = await measure("bare", f"http://127.0.0.1:{bare_port}/callback", args)
        ours = await measure("bot", f"http://127.0.0.1:{app_port}/callback", args)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    ratio = ours["throughput"] / bare["throughput"]
    print(f"mode: {args.mode}")
    print(f"ratio bot/bare throughput: {ratio:.2f} (target ≥ 0.85); bot p99 at {args.rate:.0f} req/s: "
          f"{ours['p99']:.2f} ms (target < 10 ms)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(asyncio.run(main()))
