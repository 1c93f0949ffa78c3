"""Staff change a fee in YAML while the bot runs: citizens are quoted the new fee, and a broken
save changes nothing they see. How fast (under two seconds on an idle machine) is measured by
`python bench/knowledge_reload.py`, not asserted here: a busy 2-core CI machine is slower."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

from bot.config import REPO_ROOT, Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import build_services
from bot.tools.simulator import Simulator
from knowledge.store import KnowledgeStore

QUESTION = "จดทะเบียนพาณิชย์ตั้งใหม่ ค่าธรรมเนียมเท่าไหร่คะ"


PATIENCE_SECONDS = 60.0  # generous: this test is about behaviour, the bench measures speed


async def _until(check, seconds: float = PATIENCE_SECONDS) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_fee_changed_in_yaml_is_quoted_and_a_broken_save_changes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    tree = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge" / "national", tree / "national")
    shutil.copytree(REPO_ROOT / "knowledge" / "offices", tree / "offices")
    office = tree / "offices" / "tha_cha_lung"
    knowledge = KnowledgeStore(office)
    services = build_services(settings, store=MemoryStore(), knowledge=knowledge)
    await services.db.migrate()
    sim = Simulator(services)
    stop = asyncio.Event()
    watcher = asyncio.create_task(knowledge.watch(stop))
    try:
        assert "50 บาท" in (await sim.text(QUESTION)).text
        await asyncio.sleep(0.3)  # the watcher is up
        service_file = tree / "national" / "services" / "commercial_registration_new.yaml"
        original = service_file.read_text(encoding="utf-8")
        assert original.count("amount_baht: 50") == 1
        service_file.write_text(original.replace("amount_baht: 50", "amount_baht: 70"), encoding="utf-8")

        async def quotes_70() -> bool:
            return "70 บาท" in (await sim.text(QUESTION)).text

        assert await _until(quotes_70)

        # a broken save (a document without its count) is refused: the 70 baht stays in force
        broken = service_file.read_text(encoding="utf-8").replace("copies:", "kopies:", 1)
        service_file.write_text(broken, encoding="utf-8")

        async def refused() -> bool:
            return bool(knowledge.last_errors)

        assert await _until(refused)
        assert any("commercial_registration_new.yaml" in str(e) for e in knowledge.last_errors)
        assert "70 บาท" in (await sim.text(QUESTION)).text
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 5)
        await services.close()
