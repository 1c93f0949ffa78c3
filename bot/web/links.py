"""Signed links to the payment page and to licence downloads (what the LINE cards' buttons open).

The case-lifecycle code decides how long a link lives (its settings) and passes `expires_at`.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.runtime.pii import key_file, pii_cipher
from core.signed_links import LinkSigner

PAY_PURPOSE = "pay"
LICENCE_PURPOSE = "licence"


def link_signer_for(settings: Settings) -> LinkSigner:
    """The signer for this deployment: keyed from SECRET_KEY (or the generated development key file).

    LinkSigner derives a key of its own from it, so sharing SECRET_KEY with the PII cipher is safe.
    """
    if settings.secret_key:
        return LinkSigner(settings.secret_key.get_secret_value().encode())
    pii_cipher(settings)  # creates the development key file when there is none yet
    return LinkSigner(bytes.fromhex(key_file(settings).read_text().strip()))


def pay_url(settings: Settings, signer: LinkSigner, tracking: str, expires_at: datetime) -> str:
    """PUBLIC_BASE_URL/pay/<token>: the bill, its QR, the channels, a printable bill."""
    return f"{settings.public_base_url.rstrip('/')}/pay/{signer.make(PAY_PURPOSE, tracking, expires_at)}"


def licence_url(settings: Settings, signer: LinkSigner, tracking: str, expires_at: datetime) -> str:
    """PUBLIC_BASE_URL/files/licence/<token>: the case's licence or receipt PDF."""
    token = signer.make(LICENCE_PURPOSE, tracking, expires_at)
    return f"{settings.public_base_url.rstrip('/')}/files/licence/{token}"
