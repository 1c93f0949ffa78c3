"""Logging with personal data masked: national IDs, phone numbers and OTPs never reach a log in clear."""

from __future__ import annotations

import logging

from core.masking import mask_text


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class AccessLogMaskingFilter(logging.Filter):
    """uvicorn's access lines carry the request path (a payment link's token) as an argument its formatter
    unpacks, so mask inside the arguments instead of flattening the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_text(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    if not any(isinstance(f, MaskingFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler)
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")  # its own handler, not the root's (pay area: link tokens)
    if not any(isinstance(f, AccessLogMaskingFilter) for f in access.filters):
        access.addFilter(AccessLogMaskingFilter())
    # SQLAlchemy logs every statement at INFO/DEBUG when the root logger lets it: never (issue 15)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
