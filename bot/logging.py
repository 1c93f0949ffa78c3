"""Logging with personal data masked: national IDs, phone numbers and OTPs never reach a log in clear."""

from __future__ import annotations

import logging
import re

# 13-digit national id, with or without dashes/spaces (1-2345-67890-12-3)
_NATIONAL_ID = re.compile(r"(?<!\d)(\d)[- ]?(\d{4})[- ]?(\d{5})[- ]?(\d{2})[- ]?(\d)(?!\d)")
# Thai mobile numbers: 0[689]x-xxx-xxxx or +66 [689]x…
_PHONE = re.compile(r"(?<!\d)(?:\+?66[- ]?|0)([689])(\d)[- ]?(\d{3})[- ]?(\d{4})(?!\d)")
# a 6-digit code next to the word OTP / รหัส
_OTP = re.compile(r"(?i)((?:otp|รหัส)\D{0,12})(\d{6})(?!\d)")
# signed payment / licence link tokens (core/signed_links.py): whoever reads the log could open the bill
_LINK_TOKEN = re.compile(r"(/pay/|/files/licence/)[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+")


def mask_text(text: str) -> str:
    text = _LINK_TOKEN.sub(lambda m: f"{m.group(1)}<token>", text)
    text = _NATIONAL_ID.sub(lambda m: f"{m.group(1)}-XXXX-XXXXX-XX-{m.group(5)}", text)
    text = _PHONE.sub(lambda m: f"0{m.group(1)}X-XXX-{m.group(4)}", text)
    return _OTP.sub(lambda m: f"{m.group(1)}******", text)


def mask_id(value: str | None) -> str:
    """Shorten a LINE id for logs: enough to correlate, not to contact."""
    if not value:
        return "-"
    return value if len(value) <= 8 else f"{value[:5]}…{value[-3:]}"


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    if not any(isinstance(f, MaskingFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler)
    root.setLevel(level)
