"""The personal-data cipher for these settings: SECRET_KEY, else a development key file beside the data."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from integrations.storage.pii import PiiCipher, cipher_for


def key_file(settings: Settings) -> Path:
    return settings.secret_key_file or settings.storage_dir.parent / "secret.key"


def pii_cipher(settings: Settings) -> PiiCipher:
    configured = settings.secret_key.get_secret_value() if settings.secret_key else ""
    return cipher_for(configured, key_file(settings))
