"""The payment pages under test: the real app with an in-memory BillLookup and a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI

from bot.runtime.services import Services
from core.billing import Bill
from core.signed_links import LinkSigner

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok
TODAY = date(2026, 12, 4)


@dataclass
class MemoryBills:
    """BillLookup kept in dictionaries; counts look-ups so tests can see a refused link never reached it."""

    bills: dict[str, Bill] = field(default_factory=dict)
    licences: dict[str, bytes] = field(default_factory=dict)
    lookups: int = 0

    async def bill_for(self, tracking: str) -> Bill | None:
        self.lookups += 1
        return self.bills.get(tracking)

    async def licence_for(self, tracking: str) -> bytes | None:
        self.lookups += 1
        return self.licences.get(tracking)


@pytest.fixture
def bills() -> MemoryBills:
    return MemoryBills()


@pytest.fixture
def signer() -> LinkSigner:
    return LinkSigner(b"web-test-secret-0123456789")


@pytest.fixture
async def pay_app(app: FastAPI, services: Services, bills: MemoryBills, signer: LinkSigner) -> FastAPI:
    services.clock = lambda: NOW
    app.state.bill_lookup = bills
    app.state.link_signer = signer
    return app


@pytest.fixture
async def web(pay_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=pay_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        yield http
