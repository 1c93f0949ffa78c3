"""The environment contract (see README): every setting the bot reads, in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from integrations.storage.db import DEFAULT_DATABASE_URL

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

    @property
    def line_configured(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def channel_secret(self) -> str:
        return self.line_channel_secret.get_secret_value() if self.line_channel_secret else ""


@lru_cache
def get_settings() -> Settings:
    return Settings()
