"""HMAC-SHA256 signatures over request bodies (the payment provider's callback, `X-Signature`)."""

from __future__ import annotations

import hashlib
import hmac


def sign_body(body: bytes, secret: str) -> str:
    """The hex HMAC-SHA256 of `body` under `secret`: what the sender puts in `X-Signature`."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_body(body: bytes, signature: str | None, secret: str) -> bool:
    """True only when `signature` is the body's HMAC under `secret`; compared in constant time.

    No secret configured, no header, or a header that is not hex → False (never "accept unsigned").
    """
    if not secret or not signature:
        return False
    presented = signature.strip().lower()
    expected = sign_body(body, secret)
    return hmac.compare_digest(presented.encode("ascii", errors="replace"), expected.encode("ascii"))
