"""The environment contract (see README): every setting the bot reads, in one place."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from integrations.storage.db import DEFAULT_DATABASE_URL

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
MIN_SECRET_KEY_CHARS = 32
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = REPO_ROOT / "knowledge" / "offices" / "tha_cha_lung"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    public_base_url: str = "http://localhost:8000"
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    watch_knowledge: bool = True

    sms_provider: Literal["console", "http", "thaibulksms"] = "console"
    sms_gateway_url: str | None = None
    sms_api_key: SecretStr | None = None
    sms_api_secret: SecretStr | None = None
    sms_sender: str = "OTP"
    sms_timeout_seconds: float = Field(default=10.0, gt=0)
    sms_attempts: int = Field(default=3, ge=1, le=10)  # tries per SMS (5xx and timeouts are retried)
    sms_thaibulksms_force: Literal["standard", "corporate"] = "corporate"  # ThaiBulkSMS credit type

    # server secret for OTP hashes and encrypted personal data; unset = a generated dev key file
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None  # default: <storage_dir>/../secret.key
    otp_ttl_seconds: int = Field(default=300, ge=30)
    otp_max_attempts: int = Field(default=5, ge=1)
    otp_lock_seconds: int = Field(default=15 * 60, ge=60)
    otp_resend_after_seconds: int = Field(default=60, ge=0)
    otp_max_sends_per_hour: int = Field(default=5, ge=1)

    storage_dir: Path = REPO_ROOT / "data" / "uploads"
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None

    timezone: str = "Asia/Bangkok"
    worker_partitions: int = Field(default=16, ge=1, le=1024)
    # "auto": Redis streams when REDIS_URL is set, else in-process
    queue_backend: Literal["auto", "memory", "redis"] = "auto"
    # false: this web process only enqueues; `python -m bot worker` processes handle the events
    run_workers: bool = True
    dedupe_ttl_seconds: int = 24 * 3600
    session_ttl_seconds: int = 30 * 24 * 3600
    draft_ttl_days: int = 30
    draft_reminder_days: int = Field(default=3, ge=0)  # remind this many days before a draft expires
    log_level: str = "INFO"

    # --- infra (issue 14): performance, metrics, logs ---
    # LINE calls read no ~/.netrc and no HTTP(S)_PROXY unless this is true (reading them costs on every call)
    line_trust_env: bool = False
    line_max_connections: int = Field(default=100, ge=1, le=1000)  # LINE calls in flight at once
    metrics_token: SecretStr | None = None  # GET /metrics needs "Authorization: Bearer <token>"; unset = 404
    log_format: Literal["json", "text"] = "json"
    shutdown_drain_seconds: float = Field(default=20.0, ge=0)  # SIGTERM: time for queued turns to finish
    # Redis queue: a dead worker's partitions pass to another after this (shorter = faster take-over,
    # more lease renewals)
    queue_lease_seconds: float = Field(default=15.0, ge=1, le=300)

    # reliability and security (issue 15; validators below, SECURITY.md)
    webhook_max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)  # 413 above this, before reading it all
    queue_max_pending: int = Field(default=5000, ge=1)  # in-process queue: 503 when this many wait
    queue_journal: bool = True  # in-process queue: persist each event before answering 200, replay at start
    rate_limit_per_minute: int = Field(default=20, ge=0)  # messages a citizen may send a minute; 0 = off
    api_docs: bool = False  # /docs, /redoc, /openapi.json (off: they describe every route to anyone)
    allow_console_sms: bool = False  # SMS_PROVIDER=console on a public server prints OTPs instead of sending
    otp_max_total_failures: int = Field(default=100, ge=1, le=100)  # SP 800-63B 5.2.2, across lock windows
    otp_max_sends_per_hour_per_account: int = Field(default=10, ge=1)  # any number, from one LINE account

    # office side (issue 12: bot/office, bot/api): officers' group, outbox, payments, reminders
    line_officer_group_id: str | None = None  # LINE group: alerts (undeliverable case notices), new handoff tickets
    outbox_interval_seconds: float = Field(default=2.0, gt=0)  # how often the sender looks for due pushes
    outbox_max_attempts: int = Field(default=8, ge=1)  # then the push is marked dead and officers alerted
    outbox_lease_seconds: int = Field(default=120, ge=5)  # a claimed push is retried after this if unfinished
    officer_max_failed_logins: int = Field(default=5, ge=1)  # then the account locks, with backoff
    officer_lock_minutes: int = Field(default=15, ge=1)  # first lock; doubles with each further failure
    payment_webhook_secret: SecretStr | None = None  # HMAC-SHA256 key of POST /api/v1/payments/callback
    payment_link_days: int = Field(default=30, ge=1)  # payment page links expire after this
    licence_link_days: int = Field(default=7, ge=1)  # licence download links expire after this
    fee_due_days: int = Field(default=15, ge=1)  # when the manual states no deadline for paying
    fee_reminder_days: int = Field(default=2, ge=0)  # remind this many days before the fee is due
    case_idle_reminder_days: int = Field(default=3, ge=1)  # remind of an unanswered fix / documents request
    case_reminder_interval_seconds: float = Field(default=3600, ge=1)  # how often reminders are looked for
    # handoff to a person and the officers' console (issue 13; bot/office/handoffs.py, console/)
    handoff_escalate_minutes: int = Field(default=15, ge=0)  # unclaimed this long: notify again (0 = never)
    handoff_check_seconds: float = Field(default=60, gt=0)  # how often the escalation job looks
    console_session_hours: int = Field(default=12, ge=1)  # a console login lasts this long

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_log_level(cls, value: object) -> str:
        name = str(value).strip().upper()
        name = {"WARN": "WARNING", "FATAL": "CRITICAL"}.get(name, name)
        if name not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)} (any case), not {value!r}")
        return name

    @field_validator("secret_key")
    @classmethod
    def _long_enough_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_CHARS:
            raise ValueError(f"is too short: use at least {MIN_SECRET_KEY_CHARS} random characters "
                             "(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @field_validator("knowledge_dir")
    @classmethod
    def _existing_knowledge_dir(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @model_validator(mode="after")
    def _no_console_sms_in_public(self) -> Settings:
        if self.sms_provider == "console" and not self.allow_console_sms and not is_local_url(self.public_base_url):
            raise ValueError(
                "SMS_PROVIDER: console only prints OTP codes (nothing is sent) and PUBLIC_BASE_URL is not "
                "localhost: configure a real SMS provider, or set ALLOW_CONSOLE_SMS=true for a demo"
            )
        return self

    @property
    def line_configured(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def channel_secret(self) -> str:
        return self.line_channel_secret.get_secret_value() if self.line_channel_secret else ""


def is_local_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in {"localhost", "127.0.0.1", "::1", "testserver", "bot.test"} or host.endswith(".localhost")


class SettingsError(SystemExit):
    """Bad configuration: one line per wrong setting, no traceback (raised as SystemExit)."""


def describe_errors(error: ValidationError) -> str:
    """`NAME: what is wrong` for each bad setting, one line each, naming the environment variable."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"configuration error: {name}: {message}" if name else f"configuration error: {message}")
    return "\n".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; a bad value ends the program with one clear line (see SettingsError)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        sys.stderr.write(describe_errors(error) + "\n")
        raise SettingsError(2) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
