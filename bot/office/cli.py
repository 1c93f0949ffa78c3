"""`python -m bot officer …`: officers' accounts from the command line.

    python -m bot officer add NAME --role officer|admin [--display-name "ชื่อ"]
    python -m bot officer token NAME        # a new API token; the old one stops working
    python -m bot officer password NAME     # set a new password (also lifts a lock-out)
    python -m bot officer deactivate NAME
    python -m bot officer list
    python -m bot officer group             # the LINE group ids seen in `join` events

The password is read from stdin when it is piped (`echo "$PW" | python -m bot officer add …`),
else prompted twice without echo. `add` and `token` print the API token once, on their last line.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.config import Settings, get_settings
from bot.office.accounts import AccountError, OfficerAccounts
from bot.runtime.services import utc_now
from integrations.storage.db import Database
from integrations.storage.models.office import OfficerRole


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def read_password(stdin_is_tty: bool | None = None) -> str:
    tty = sys.stdin.isatty() if stdin_is_tty is None else stdin_is_tty
    if not tty:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot officer", description="officers' accounts")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an officer and print an API token")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in OfficerRole], default=OfficerRole.officer.value)
    add.add_argument("--display-name", default=None, help="the name shown in the console (Thai is fine)")
    for name, help_text in (("token", "issue a new API token (revokes the old one)"),
                            ("password", "set a new password"), ("deactivate", "disable the account")):
        sub.add_parser(name, help=help_text).add_argument("name")
    sub.add_parser("list", help="list the officers")
    sub.add_parser("group", help="print the LINE group ids the bot has joined (for LINE_OFFICER_GROUP_ID)")
    return parser


async def run(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        await db.migrate()
        accounts = OfficerAccounts(db, utc_now, max_failed_logins=settings.officer_max_failed_logins,
                                   lock_minutes=settings.officer_lock_minutes)
        if args.command == "add":
            password = read_password()
            officer = await accounts.create(args.name, password, role=args.role, display_name=args.display_name)
            token = await accounts.issue_token(officer.username)
            _say(f"officer {officer.username} ({officer.role}) created; API token (shown once):")
            _say(token)
        elif args.command == "token":
            token = await accounts.issue_token(args.name)
            _say(f"new API token for {args.name} (the previous one no longer works; shown once):")
            _say(token)
        elif args.command == "password":
            await accounts.set_password(args.name, read_password())
            _say(f"password of {args.name} changed")
        elif args.command == "group":  # issue 13: groups seen in `join` events (bot/office/handoffs.py)
            from bot.office.handoff_jobs import print_groups

            return await print_groups(db, _say)
        elif args.command == "deactivate":
            await accounts.deactivate(args.name)
            _say(f"officer {args.name} deactivated; their tokens are revoked")
        else:
            for officer in await accounts.list():
                state = "active" if officer.active else "inactive"
                _say(f"{officer.username}\t{officer.role}\t{state}\t{officer.display_name}")
        return 0
    except AccountError as err:
        sys.stderr.write(f"error: {err}\n")
        return 1
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return asyncio.run(run(args, get_settings()))
