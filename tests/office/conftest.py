"""Fixtures for the office side: a settable clock, officers with tokens, an outbox sender on the fake LINE."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from bot.office.outbox import OutboxSender
from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services
from integrations.line.fake import FakeLineServer
from tests.applications.helpers import FakeClock, WebhookChat

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


async def submitted_case(services: Services, user_id: str, service_id: str = "commercial_registration_new",
                         documents: tuple[str, ...] = ("สำเนาบัตรประจำตัวประชาชน",)) -> str:
    """An application submitted the way the chat submits it (ApplicationRepo.submit); returns its tracking number."""
    from bot.runtime.pii import pii_cipher
    from integrations.storage.models.applications import DocumentStatus
    from integrations.storage.repos_applications import ApplicationRepo

    repo = ApplicationRepo(services.db, pii_cipher(services.settings), services.clock)
    service = services.knowledge.current.services[service_id]
    app = await repo.create_draft(user_id, service_id, service.title, None)
    await repo.set_applicant(app, full_name="นายสมชาย ใจดี", national_id="1101700203450", phone="0812345678",
                             address="12 หมู่ 5 ต.ท่าจะหลุง")
    for name in documents:
        key = await services.files.save(f"applications-{app.id}", "doc.jpg", b"\xff\xd8\xff" + b"0" * 50, "image/jpeg")
        await repo.set_document(app.id or 0, name, DocumentStatus.received, file_key=key, content_type="image/jpeg",
                                size_bytes=53)
    return await repo.submit(app, services.knowledge.current.office.tracking_prefix, 2569)


@pytest.fixture
def web(client: httpx.AsyncClient, app: FastAPI, fake_line: FakeLineServer, user_id: str,
        clock: FakeClock) -> WebhookChat:
    """A citizen talking to the real app through POST /callback."""
    return WebhookChat(client, app, fake_line, user_id)
