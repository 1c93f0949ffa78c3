"""`python -m bot <command> …` — the bot's command line.

Each command lives in the module that owns the concept; this file only routes,
and imports lazily so `python -m bot nlu` does not pay for FastAPI start-up.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("bot.tools.cli_chat", "chat with the bot in the terminal (no LINE needed)"),
    "nlu": ("bot.nlu.cli", "classify utterances from stdin, or --eval FILE.tsv"),
    "knowledge": ("knowledge.cli", "check | export the knowledge files"),
    "richmenu": ("bot.tools.richmenu", "deploy the rich menu defined in knowledge/"),
    "db": ("bot.tools.db", "upgrade | current: the database schema (Alembic migrations)"),
    "worker": ("bot.runtime.worker", "handle queued events in this process (scale-out; needs REDIS_URL)"),
    "officer": ("bot.office.cli", "officers' accounts: add NAME --role officer|admin, token NAME, list"),
    "pdpa": ("bot.pdpa", "export | forget LINE_USER_ID: a citizen's data as JSON, or erase it (PDPA)"),
}


def usage() -> str:
    lines = ["usage: python -m bot <command> [options]", "", "commands:"]
    lines += [f"  {name:<10} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"} or args[0] not in COMMANDS:
        sys.stderr.write(usage() + "\n")
        return 0 if args and args[0] in {"-h", "--help"} else 2
    module = importlib.import_module(COMMANDS[args[0]][0])
    result: int = module.main(args[1:])
    return result


if __name__ == "__main__":
    raise SystemExit(main())
