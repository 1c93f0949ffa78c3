"""SMS providers behind one interface (`SmsSender`): console (development), http, thaibulksms; fake for tests."""

from __future__ import annotations

import logging

from bot.config import Settings
from integrations.sms.base import SmsError, SmsSender
from integrations.sms.console import ConsoleSms
from integrations.sms.http import HttpSms
from integrations.sms.thaibulksms import ThaiBulkSms

__all__ = ["ConsoleSms", "HttpSms", "SmsError", "SmsSender", "ThaiBulkSms", "build_sms"]
log = logging.getLogger(__name__)


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
