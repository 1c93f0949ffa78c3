"""SMS providers behind one interface (`SmsSender`): console (development), http, thaibulksms; fake for tests."""

from __future__ import annotations

from integrations.sms.base import SmsError, SmsSender
from integrations.sms.console import ConsoleSms
from integrations.sms.http import HttpSms
from integrations.sms.thaibulksms import ThaiBulkSms

__all__ = ["ConsoleSms", "HttpSms", "SmsError", "SmsSender", "ThaiBulkSms"]
