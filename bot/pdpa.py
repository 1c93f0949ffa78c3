"""`python -m bot pdpa export|forget LINE_USER_ID [--officer NAME]`: a citizen's rights under the PDPA.

- export: everything held about one LINE user, as JSON on stdout, national IDs and phone numbers decrypted
  for the officer running it (found generically: every table with a `line_user_id` column, and the rows
  that hang off those by `application_id` / `case_id`; the conversation state in the store).
- forget: drafts (and their documents, codes and files), the saved profile, reminder subscriptions and the
  conversation state are erased; submitted applications, cases, payments and complaints are records the
  office must keep (Official Information Act, its archive rules), so they stay but lose the link to the LINE
  account (`line_user_id` replaced by a keyed hash) and get no more messages.
Both are written to `pdpa_audit` (who ran it, a keyed hash of the subject, rows per table), never the id.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, select, update

from bot.config import Settings, get_settings
from integrations.storage import models
from integrations.storage.db import Database
from integrations.storage.models.reliability import PdpaAuditEntry
from integrations.storage.pii import PiiCipher

ERASED_WITH_DRAFTS = ("application_documents", "otp_challenges", "otp_failure_totals", "status_changes")
ERASED_FOR_USER = ("citizens", "reminder_subscriptions")


def _count(result: Any) -> int:
    """Rows a DELETE / UPDATE touched (a CursorResult; typed as a plain Result by SQLAlchemy's stubs)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _tables_with(column: str) -> list[Table]:
    return [t for t in models.metadata.sorted_tables if column in t.c]


def _plain(row: dict[str, Any], cipher: PiiCipher) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name.endswith("_index"):
            continue  # keyed hashes: meaningless to the citizen
        if name.endswith("_enc") and isinstance(value, str):
            try:
                out[name.removesuffix("_enc")] = cipher.decrypt(value)
            except Exception:
                out[name.removesuffix("_enc")] = "(cannot be decrypted with this SECRET_KEY)"
            continue
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out


class PrivacyOffice:
    def __init__(self, db: Database, cipher: PiiCipher) -> None:
        self.db = db
        self.cipher = cipher

    async def _owned_ids(self, session: Any, user: str, table: str) -> list[int]:
        found = models.metadata.tables.get(table)
        if found is None:
            return []
        return [r[0] for r in (await session.execute(select(found.c.id).where(found.c.line_user_id == user))).all()]

    async def export(self, user: str, officer: str) -> dict[str, list[dict[str, Any]]]:
        data: dict[str, list[dict[str, Any]]] = {}
        async with self.db.session() as session:
            apps = await self._owned_ids(session, user, "applications")
            cases = await self._owned_ids(session, user, "cases")
            for table in models.metadata.sorted_tables:
                if "line_user_id" in table.c:
                    where = table.c.line_user_id == user
                elif "application_id" in table.c and apps:
                    where = table.c.application_id.in_(apps)
                elif "case_id" in table.c and cases:
                    where = table.c.case_id.in_(cases)
                else:
                    continue
                rows = (await session.execute(select(table).where(where))).mappings().all()
                if rows:
                    data[table.name] = [_plain(dict(r), self.cipher) for r in rows]
            self._audit(session, "export", user, officer, {k: len(v) for k, v in data.items()})
        return data

    async def forget(self, user: str, officer: str) -> dict[str, int]:
        tables = models.metadata.tables
        done: dict[str, int] = {}
        pseudonym = "forgotten:" + self.cipher.index(user)[:40]
        async with self.db.session() as session:
            applications = tables["applications"]
            drafts = [r[0] for r in (await session.execute(
                select(applications.c.id).where(applications.c.line_user_id == user,
                                                applications.c.status == "draft"))).all()]
            if drafts:
                for name in ERASED_WITH_DRAFTS:
                    if name in tables and "application_id" in tables[name].c:
                        result = await session.execute(delete(tables[name]).where(
                            tables[name].c.application_id.in_(drafts)))
                        done[name] = _count(result)
                result = await session.execute(delete(applications).where(applications.c.id.in_(drafts)))
                done["applications (drafts)"] = _count(result)
            for name in ERASED_FOR_USER:
                if name in tables:
                    result = await session.execute(delete(tables[name]).where(tables[name].c.line_user_id == user))
                    done[name] = _count(result)
            for table in _tables_with("line_user_id"):  # records the office keeps, unlinked from the account
                if table.name in ERASED_FOR_USER:
                    continue
                result = await session.execute(
                    update(table).where(table.c.line_user_id == user).values(line_user_id=pseudonym))
                if _count(result):
                    done[f"{table.name} (kept, unlinked)"] = _count(result)
            outbox = tables.get("outbox")
            if outbox is not None and "recipient" in outbox.c:  # nothing more is sent to this account
                result = await session.execute(delete(outbox).where(outbox.c.recipient == user))
                done["outbox"] = _count(result)
            self._audit(session, "forget", user, officer, done)
        return done

    def _audit(self, session: Any, action: str, user: str, officer: str, summary: dict[str, int]) -> None:
        session.add(PdpaAuditEntry(action=action, subject_index=self.cipher.index(user), officer=officer[:100],
                                   summary=json.dumps(summary, ensure_ascii=False), at=datetime.now(UTC)))


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.runtime.kv import create_store
    from bot.runtime.pii import pii_cipher

    db = Database(settings.database_url)
    store = create_store(settings.redis_url)
    try:
        await db.migrate()
        office = PrivacyOffice(db, pii_cipher(settings))
        if args.action == "export":
            data = await office.export(args.line_user_id, args.officer)
            session = await store.get(f"sess:user:{args.line_user_id}")
            if session is not None:
                data["conversation"] = [{"session": json.loads(session)}]
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            summary = await office.forget(args.line_user_id, args.officer)
            await store.delete(f"sess:user:{args.line_user_id}")
            sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    finally:
        await store.close()
        await db.close()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot pdpa", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["export", "forget"])
    parser.add_argument("line_user_id")
    parser.add_argument("--officer", default=getpass.getuser(), help="who runs it (for the audit log)")
    args = parser.parse_args(argv)
    return asyncio.run(_run(get_settings(), args))
