"""Knowledge in the console: what is loaded, the unanswered questions, and an admin's one-click
"add as FAQ question" that writes the YAML, is validated, goes live and is recorded."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from app import create_app
from bot.config import REPO_ROOT, Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import Services, build_services
from bot.tools.simulator import Simulator
from integrations.storage.models.console import ConsoleAudit
from integrations.storage.models.feedback import top_unknown
from knowledge.store import KnowledgeStore
from tests.console.conftest import PASSWORD, csrf_of, log_in

UNANSWERED = "ยายอายุห้าสิบเก้าลงชื่อได้หรือยัง"
FAQ_ID = "elderly_registration_period"


@pytest.fixture
async def own_tree(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[Services, Path]]:
    """A copy of the knowledge files, with its own store and NLU, so edits touch only the copy."""
    tree = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge" / "national", tree / "national")
    shutil.copytree(REPO_ROOT / "knowledge" / "offices", tree / "offices")
    knowledge = KnowledgeStore(tree / "offices" / "tha_cha_lung")
    services = build_services(settings, store=MemoryStore(), knowledge=knowledge)
    await services.db.migrate()
    yield services, tree
    await services.close()


@pytest.fixture
async def own_app(own_tree: tuple[Services, Path]) -> AsyncIterator[FastAPI]:
    application = create_app(services=own_tree[0])
    async with application.router.lifespan_context(application):
        yield application


async def test_an_admin_adds_an_unanswered_question_to_the_faq_and_the_bot_answers_it(
    own_tree: tuple[Services, Path], own_app: FastAPI,
) -> None:
    services, tree = own_tree
    await services.accounts.create("boss", PASSWORD, role="admin")
    citizen = Simulator(services)
    missed = await citizen.text(UNANSWERED)
    assert "ลงทะเบียน" not in missed.text or "หมายถึง" in missed.text  # not answered from the FAQ yet
    async with services.db.session() as session:
        [unknown] = [q for q in await top_unknown(session) if q.last_text == UNANSWERED]

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=own_app), base_url="http://bot.test") as admin:
        await log_in(admin, "boss")
        page = await admin.get("/console/knowledge")
        assert page.status_code == 200 and UNANSWERED in page.text and "ไม่มีข้อผิดพลาด" in page.text
        added = await admin.post("/console/knowledge/faq-question", data={
            "unknown_id": str(unknown.id), "faq_id": FAQ_ID, "csrf": csrf_of(page.text)})
        assert added.status_code == 303 and "done=" in added.headers["location"]
        after = await admin.get("/console/knowledge")
        assert f"data-unknown=\"{unknown.id}\"" not in after.text and "การเพิ่มคำถามล่าสุด" in after.text

    faq_file = (tree / "national" / "faq.yaml").read_text(encoding="utf-8")
    assert f"      - {UNANSWERED}\n" in faq_file and "# คำถามที่พบบ่อย" in faq_file  # comments kept
    assert any(UNANSWERED in e.questions for e in services.knowledge.current.faq if e.id == FAQ_ID)
    answered = await Simulator(services, user_id="U" + "7" * 32).text(UNANSWERED)
    expected = next(e for e in services.knowledge.current.faq if e.id == FAQ_ID).answer.splitlines()[0]
    assert expected[:20] in answered.text
    async with services.db.session() as session:
        [record] = (await session.exec(select(ConsoleAudit))).all()
    assert (record.action, record.subject, record.officer_name) == ("faq_question_added", FAQ_ID, "boss")


async def test_a_question_the_files_would_refuse_changes_nothing(
    own_tree: tuple[Services, Path], own_app: FastAPI,
) -> None:
    services, tree = own_tree
    await services.accounts.create("boss", PASSWORD, role="admin")
    await Simulator(services).text(UNANSWERED)
    async with services.db.session() as session:
        [unknown] = [q for q in await top_unknown(session) if q.last_text == UNANSWERED]
    before = (tree / "national" / "faq.yaml").read_text(encoding="utf-8")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=own_app), base_url="http://bot.test") as admin:
        await log_in(admin, "boss")
        csrf = csrf_of((await admin.get("/console/knowledge")).text)
        refused = await admin.post("/console/knowledge/faq-question", data={
            "unknown_id": str(unknown.id), "faq_id": "no_such_faq", "csrf": csrf})
        assert refused.status_code == 303 and "error=" in refused.headers["location"]
        page = await admin.get(refused.headers["location"])
        assert "ไม่พบคำถามที่พบบ่อยรหัส no_such_faq" in page.text and UNANSWERED in page.text
    assert (tree / "national" / "faq.yaml").read_text(encoding="utf-8") == before
