"""Fixtures for the office side: a settable clock, officers with tokens, an outbox sender on the fake LINE."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.office.outbox import OutboxSender
from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services
from tests.applications.helpers import FakeClock

PASSWORD = "correct horse battery"


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock()
    services.clock = fake
    return fake


@dataclass(frozen=True)
class Staff:
    officer_token: str
    admin_token: str

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    @property
    def officer(self) -> dict[str, str]:
        return self.auth(self.officer_token)

    @property
    def admin(self) -> dict[str, str]:
        return self.auth(self.admin_token)


@pytest.fixture
async def staff(services: Services, clock: FakeClock) -> Staff:
    await services.accounts.create("somchai", PASSWORD, role="officer", display_name="สมชาย ใจดี")
    await services.accounts.create("head", PASSWORD, role="admin", display_name="หัวหน้าสำนักปลัด")
    return Staff(await services.accounts.issue_token("somchai"), await services.accounts.issue_token("head"))


@pytest.fixture
def sender(services: Services, clock: FakeClock) -> OutboxSender:
    """The sender the app builds, driven by hand (the app's own loop is not running in these tests)."""
    return build_outbox_sender(services)
