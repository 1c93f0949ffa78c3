"""Development SMS: nothing is sent; the code is shown on stderr, clearly marked, for the developer."""

from __future__ import annotations

import sys
from typing import TextIO

from core.masking import mask_mobile as masked


class ConsoleSms:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, to: str, text: str) -> None:
        stream = self._stream or sys.stderr
        # Not a log record on purpose: logs mask codes, and this output exists to show one.
        stream.write(f"[DEV SMS - ไม่ได้ส่งจริง / not sent] to {masked(to)}: {text}\n")
        stream.flush()

    async def close(self) -> None:
        return None
