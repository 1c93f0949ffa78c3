"""What a citizen feels: webhook → reply latency under open-loop load, at rising rates.

Starts on 127.0.0.1: a recording fake LINE (bench/e2e_line.py), the bot (`uvicorn app:app`, one process)
and, for --mode scale-out, redis-server plus one `python -m bot worker` (the web process only enqueues).
--mode echo runs a line-bot-sdk style echo bot (bench/sdk_echo.py) instead, as the baseline.

For each rate it fires signed text events open-loop (sent on schedule whatever the answers do) for
--seconds: twelve everyday citizen questions, every event from a new user, a unique reply token each.
The fake LINE records when each reply arrives. Per rate it prints the share answered within --grace
seconds after the last event, p50/p95/p99 webhook→reply (unanswered events count as slower than
anything), the acknowledgement p99, the 503s (back-pressure: LINE redelivers those) and the CPU the bot's
processes spent per event. Then the highest rate with everything answered and p95 < 250 ms.

    python -m bench.e2e --mode embedded --rates 50,100,200,400,800
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
QUESTIONS = [
    "ภาษีป้ายต้องใช้เอกสารอะไรบ้างคะ",
    "ขอเบี้ยยังชีพผู้สูงอายุต้องทำยังไง",
    "อบต.เปิดกี่โมงครับ",
    "จ่ายภาษีที่ดินได้ที่ไหน",
    "ขออนุญาตก่อสร้างบ้านใช้เวลากี่วัน",
    "สวัสดีค่ะ",
    "เบี้ยความพิการได้เดือนละเท่าไหร่",
    "ถังขยะเต็มแล้ว แจ้งได้ที่ไหนคะ",
    "ค่าธรรมเนียมใบอนุญาตขายอาหารเท่าไร",
    "ขอบคุณมากครับ",
    "ต้องยื่นภาษีป้ายภายในเดือนไหน",
    "ลงทะเบียนเด็กแรกเกิดต้องใช้อะไรบ้าง",
]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Event:
    token: str
    body: bytes
    signature: str
    sent_at: float = 0.0
    ack_ms: float = math.inf
    status: int = 0


def make_events(count: int, tag: str) -> list[Event]:
    events = []
    now = int(time.time() * 1000)
    for i in range(count):
        token = f"{tag}-{i}"
        raw_event = {
            "type": "message", "mode": "active", "timestamp": now,
            "source": {"type": "user", "userId": "U" + hashlib.md5(token.encode()).hexdigest()},
            "webhookEventId": f"01E2E{tag}{time.time_ns()}{i:08d}",
            "deliveryContext": {"isRedelivery": False}, "replyToken": token,
            "message": {"type": "text", "id": f"{tag}{i}", "quoteToken": "q", "text": QUESTIONS[i % len(QUESTIONS)]},
        }
        raw = json.dumps({"destination": "Ubot", "events": [raw_event]}, ensure_ascii=False).encode()
        signature = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
        events.append(Event(token, raw, signature))
    return events


class Stack:
    """The processes under test; `pids` are the bot's own (for the CPU figure)."""

    def __init__(self, mode: str, profile: Path | None = None) -> None:
        self.mode = mode
        self.profile = profile
        self.logs = Path(tempfile.mkdtemp(prefix=f"e2e-{mode}-"))
        self.procs: list[subprocess.Popen[bytes]] = []
        self.bot_pids: list[int] = []
        self.line_port, self.app_port = free_port(), free_port()

    def _start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    async def start(self) -> None:
        env = {**os.environ, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "bench-token",
               "LINE_API_BASE_URL": f"http://127.0.0.1:{self.line_port}",
               "LINE_DATA_API_BASE_URL": f"http://127.0.0.1:{self.line_port}",
               "DATABASE_URL": f"sqlite:///{self.logs}/bench.sqlite3", "LOG_LEVEL": "WARNING",
               "WATCH_KNOWLEDGE": "false", "STORAGE_DIR": str(self.logs / "uploads"),
               "PYTHONPATH": str(ROOT)}
        env.pop("REDIS_URL", None)
        self._start("line", [sys.executable, "-m", "bench.e2e_line", str(self.line_port)], env)
        uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log",
                   "--host", "127.0.0.1", "--port", str(self.app_port)]
        if self.mode == "echo":
            self.bot_pids.append(self._start("echo", [*uvicorn, "bench.sdk_echo:app"], env).pid)
        elif self.mode == "embedded":
            # --profile: the web process under cProfile (written when it stops on SIGINT)
            profiled = [sys.executable, "-m", "cProfile", "-o", str(self.profile), "-m", "uvicorn", *uvicorn[3:]]
            self.bot_pids.append(self._start("web", [*(profiled if self.profile else uvicorn), "app:app"], env).pid)
        else:
            redis_port = free_port()
            self._start("redis", ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"], env)
            env = {**env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
            await wait_port(redis_port)
            self.bot_pids.append(self._start("web", [*uvicorn, "app:app"], {**env, "RUN_WORKERS": "false"}).pid)
            self.bot_pids.append(self._start("worker", [sys.executable, "-m", "bot", "worker"], env).pid)
        await wait_port(self.line_port)
        await wait_port(self.app_port, timeout=90)

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)  # uvicorn stops cleanly (and cProfile writes its file)
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.bot_pids)


async def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"port {port} did not open")


async def fire(session: aiohttp.ClientSession, url: str, events: list[Event], rate: float) -> None:
    async def one(event: Event) -> None:
        event.sent_at = time.time()
        started = time.perf_counter()
        try:
            async with session.post(url, data=event.body, headers={"X-Line-Signature": event.signature,
                                                                    "Content-Type": "application/json"}) as r:
                await r.read()
                event.status = r.status
        except aiohttp.ClientError:
            event.status = -1
        event.ack_ms = (time.perf_counter() - started) * 1000

    tasks = []
    start_at = time.perf_counter()
    for i, event in enumerate(events):
        delay = start_at + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(event)))
    await asyncio.gather(*tasks)


async def collect(session: aiohttp.ClientSession, line_url: str, events: list[Event], grace: float) -> dict[str, float]:
    wanted = {e.token for e in events}
    arrived: dict[str, float] = {}
    deadline = time.time() + grace
    while time.time() < deadline and not wanted <= arrived.keys():
        await asyncio.sleep(0.25)
        async with session.get(f"{line_url}/bench/arrivals") as r:
            arrived.update((await r.json())["replies"])
    return arrived


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * p) - 1)]


def fmt_ms(value: float) -> str:
    if math.isinf(value):
        return "   —  "
    return f"{value:6.0f}" if value >= 10 else f"{value:6.1f}"


async def run(mode: str, rates: list[float], seconds: float, grace: float,
              profile: Path | None = None, spy_file: Path | None = None) -> list[dict[str, float]]:
    stack = Stack(mode, profile)
    await stack.start()
    url, line_url = f"http://127.0.0.1:{stack.app_port}/callback", f"http://127.0.0.1:{stack.line_port}"
    rows = []
    connector = aiohttp.TCPConnector(limit=512)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            warm = make_events(60, "warm")
            await fire(session, url, warm, 30)
            await collect(session, line_url, warm, 20)
            spies = []
            if spy_file is not None:  # a sampling profile of each bot process during the measured rates
                for n, pid in enumerate(stack.bot_pids):
                    out = spy_file if n == 0 else spy_file.with_name(f"{spy_file.stem}-{n}{spy_file.suffix}")
                    spies.append(subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--format", "raw",
                                                   "--rate", "200", "--gil", "--nonblocking", "-o", str(out)],
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                await asyncio.sleep(1)
            print(f"\nmode: {mode}   ({seconds:.0f} s per rate; answers awaited {grace:.0f} s; logs in {stack.logs})")
            print("  rate/s  answered   p50 ms   p95 ms   p99 ms   ack p99 ms   503s   CPU ms/event")
            for rate in rates:
                events = make_events(int(rate * seconds), f"r{int(rate)}")
                cpu_before = stack.cpu()
                await fire(session, url, events, rate)
                arrived = await collect(session, line_url, events, grace)
                cpu_used = stack.cpu() - cpu_before
                latencies = [(arrived[e.token] - e.sent_at) * 1000 if e.token in arrived else math.inf
                             for e in events]
                answered = sum(e.token in arrived for e in events) / len(events)
                row = {"rate": rate, "answered": answered, "p50": pct(latencies, 0.5), "p95": pct(latencies, 0.95),
                       "p99": pct(latencies, 0.99), "ack_p99": pct([e.ack_ms for e in events], 0.99),
                       "refused": sum(e.status == 503 for e in events),
                       "cpu_ms": cpu_used * 1000 / max(1, sum(e.token in arrived for e in events))}
                rows.append(row)
                print(f"  {rate:6.0f}  {answered:8.1%}  {fmt_ms(row['p50'])}   {fmt_ms(row['p95'])}   "
                      f"{fmt_ms(row['p99'])}   {fmt_ms(row['ack_p99'])}       {row['refused']:5.0f}   "
                      f"{row['cpu_ms']:6.2f}")
                await asyncio.sleep(2)  # let any backlog drain before the next rate
                await collect(session, line_url, [], 0.3)
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait(30)
    finally:
        stack.stop()
    good = [r["rate"] for r in rows if r["answered"] == 1.0 and r["p95"] < 250]
    print(f"  highest rate with every event answered and p95 < 250 ms: {max(good) if good else 'none'}/s")
    return rows


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["embedded", "scale-out", "echo", "all"], default="all")
    parser.add_argument("--rates", default="50,100,200,400,800")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--grace", type=float, default=8.0, help="seconds to wait for answers after the last event")
    parser.add_argument("--profile", type=Path, help="embedded mode: write a cProfile of the web process here")
    parser.add_argument("--py-spy", type=Path, dest="spy",
                        help="py-spy's collapsed stacks of each bot process (the web process; the worker in FILE-1)")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    modes = ["echo", "embedded", "scale-out"] if args.mode == "all" else [args.mode]
    for mode in modes:
        await run(mode, rates, args.seconds, args.grace, args.profile, args.spy)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(asyncio.run(main()))
