"""Every long-lived component, built once at start-up and passed explicitly (no import-time singletons)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.office.accounts import OfficerAccounts
from bot.office.outbox import OutboxBell
from bot.runtime.kv import KeyValueStore, create_store
from bot.runtime.sessions import SessionStore
from bot.runtime.understanding import NluService
from integrations.line.client import LineMessenger, NullMessenger, SdkLineMessenger
from integrations.sms import SmsSender, build_sms
from integrations.storage.db import Database
from integrations.storage.files import FileStore, build_file_store
from knowledge.store import KnowledgeStore

if TYPE_CHECKING:
    from bot.office.cases import CaseService

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    store: KeyValueStore
    sessions: SessionStore
    knowledge: KnowledgeStore
    nlu: NluService
    line: LineMessenger
    db: Database
    files: FileStore
    sms: SmsSender
    clock: Callable[[], datetime] = field(default=utc_now)
    # office side (bot/office): rung after a commit that enqueued pushes, so the outbox sender runs now
    outbox_bell: OutboxBell = field(default_factory=OutboxBell)

    @cached_property
    def cases(self) -> CaseService:
        """Cases: list, detail, transitions, payments, reminders (bot/office/cases.py)."""
        from bot.office.cases import CaseService  # imported late: it builds on this module

        return CaseService(self)

    @cached_property
    def accounts(self) -> OfficerAccounts:
        """Officers' accounts and API tokens (bot/office/accounts.py)."""
        return OfficerAccounts(self.db, lambda: self.clock(),
                               max_failed_logins=self.settings.officer_max_failed_logins,
                               lock_minutes=self.settings.officer_lock_minutes)

    async def close(self) -> None:
        await self.line.close()
        await self.sms.close()
        await self.store.close()
        await self.db.close()


def build_line(settings: Settings) -> LineMessenger:
    token = settings.line_channel_access_token
    if token is None or not settings.line_configured:
        log.warning(
            "LINE is not configured (LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN unset): "
            "webhook calls are refused; `python -m bot chat` still works"
        )
        return NullMessenger()
    return SdkLineMessenger(
        token.get_secret_value(),
        api_base_url=settings.line_api_base_url,
        data_api_base_url=settings.line_data_api_base_url,
    )


def build_services(
    settings: Settings,
    *,
    line: LineMessenger | None = None,
    store: KeyValueStore | None = None,
    knowledge: KnowledgeStore | None = None,
    nlu: NluService | None = None,
    sms: SmsSender | None = None,
) -> Services:
    """Build everything from settings; tests pass ready-made parts to skip slow set-up."""
    store = store or create_store(settings.redis_url)
    knowledge = knowledge or KnowledgeStore(settings.knowledge_dir)
    if nlu is None:
        nlu = NluService(knowledge.current)
        knowledge.subscribe(nlu.rebuild)
    return Services(
        settings=settings,
        store=store,
        sessions=SessionStore(store, settings.session_ttl_seconds),
        knowledge=knowledge,
        nlu=nlu,
        line=line or build_line(settings),
        db=Database(settings.database_url),
        files=build_file_store(settings.storage_dir, settings.s3_bucket, settings.s3_endpoint_url),
        sms=sms or build_sms(settings),
    )
