"""Signed, expiring links the case cards carry: the payment page (and its QR and printable bill), the licence.

Tokens are `core.signed_links` tokens; the pages behind them are `bot/web/routes.py` (payment area),
which reads `app.state.link_signer` and `app.state.bill_lookup` (set in app.py from this module and
bot/office/billing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.web.links import licence_url, link_signer_for, pay_url
from core.signed_links import LinkSigner


@dataclass(frozen=True)
class CaseLinks:
    settings: Settings
    signer: LinkSigner

    @classmethod
    def for_settings(cls, settings: Settings) -> CaseLinks:
        return cls(settings, link_signer_for(settings))

    def pay(self, tracking: str, expires_at: datetime) -> str:
        return pay_url(self.settings, self.signer, tracking, expires_at)

    def licence(self, tracking: str, expires_at: datetime) -> str:
        return licence_url(self.settings, self.signer, tracking, expires_at)
