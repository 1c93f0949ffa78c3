"""Turn py-spy's collapsed stacks (`bench/e2e.py --py-spy FILE`) into a table of where a turn's CPU goes.

Each sample (py-spy --gil: a thread running Python) is charged to the first stage below whose marker
appears in its stack, so a LINE call made from inside a dialog counts as the LINE call.

    python -m bench.profile_table /tmp/spy.txt
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# (stage, markers): the first stage with any marker in the stack takes the sample
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("aiohttp: ~/.netrc and proxy environment per call", ("netrc", "proxies_from_env", "getproxies")),
    ("LINE SDK models (pydantic v1)", ("pydantic/v1",)),
    ("LINE call (SDK + aiohttp client)", ("integrations/line/client.py", "linebot/", "aiohttp/client")),
    ("rendering replies → LINE JSON", ("runtime/render.py",)),
    ("NLU", ("bot/nlu/", "understanding.py")),
    ("database (SQLAlchemy)", ("sqlalchemy/", "aiosqlite", "asyncpg")),
    ("dialogs", ("dialogs/",)),
    ("session load/save, locks (kv store)", ("runtime/sessions.py", "runtime/kv.py", "redis/")),
    ("dispatcher, context, messages", ("runtime/dispatcher.py", "runtime/context.py", "knowledge/")),
    ("webhook: verify, parse, dedupe, enqueue", ("transport/webhook.py", "transport/events.py", "transport/queue.py",
                                                  "transport/redis_queue.py")),
    ("logging", ("logging/__init__.py", "bot/logging.py")),
    ("metrics", ("prometheus_client", "bot/metrics.py")),
    ("HTTP server (uvicorn, Starlette, FastAPI)", ("uvicorn/protocols", "starlette/", "fastapi/", "httptools")),
    ("thread pool hand-offs", ("concurrent/futures", "threading.py")),
    ("event loop and the rest", ("",)),
]


def table(path: Path) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not samples.isdigit():
            continue
        for stage, markers in STAGES:
            if any(marker in stack for marker in markers):
                counts[stage] += int(samples)
                break
    return counts.most_common()


def main() -> int:
    rows = table(Path(sys.argv[1]))
    total = sum(n for _, n in rows) or 1
    print(f"| stage | share of on-CPU samples ({total}) |\n|---|---|")
    for stage, n in rows:
        print(f"| {stage} | {n / total:5.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
