"""Links that expire: a signed token naming what it opens (purpose), for whom (subject), until when.

The token is `<subject, base64url>.<expiry, unix seconds>.<HMAC-SHA256, base64url, 128 bits>`. The MAC covers
the purpose, the subject and the expiry, so a payment-page token never opens a licence download, and changing
any part (a different tracking number, a later expiry) breaks it. The subject (a tracking number) is readable
in the token: the token proves the link was issued, it does not hide which case it is for.
Pure code: the caller passes the clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime

_MAC_BYTES = 16


class LinkInvalid(Exception):
    """The token was not issued by us for this purpose, or was altered (→ 403)."""


class LinkExpired(Exception):
    """A genuine token whose time is over (→ 410). `subject` is trustworthy: the MAC was checked first."""

    def __init__(self, subject: str, expired_at: datetime) -> None:
        super().__init__(f"link expired at {expired_at.isoformat()}")
        self.subject = subject
        self.expired_at = expired_at


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must carry a time zone (got a naive datetime)")
    return moment


class LinkSigner:
    """Makes and reads signed tokens with one secret (keep it out of the repository; rotate = old links die)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the link secret must be at least 16 bytes")
        # a key of its own, so the same SECRET_KEY used elsewhere never signs links directly
        self._key = hmac.new(secret, b"signed-links/v1", hashlib.sha256).digest()

    def _mac(self, purpose: str, subject: str, expires: int) -> bytes:
        message = b"\x00".join((purpose.encode(), subject.encode(), str(expires).encode()))
        return hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]

    def make(self, purpose: str, subject: str, expires_at: datetime) -> str:
        """A URL-safe token for `subject` that `read(token, purpose, now)` accepts until `expires_at`."""
        if not purpose or not subject:
            raise ValueError("a link needs a purpose and a subject")
        expires = int(_aware(expires_at, "expires_at").timestamp())
        return f"{_b64(subject.encode())}.{expires}.{_b64(self._mac(purpose, subject, expires))}"

    def read(self, token: str, purpose: str, now: datetime) -> str:
        """The subject of a genuine, unexpired token for `purpose`; else LinkInvalid or LinkExpired."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 12:
            raise LinkInvalid("not a link token")
        try:
            subject = _unb64(parts[0]).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise LinkInvalid("not a link token") from error
        expires = int(parts[1])
        # compare the canonical text, so no second spelling of a token (other padding bits) is accepted
        expected = f"{_b64(subject.encode())}.{expires}.{_b64(self._mac(purpose, subject, expires))}"
        if not hmac.compare_digest(token.encode("ascii", errors="replace"), expected.encode("ascii")):
            raise LinkInvalid("the token does not match its contents or purpose")
        expired_at = datetime.fromtimestamp(expires, tz=UTC)
        if _aware(now, "now") >= expired_at:
            raise LinkExpired(subject, expired_at)
        return subject
