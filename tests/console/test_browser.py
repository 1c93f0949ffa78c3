"""The console in a real browser (Playwright + Debian's Chromium) against a real uvicorn.

The issue's scenario, end to end, as a new officer would live it on a tablet: the account is
made with the CLI; log in; a citizen chatting through the webhook asks for a person; the
ticket appears without a reload; the officer's reply reaches the citizen's LINE (the fake)
exactly once; the citizen's next message gets no bot answer but appears in the transcript;
close, and the bot answers again. Screenshots go to the test's tmp dir.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.config import REPO_ROOT, Settings
from bot.runtime.kv import MemoryStore
from bot.runtime.services import build_services
from bot.tools.simulator import Simulator
from integrations.line.fake import FakeLineServer
from integrations.sms.fake import FakeSms
from knowledge.store import KnowledgeStore
from tests.applications.helpers import tap, to_review
from tests.factories import ACCESS_TOKEN, CHANNEL_SECRET, body, signed_headers, text_event
from tests.servers import free_port, wait_until_up

CHROMIUM = Path("/usr/bin/chromium")
GROUP_ID = "C" + "b2" * 16
PASSWORD = "tablet-pass-1"
TABLET = {"width": 820, "height": 1180}  # a 10-inch tablet held upright
SCREENSHOTS_KEPT = REPO_ROOT / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]


@dataclass
class Server:
    base_url: str
    env: dict[str, str]
    log: Path


@pytest.fixture
async def server(tmp_path: Path, fake_line: FakeLineServer) -> AsyncIterator[Server]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DATABASE_", "REDIS_"))},
        "PYTHONPATH": str(REPO_ROOT),
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": fake_line.base_url, "LINE_DATA_API_BASE_URL": fake_line.base_url,
        "LINE_OFFICER_GROUP_ID": GROUP_ID, "PUBLIC_BASE_URL": base,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "STORAGE_DIR": str(tmp_path / "uploads"), "SECRET_KEY": "browser-test-secret-key-0123456789",
        "WATCH_KNOWLEDGE": "false", "REMINDER_ENABLED": "false", "OUTBOX_INTERVAL_SECONDS": "1",
    }
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
             "--timeout-graceful-shutdown", "3"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        await wait_until_up(f"{base}/readyz", exit_code=proc.poll, details=lambda: log.read_text()[-3000:])
        yield Server(base, env, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def submitted_case(server: Server, line: FakeLineServer, knowledge: KnowledgeStore, user_id: str) -> str:
    """A citizen's application submitted through the chat, written to the server's database."""
    env = server.env
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        line_channel_secret=CHANNEL_SECRET, line_channel_access_token=ACCESS_TOKEN,
        line_api_base_url=line.base_url, line_data_api_base_url=line.base_url,
        database_url=env["DATABASE_URL"], storage_dir=Path(env["STORAGE_DIR"]), secret_key=env["SECRET_KEY"],
        watch_knowledge=False,
    )
    sms = FakeSms()
    services = build_services(settings, store=MemoryStore(), knowledge=knowledge, sms=sms)
    try:
        sim = Simulator(services, user_id=user_id)
        await to_review(sim, line)
        await tap(sim, "ยืนยันและส่งคำขอ")
        done = await sim.text(sms.last_code())
    finally:
        await services.close()
    tracking = next(word for word in done.text.split() if word.startswith("TJL-"))
    return tracking.rstrip("ค่ะ.")


def _cli(server: Server, *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO_ROOT, env=server.env, input=stdin.encode(),
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout.decode()


class Citizen:
    def __init__(self, server: Server, line: FakeLineServer, user_id: str) -> None:
        self.server, self.line, self.user_id = server, line, user_id
        self._tokens = 0

    async def say(self, text: str) -> str:
        """Send a text through the webhook; returns the reply token the bot may use."""
        self._tokens += 1
        token = f"tok-browser-{self._tokens}"
        self.line.token_owner[token] = self.user_id
        raw = body(text_event(self.user_id, text, reply_token=token))
        async with httpx.AsyncClient() as http:
            answer = await http.post(f"{self.server.base_url}/callback", content=raw, headers=signed_headers(raw))
        assert answer.status_code == 200
        return token

    def replies_to(self, token: str) -> list[dict[str, object]]:
        return [c.body for c in self.line.sent("/reply") if c.body.get("replyToken") == token]

    def pushes(self) -> list[dict[str, object]]:
        return [c.body for c in self.line.sent("/push") if c.body.get("to") == self.user_id]


async def eventually(check: Callable[[], bool], what: str, attempts: int = 300) -> None:
    for _ in range(attempts):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def test_an_officer_answers_a_citizen_and_moves_a_case_from_the_console(
    server: Server, fake_line: FakeLineServer, tmp_path: Path, knowledge_store: KnowledgeStore,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")
    out = _cli(server, "officer", "add", "somsri", "--role", "officer", stdin=f"{PASSWORD}\n")
    assert out.strip().splitlines()[-1]  # the API token, printed once
    citizen = Citizen(server, fake_line, "U" + "c3" * 16)
    fake_line.profiles[citizen.user_id] = "มานี ใจดี"
    shots = tmp_path / "screenshots"
    shots.mkdir()

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = await (await browser.new_context(viewport=TABLET, locale="th-TH")).new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))

        await page.goto(f"{server.base_url}/console/inbox")
        assert "/console/login" in page.url  # nothing without logging in
        await page.fill("#username", "somsri")
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url("**/console/inbox")
        await page.wait_for_selector("#tickets-empty")

        # the citizen asks for a person: the ticket appears in the open inbox, no reload
        await page.evaluate("() => { window.__notReloaded = true; }")
        asked = await citizen.say("ขอคุยกับเจ้าหน้าที่ค่ะ")
        ticket = page.locator("[data-ticket]").first
        await ticket.wait_for(timeout=15_000)
        assert await page.evaluate("() => window.__notReloaded === true")  # the same page, not a reload
        assert "มานี ใจดี" in await ticket.inner_text()
        await eventually(lambda: bool(citizen.replies_to(asked)), "the bot's acknowledgement")
        await eventually(lambda: any(c.body.get("to") == GROUP_ID for c in fake_line.sent("/push")),
                         "the officers' group push")

        await ticket.click()
        await page.wait_for_selector("#reply-text")
        await page.click("#claim")
        await page.wait_for_selector("#ticket-state:has-text('กำลังตอบ')")
        await page.fill("#reply-text", "สวัสดีค่ะ เจ้าหน้าที่สมศรีรับเรื่องแล้วนะคะ")
        await page.click("#send")
        await page.locator(".bubble.officer").first.wait_for()
        await eventually(lambda: len(citizen.pushes()) == 1, "one push with the officer's reply")
        assert citizen.pushes()[0]["messages"][0]["text"] == "สวัสดีค่ะ เจ้าหน้าที่สมศรีรับเรื่องแล้วนะคะ"  # type: ignore[index]

        # the citizen's next message: no bot answer, but it shows up in the transcript, live
        quiet = await citizen.say("ขอบคุณค่ะ จะไปยื่นเอกสารพรุ่งนี้")
        await page.locator(".bubble.citizen", has_text="จะไปยื่นเอกสารพรุ่งนี้").wait_for(timeout=15_000)
        assert citizen.replies_to(quiet) == [] and len(citizen.pushes()) == 1
        await page.screenshot(path=str(shots / "inbox.png"), full_page=True)

        # close: the bot is back (and asks for a rating), and answers the next question
        await page.click("#close")
        await page.wait_for_selector("#ticket-state:has-text('ปิดแล้ว')")
        await eventually(lambda: len(citizen.pushes()) == 2, "the closing message")
        back = await citizen.say("ภาษีป้ายต้องยื่นเดือนไหน")
        await eventually(lambda: bool(citizen.replies_to(back)), "the bot answering again")
        assert "มีนาคม" in str(citizen.replies_to(back)[0]["messages"])
        assert len(citizen.pushes()) == 2  # each officer message reached the citizen exactly once
        await page.click("button:has-text('ออกจากระบบ')")
        await page.wait_for_url("**/console/login")

        # an application submitted in the chat, moved to approved from its case page by the decider
        applicant = "U" + "f6" * 16
        tracking = await submitted_case(server, fake_line, knowledge_store, applicant)
        _cli(server, "officer", "add", "boss", "--role", "admin", "--display-name", "ปลัดสมชาย",
             stdin=f"{PASSWORD}\n")
        await page.fill("#username", "boss")
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url("**/console/inbox")
        await page.click("nav >> text=คำขอ")
        await page.click(f"a:has-text('{tracking}')")
        await page.wait_for_selector("#case-state")
        assert "XXXX" in await page.inner_text("#national-id")

        def pushed_to_applicant() -> list[dict[str, object]]:
            return [c.body for c in fake_line.sent("/push") if c.body.get("to") == applicant]

        for step, count in (("preliminary_check", 1), ("consideration", 2)):
            await page.click(f"[data-move={step}]")
            await page.wait_for_selector(".notice")
            await eventually(lambda count=count: len(pushed_to_applicant()) == count, f"push for {step}")
        await page.fill("#note", "อนุญาตแล้วค่ะ รอแจ้งค่าธรรมเนียมนะคะ")
        await page.screenshot(path=str(shots / "case.png"), full_page=True)
        await page.click("[data-move=approved]")
        await page.wait_for_selector("#case-state:has-text('อนุญาตแล้ว')")
        await eventually(lambda: len(pushed_to_applicant()) == 3, "the approval push")
        assert "อนุญาตแล้วค่ะ รอแจ้งค่าธรรมเนียมนะคะ" in str(pushed_to_applicant()[-1])
        await browser.close()

    if os.environ.get("KEEP_SCREENSHOTS"):
        SCREENSHOTS_KEPT.mkdir(parents=True, exist_ok=True)
        for shot in shots.iterdir():
            shutil.copy(shot, SCREENSHOTS_KEPT / shot.name)
