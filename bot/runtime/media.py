"""Fetch what a citizen sent (photo, PDF) from LINE and check it before anyone stores it."""

from __future__ import annotations

from bot.transport.events import EventKind, InboundEvent
from core.media import ALLOWED_TYPES, MAX_UPLOAD_BYTES, Media, MediaRejected, sniff
from integrations.line.client import LineError, LineMessenger
from integrations.storage.files import FileStore


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


class LineMedia:
    """The media port (core/ports.py) on LINE's content API and the file store."""

    def __init__(self, line: LineMessenger, files: FileStore) -> None:
        self._line = line
        self._files = files

    async def fetch(self, message: object) -> Media:
        if not isinstance(message, InboundEvent):
            raise MediaRejected("media.wrong_kind")
        return await fetch_media(self._line, message)

    async def keep(self, folder: str, name: str, media: Media) -> str:
        return await self._files.save(folder, name, media.data, media.content_type)

    async def discard(self, key: str) -> None:
        await self._files.delete(key)
