"""Stand-ins for LINE's content API in the simulator: `/image` and `/file` send a local sample.

Without LINE settings there is no content API to download a citizen's photo from, so the
documented way to try the bot could not get past the document step. The simulator gives its
image and file messages ids that say what they are; this messenger answers `get_content` for
those ids with a sample photo (PNG) or PDF from `bot/tools/samples/` and passes everything else
to the real (or null) messenger.
"""

from __future__ import annotations

from pathlib import Path

from integrations.line.client import LineMessage, LineMessenger

SAMPLES = Path(__file__).resolve().parent / "samples"
IMAGE_PREFIX = "sample-image-"
FILE_PREFIX = "sample-file-"
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def sample_id(kind: str, serial: int, name: str | None = None) -> str:
    """A message id the sample messenger recognises: images, and files by their name."""
    if kind == "image" or (name or "").lower().endswith(_IMAGE_SUFFIXES):
        return f"{IMAGE_PREFIX}{serial}"
    return f"{FILE_PREFIX}{serial}"


class SampleContentMessenger:
    """Wraps a LineMessenger; content of simulator ids comes from the local samples."""

    def __init__(self, inner: LineMessenger, samples: Path = SAMPLES) -> None:
        self.inner = inner
        self._image = (samples / "sample.png").read_bytes()
        self._pdf = (samples / "sample.pdf").read_bytes()

    async def get_content(self, message_id: str) -> tuple[bytes, str]:
        if message_id.startswith(IMAGE_PREFIX):
            return self._image, "image/png"
        if message_id.startswith(FILE_PREFIX):
            return self._pdf, "application/pdf"
        return await self.inner.get_content(message_id)

    async def reply(self, reply_token: str, messages: list[LineMessage]) -> None:
        await self.inner.reply(reply_token, messages)

    async def push(self, to: str, messages: list[LineMessage], retry_key: str | None = None) -> None:
        await self.inner.push(to, messages, retry_key)

    async def multicast(self, to: list[str], messages: list[LineMessage], retry_key: str | None = None) -> None:
        await self.inner.multicast(to, messages, retry_key)

    async def show_loading(self, chat_id: str, seconds: int = 20) -> None:
        await self.inner.show_loading(chat_id, seconds)

    async def display_name(self, user_id: str) -> str | None:
        return await self.inner.display_name(user_id)

    async def close(self) -> None:
        await self.inner.close()
