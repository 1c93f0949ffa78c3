"""Every long-lived component, built once at start-up and passed explicitly (no import-time singletons)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, cast

from bot.config import Settings
from bot.metrics import CountedSms, Metrics
from bot.office.accounts import OfficerAccounts
from bot.office.live import LiveFeed
from bot.office.outbox import OutboxBell
from bot.runtime.kv import KeyValueStore, create_store
from bot.runtime.media import LineMedia
from bot.runtime.pii import pii_cipher
from bot.runtime.sessions import SessionStore
from bot.runtime.understanding import NluService
from core.otp import OtpRules
from core.ports import Applications, Ports
from integrations.line.client import LineMessenger, NullMessenger, SdkLineMessenger
from integrations.sms import ConsoleSms, HttpSms, SmsSender, ThaiBulkSms
from integrations.storage.db import Database
from integrations.storage.files import FileStore, build_file_store
from integrations.storage.otp import OtpService
from integrations.storage.repos_applications import ApplicationRepo
from integrations.storage.repos_civic import ComplaintRepo, ReminderRepo, UnknownQuestionLog
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
    metrics: Metrics = field(default_factory=Metrics)  # infra: GET /metrics (bot/metrics.py)
    ports: Ports = field(init=False)
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
    live: LiveFeed = field(default_factory=LiveFeed)  # console live updates (handoff tickets)

    def __post_init__(self) -> None:
        self.ports = build_ports(self)

    def now(self) -> datetime:
        """The clock as it is now (tests replace `clock` after start-up; the ports read it through this)."""
        return self.clock()

    async def close(self) -> None:
        await self.line.close()
        await self.sms.close()
        await self.store.close()
        await self.db.close()


def build_line(settings: Settings, metrics: Metrics | None = None) -> LineMessenger:
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
        max_connections=settings.line_max_connections,
        trust_env=settings.line_trust_env,
        on_call=metrics.line_call if metrics is not None else None,
    )


def otp_rules(settings: Settings) -> OtpRules:
    return OtpRules(
        ttl_seconds=settings.otp_ttl_seconds, max_attempts=settings.otp_max_attempts,
        lock_seconds=settings.otp_lock_seconds, resend_after_seconds=settings.otp_resend_after_seconds,
        max_sends_per_hour=settings.otp_max_sends_per_hour,
        max_sends_per_hour_per_account=settings.otp_max_sends_per_hour_per_account,  # issue 15
        max_total_failures=settings.otp_max_total_failures,
    )


def build_ports(services: Services) -> Ports:
    """The ports dialogs and jobs use (core/ports.py), on the storage, LINE and SMS of `services`."""
    cipher = pii_cipher(services.settings)
    repo = ApplicationRepo(services.db, cipher, services.now, files=services.files)
    return Ports(
        # the repo takes back the rows it hands out: its methods are typed with its own row class
        applications=cast(Applications, repo),
        otp=OtpService(services.db, services.sms, cipher, otp_rules(services.settings), services.now),
        complaints=ComplaintRepo(services.db),
        reminders=ReminderRepo(services.db),
        unknown_questions=UnknownQuestionLog(services.db),
        media=LineMedia(services.line, services.files),
    )


def build_sms(settings: Settings) -> SmsSender:
    key = settings.sms_api_key.get_secret_value() if settings.sms_api_key else None
    if settings.sms_provider == "http":
        if not settings.sms_gateway_url:
            raise ValueError("SMS_PROVIDER=http needs SMS_GATEWAY_URL")
        return HttpSms(settings.sms_gateway_url, key, timeout=settings.sms_timeout_seconds,
                       attempts=settings.sms_attempts)
    if settings.sms_provider == "thaibulksms":
        secret = settings.sms_api_secret.get_secret_value() if settings.sms_api_secret else None
        if not key or not secret:
            raise ValueError("SMS_PROVIDER=thaibulksms needs SMS_API_KEY and SMS_API_SECRET")
        return ThaiBulkSms(key, secret, sender=settings.sms_sender, force=settings.sms_thaibulksms_force,
                           url=settings.sms_gateway_url, timeout=settings.sms_timeout_seconds,
                           attempts=settings.sms_attempts)
    log.warning("SMS_PROVIDER=console: no SMS is really sent, OTP codes are printed on this console "
                "(development only; set SMS_PROVIDER for production)")
    return ConsoleSms()


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
    metrics = Metrics()
    return Services(
        metrics=metrics,
        settings=settings,
        store=store,
        sessions=SessionStore(store, settings.session_ttl_seconds),
        knowledge=knowledge,
        nlu=nlu,
        line=line or build_line(settings, metrics),
        db=Database(settings.database_url),
        files=build_file_store(settings.storage_dir, settings.s3_bucket, settings.s3_endpoint_url,
                               encryption_key=pii_cipher(settings).file_key),  # uploads encrypted at rest
        # the configured gateway is counted for /metrics; a ready-made one (tests' fake) is used as given
        sms=sms or CountedSms(build_sms(settings), metrics),
    )
