"""Fetch what a citizen sent (photo, PDF) from LINE and check it before anyone stores it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.transport.events import EventKind, InboundEvent
from integrations.line.client import LineError, LineMessenger

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
# magic numbers: LINE's Content-Type header is trusted only when the bytes agree
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF": "application/pdf"}


class MediaRejected(Exception):
    """Why a file cannot be accepted; `reason` is a message key for the citizen."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Media:
    data: bytes
    content_type: str
    extension: str
    name: str


def sniff(data: bytes) -> str | None:
    for signature, content_type in _SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


async def fetch_media(line: LineMessenger, event: InboundEvent) -> Media:
    """Download and validate an image or file message. Raises MediaRejected with a message key."""
    if event.kind not in {EventKind.image, EventKind.file} or not event.message_id:
        raise MediaRejected("media.wrong_kind")
    if event.file_size is not None and event.file_size > MAX_UPLOAD_BYTES:
        raise MediaRejected("media.too_large")  # refuse before downloading 100 MB
    try:
        data, _declared = await line.get_content(event.message_id)
    except LineError as err:
        raise MediaRejected("media.download_failed") from err
    if len(data) > MAX_UPLOAD_BYTES:
        raise MediaRejected("media.too_large")
    content_type = sniff(data)
    if content_type is None or content_type not in ALLOWED_TYPES:
        raise MediaRejected("media.wrong_type")
    name = event.file_name or f"{event.message_id}{ALLOWED_TYPES[content_type]}"
    return Media(data=data, content_type=content_type, extension=ALLOWED_TYPES[content_type], name=name)
