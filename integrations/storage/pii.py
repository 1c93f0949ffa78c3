"""Personal data at rest: national IDs and phone numbers are stored encrypted (AES-256-GCM),
with a keyed hash (HMAC-SHA256) beside them when the value must be looked up or counted.

One server secret (SECRET_KEY) feeds every purpose through separate derived keys. Without
SECRET_KEY a random key is created once in a file next to the data (development only: the
log says so); losing that file makes stored IDs unreadable, so production must set SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)
_FORMAT = "v1"
_cache: dict[tuple[str, str], PiiCipher] = {}
_cache_lock = threading.Lock()


class PiiCipher:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the secret key must be at least 16 bytes")
        self._aead = AESGCM(self.derive(secret, b"pii-encryption"))
        self._index_key = self.derive(secret, b"pii-index")
        self.otp_key = self.derive(secret, b"otp-hash")
        self.file_key = self.derive(secret, b"file-encryption")  # uploads at rest (integrations/storage/files.py)

    @staticmethod
    def derive(secret: bytes, purpose: bytes) -> bytes:
        return hmac.new(secret, purpose, hashlib.sha256).digest()

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), _FORMAT.encode())
        return f"{_FORMAT}:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        version, _, payload = token.partition(":")
        if version != _FORMAT:
            raise ValueError("unknown encryption format")
        raw = base64.urlsafe_b64decode(payload)
        return self._aead.decrypt(raw[:12], raw[12:], _FORMAT.encode()).decode()

    def index(self, plain: str) -> str:
        """A keyed hash for equality look-ups (same input, same output; not reversible)."""
        return hmac.new(self._index_key, plain.encode(), hashlib.sha256).hexdigest()


def _load_or_create(path: Path) -> bytes:
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it a moment ago
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())
    log.warning("SECRET_KEY is not set: created a development key in %s (set SECRET_KEY in production)", path)
    return key


def cipher_for(configured: str, path: Path) -> PiiCipher:
    """The cipher for a configured secret, else for the key kept in `path` (built once per key)."""
    cache_key = (hashlib.sha256(configured.encode()).hexdigest(), str(path) if not configured else "")
    with _cache_lock:
        cipher = _cache.get(cache_key)
        if cipher is None:
            secret = configured.encode() if configured else _load_or_create(path)
            cipher = _cache[cache_key] = PiiCipher(secret)
    return cipher
