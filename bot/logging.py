"""Logging with personal data masked: national IDs, phone numbers and OTPs never reach a log in clear.

LOG_FORMAT=json (the default) writes one JSON object per line with the webhook event id of the turn
that logged it (`log_context`), so an operator can follow one citizen's message through web, queue and
worker without the message itself ever being written: the bot logs ids, kinds and outcomes, never the
text a citizen typed, and everything that is written passes `mask_text` (message and traceback).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from core.masking import mask_text

_event_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("event_id", default=None)


@contextlib.contextmanager
def log_context(event_id: str | None) -> Iterator[None]:
    """Every record logged inside (this task and the tasks it starts) carries this event id."""
    token = _event_id.set(event_id)
    try:
        yield
    finally:
        _event_id.reset(token)


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if not hasattr(record, "event_id"):
            record.event_id = _event_id.get()
        return True


class AccessLogMaskingFilter(logging.Filter):
    """uvicorn's access lines carry the request path (a payment link's token) as an argument its formatter
    unpacks, so mask inside the arguments instead of flattening the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_text(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, event_id, and exc (masked) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": mask_text(record.getMessage()),
        }
        event_id = getattr(record, "event_id", None) or _event_id.get()
        if event_id:
            entry["event_id"] = event_id
        if record.exc_info:
            entry["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))  # the traceback too


HANDLER_NAME = "bot-masked"


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         _TextFormatter("%(asctime)s %(levelname)s %(name)s [%(event_id)s]: %(message)s"))
    handler.addFilter(MaskingFilter())
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)  # set up again (tests, a second app): replace, never duplicate
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own loggers write through ours, so its lines are JSON and masked too
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    access = logging.getLogger("uvicorn.access")  # its arguments carry payment-link tokens: mask inside them too
    if not any(isinstance(f, AccessLogMaskingFilter) for f in access.filters):
        access.addFilter(AccessLogMaskingFilter())
    # SQLAlchemy logs every statement at INFO/DEBUG when the root logger lets it: never (issue 15)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
