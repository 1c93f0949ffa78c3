"""Signed, expiring links the case cards carry: the payment page (and its QR and printable bill), the licence.

Tokens are `core.signed_links` tokens; the pages behind them are `bot/web/routes.py` (payment area),
which reads `app.state.link_signer` and `app.state.bill_lookup` (set in app.py from this module and
bot/office/billing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from core.signed_links import LinkSigner
from integrations.storage.pii import cipher_for, key_file

PAY_PURPOSE = "pay"
LICENCE_PURPOSE = "licence"


def link_signer_for(settings: Settings) -> LinkSigner:
    """Keyed from SECRET_KEY, or the generated development key file (LinkSigner derives its own key)."""
    if settings.secret_key:
        return LinkSigner(settings.secret_key.get_secret_value().encode())
    cipher_for(settings)  # creates the development key file when there is none yet
    return LinkSigner(bytes.fromhex(key_file(settings).read_text().strip()))


@dataclass(frozen=True)
class CaseLinks:
    base_url: str
    signer: LinkSigner

    @classmethod
    def for_settings(cls, settings: Settings) -> CaseLinks:
        return cls(settings.public_base_url.rstrip("/"), link_signer_for(settings))

    def pay(self, tracking: str, expires_at: datetime) -> str:
        return f"{self.base_url}/pay/{self.signer.make(PAY_PURPOSE, tracking, expires_at)}"

    def licence(self, tracking: str, expires_at: datetime) -> str:
        return f"{self.base_url}/files/licence/{self.signer.make(LICENCE_PURPOSE, tracking, expires_at)}"
