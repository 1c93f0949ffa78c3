"""Typed postback data: `a=<action>&s=<service>&…`, at most 300 characters (LINE's limit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

MAX_POSTBACK_CHARS = 300


@dataclass(frozen=True)
class Postback:
    action: str
    params: dict[str, str] = field(default_factory=dict)

    def pack(self) -> str:
        data = urlencode({"a": self.action, **self.params})
        if len(data) > MAX_POSTBACK_CHARS:
            raise ValueError(f"postback data over {MAX_POSTBACK_CHARS} characters: {data[:60]}…")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Postback | None:
        if not data:
            return None
        pairs = dict(parse_qsl(data, keep_blank_values=True))
        action = pairs.pop("a", None)
        return cls(action, pairs) if action else None

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.params.get(key, default)


def postback(action: str, **params: str | None) -> str:
    """Shortcut for building button data: postback("docs", s="signboard_tax")."""
    return Postback(action, {k: v for k, v in params.items() if v is not None}).pack()
