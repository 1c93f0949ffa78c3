"""`python -m bot chat`: talk to the bot in the terminal, no LINE needed.

Type Thai as a citizen would. A number picks a numbered choice. Commands:
/follow  /image  /file NAME SIZE  /location LAT LON  /sticker  /reset  /quit
Without LINE settings /image sends a sample photo and /file a sample PDF (bot/tools/samples/).
The development SMS provider (SMS_PROVIDER=console) prints OTP codes on stderr, marked [DEV SMS].
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings, get_settings
from bot.runtime.services import build_line, build_services
from bot.tools.sample_media import SampleContentMessenger
from bot.tools.simulator import Simulator

PROMPT = "คุณ> "


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def _command(sim: Simulator, line: str) -> bool:
    """Handle a /command; returns False to quit."""
    name, *args = line.split()
    if name in {"/quit", "/exit", "/q"}:
        return False
    if name == "/reset":
        await sim.processor.services.sessions.delete(f"user:{sim.user_id}")
        _write("(เริ่มบทสนทนาใหม่)")
        return True
    handlers = {
        "/follow": lambda: sim.follow(),
        "/image": lambda: sim.image(),
        "/sticker": lambda: sim.sticker(),
        "/file": lambda: sim.file(args[0] if args else "document.pdf", int(args[1]) if len(args) > 1 else 100_000),
        "/location": lambda: sim.location(float(args[0]), float(args[1]))
        if len(args) >= 2
        else sim.location(14.8, 102.1),
    }
    if name not in handlers:
        _write(__doc__ or "")
        return True
    screen = await handlers[name]()
    _write("บอต> " + screen.text.replace("\n", "\n     "))
    return True


async def run(settings: Settings, user_id: str) -> int:
    # without LINE there is no content API: /image and /file are served from local samples
    messenger = None if settings.line_configured else SampleContentMessenger(build_line(settings))
    services = build_services(settings, line=messenger)
    await services.db.migrate()  # Alembic upgrade head: applications are kept in the database
    sim = Simulator(services, user_id=user_id)
    interactive = sys.stdin.isatty()
    stop = asyncio.Event()
    # edited knowledge is picked up as the server does: a saved YAML change, a broken save refused
    watcher = asyncio.create_task(services.knowledge.watch(stop)) if settings.watch_knowledge else None
    try:
        if interactive:
            _write("แชตทดลองกับบอต (พิมพ์ /quit เพื่อออก, ตัวเลขเพื่อเลือกปุ่ม)")
        while True:
            if interactive:
                sys.stdout.write(PROMPT)
                sys.stdout.flush()
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                return 0
            line = line.strip()
            if not line:
                continue
            if not interactive:
                _write(PROMPT + line)
            if line.startswith("/"):
                if not await _command(sim, line):
                    return 0
                continue
            if line.isdigit() and 1 <= int(line) <= len(sim.last.actions):
                screen = await sim.pick(int(line))
            else:
                screen = await sim.text(line)
            _write("บอต> " + screen.text.replace("\n", "\n     "))
    finally:
        stop.set()
        if watcher is not None:
            await asyncio.wait_for(watcher, 10)
        await services.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot chat", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", default="Usimulator0000000000000000000000", help="LINE user id to pretend to be")
    args = parser.parse_args(argv)
    return asyncio.run(run(get_settings(), args.user))
