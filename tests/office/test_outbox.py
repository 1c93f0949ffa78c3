"""The transactional outbox against the fake LINE: nothing lost, nothing sent twice, same retry key throughout."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.office.outbox import OutboxSender, enqueue
from bot.office.wiring import build_outbox_sender
from bot.runtime.services import Services
from integrations.line.client import RetryPolicy, SdkLineMessenger
from integrations.line.fake import FakeLineServer, Fault
from integrations.storage.models.applications import Application
from integrations.storage.models.cases import Case
from integrations.storage.models.office import OutboxMessage
from tests.applications.helpers import FakeClock
from tests.factories import ACCESS_TOKEN

pytestmark = pytest.mark.both_databases  # every test here runs on SQLite and on PostgreSQL

PUSH = "/v2/bot/message/push"


def text(value: str) -> dict[str, str]:
    return {"type": "text", "text": value}


async def put(services: Services, recipient: str, *values: str, case_id: int | None = None,
              purpose: str = "case.transition") -> list[OutboxMessage]:
    async with services.db.session() as session:
        rows = enqueue(session, recipient, [text(v) for v in values], purpose=purpose, now=services.clock(),
                       case_id=case_id)
    return rows


async def rows(services: Services) -> list[OutboxMessage]:
    async with services.db.session() as session:
        return list((await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def pushes_to(fake_line: FakeLineServer, user: str) -> list[dict[str, str]]:
    """Every push call to `user` (any status) as (status, retry key)."""
    return [{"status": str(c.status), "key": c.headers.get("X-Line-Retry-Key", "")}
            for c in fake_line.calls if c.path == PUSH and isinstance(c.body, dict) and c.body.get("to") == user]


@pytest.fixture
async def single_try(fake_line: FakeLineServer) -> AsyncIterator[SdkLineMessenger]:
    """A LINE client without its own quick retries, so every failure shows in the outbox."""
    line = SdkLineMessenger(ACCESS_TOKEN, api_base_url=fake_line.base_url, data_api_base_url=fake_line.base_url,
                            retry=RetryPolicy(attempts=1))
    yield line
    await line.close()


def sender_with(services: Services, line: SdkLineMessenger) -> OutboxSender:
    sender = build_outbox_sender(services)
    sender.line = line
    return sender


async def test_a_committed_push_is_delivered_once_with_its_retry_key(services: Services, sender: OutboxSender,
                                                                      fake_line: FakeLineServer, user_id: str) -> None:
    [row] = await put(services, user_id, "สวัสดีค่ะ")
    assert await sender.drain() == 1
    assert fake_line.texts_to(user_id) == ["สวัสดีค่ะ"]
    assert pushes_to(fake_line, user_id) == [{"status": "200", "key": row.retry_key}]
    [stored] = await rows(services)
    assert stored.sent_at is not None and stored.attempts == 1
    assert await sender.drain() == 0  # nothing more to do
    assert len(fake_line.sent(PUSH)) == 1


async def test_a_rolled_back_transaction_sends_nothing(services: Services, sender: OutboxSender,
                                                       fake_line: FakeLineServer, user_id: str) -> None:
    with pytest.raises(RuntimeError):
        async with services.db.session() as session:
            enqueue(session, user_id, [text("ไม่ควรถึง")], purpose="case.transition", now=services.clock())
            raise RuntimeError("the state change failed")
    assert await sender.drain() == 0
    assert fake_line.texts_to(user_id) == [] and await rows(services) == []


async def test_more_than_five_messages_become_ordered_pushes(services: Services, sender: OutboxSender,
                                                             fake_line: FakeLineServer, user_id: str) -> None:
    created = await put(services, user_id, *[f"ข้อความ {i}" for i in range(7)])
    assert len(created) == 2 and created[0].retry_key != created[1].retry_key
    await sender.drain()
    assert fake_line.texts_to(user_id) == [f"ข้อความ {i}" for i in range(7)]


async def test_a_line_500_is_retried_by_the_client_with_the_same_key(services: Services, sender: OutboxSender,
                                                                     fake_line: FakeLineServer, user_id: str) -> None:
    [row] = await put(services, user_id, "แจ้งผล")
    fake_line.fail_next(PUSH, Fault(500))
    assert await sender.drain() == 1
    assert pushes_to(fake_line, user_id) == [{"status": "500", "key": row.retry_key},
                                             {"status": "200", "key": row.retry_key}]
    assert fake_line.texts_to(user_id) == ["แจ้งผล"]


async def test_a_longer_outage_is_retried_later_with_backoff_and_delivered_once(
    services: Services, single_try: SdkLineMessenger, fake_line: FakeLineServer, user_id: str, clock: FakeClock
) -> None:
    sender = sender_with(services, single_try)
    [row] = await put(services, user_id, "แจ้งผล")
    fake_line.fail_next(PUSH, Fault(500), Fault(503))
    assert await sender.drain() == 0
    [stored] = await rows(services)
    wait = stored.next_attempt_at - clock.now
    assert stored.attempts == 1 and stored.sent_at is None and "500" in (stored.last_error or "")
    assert timedelta(minutes=1) <= wait <= timedelta(minutes=1.25)
    assert await sender.drain() == 0  # not due yet: nothing is pushed
    assert len(pushes_to(fake_line, user_id)) == 1

    clock.advance(seconds=wait.total_seconds())
    assert await sender.drain() == 0  # 503 this time: the wait doubles
    [stored] = await rows(services)
    assert timedelta(minutes=2) <= stored.next_attempt_at - clock.now <= timedelta(minutes=2.5)

    clock.advance(minutes=3)
    assert await sender.drain() == 1
    assert [p["key"] for p in pushes_to(fake_line, user_id)] == [row.retry_key] * 3
    assert fake_line.texts_to(user_id) == ["แจ้งผล"]


async def test_a_429_waits_for_retry_after(services: Services, single_try: SdkLineMessenger,
                                           fake_line: FakeLineServer, user_id: str, clock: FakeClock) -> None:
    sender = sender_with(services, single_try)
    await put(services, user_id, "แจ้งผล")
    fake_line.fail_next(PUSH, Fault(429, retry_after=600))
    await sender.drain()
    [stored] = await rows(services)
    assert timedelta(seconds=600) <= stored.next_attempt_at - clock.now <= timedelta(seconds=660)
    clock.advance(minutes=5)
    assert await sender.drain() == 0
    clock.advance(minutes=6)
    assert await sender.drain() == 1


async def test_a_restart_between_the_commit_and_the_push_delivers_once(
    services: Services, fake_line: FakeLineServer, user_id: str, clock: FakeClock
) -> None:
    await put(services, user_id, "แจ้งผล")
    crashed = build_outbox_sender(services)
    del crashed  # the process died before its sender ran
    restarted = build_outbox_sender(services)
    assert await restarted.drain() == 1
    assert await restarted.drain() == 0
    assert fake_line.texts_to(user_id) == ["แจ้งผล"]


async def test_a_crash_after_the_push_but_before_marking_it_sent_still_delivers_once(
    services: Services, fake_line: FakeLineServer, user_id: str, clock: FakeClock
) -> None:
    [row] = await put(services, user_id, "แจ้งผล")
    crashed = build_outbox_sender(services)
    [claimed] = await crashed._claim()
    await services.line.push(claimed.recipient, claimed.messages, retry_key=claimed.retry_key)  # LINE got it…
    # …and the process died here, before _mark_sent.
    restarted = build_outbox_sender(services)
    assert await restarted.drain() == 0  # still leased to the dead sender
    clock.advance(seconds=services.settings.outbox_lease_seconds + 1)
    assert await restarted.drain() == 1  # pushed again with the same key: LINE says 409, counted as delivered
    assert pushes_to(fake_line, user_id) == [{"status": "200", "key": row.retry_key},
                                                          {"status": "409", "key": row.retry_key}]
    assert fake_line.texts_to(user_id) == ["แจ้งผล"]
    [stored] = await rows(services)
    assert stored.sent_at is not None and stored.attempts == 2


async def test_two_senders_never_claim_the_same_row(services: Services, fake_line: FakeLineServer,
                                                    user_id: str, other_user: str, clock: FakeClock) -> None:
    await put(services, user_id, "หนึ่ง")
    await put(services, other_user, "สอง")
    first, second = build_outbox_sender(services), build_outbox_sender(services)
    claimed_first = await first._claim()
    claimed_second = await second._claim()
    assert len(claimed_first) == 2 and claimed_second == []


async def test_a_recipients_pushes_keep_their_order_across_failures(
    services: Services, single_try: SdkLineMessenger, fake_line: FakeLineServer, user_id: str, other_user: str,
    clock: FakeClock,
) -> None:
    sender = sender_with(services, single_try)
    await put(services, user_id, "ก่อน")
    await put(services, user_id, "หลัง")
    await put(services, other_user, "คนอื่น")
    fake_line.fail_next(PUSH, Fault(500, to=user_id))  # pushes to different people may go out in any order
    await sender.drain()
    assert fake_line.texts_to(other_user) == ["คนอื่น"]  # others are not held up
    assert fake_line.texts_to(user_id) == []  # "หลัง" waits behind the failed "ก่อน"
    clock.advance(minutes=2)
    await sender.drain()
    assert fake_line.texts_to(user_id) == ["ก่อน", "หลัง"]


async def _a_case(services: Services, user_id: str) -> Case:
    now = services.clock()
    async with services.db.session() as session:
        app = Application(line_user_id=user_id, service_id="food_sale", service_title="ขออนุญาตจำหน่ายอาหาร",
                          status="submitted", tracking_no="TJL-2569-000042", created_at=now, updated_at=now,
                          submitted_at=now)
        session.add(app)
        await session.flush()
        case = Case(application_id=app.id or 0, tracking_no="TJL-2569-000042", line_user_id=user_id,
                    service_id="food_sale", state="submitted", state_changed_at=now, created_at=now, updated_at=now)
        session.add(case)
    return case


async def test_after_the_last_try_the_push_is_dead_and_the_officers_group_is_alerted(
    services: Services, single_try: SdkLineMessenger, fake_line: FakeLineServer, user_id: str, clock: FakeClock
) -> None:
    services.settings.line_officer_group_id = "C" + "0" * 32
    services.settings.outbox_max_attempts = 3
    sender = sender_with(services, single_try)
    case = await _a_case(services, user_id)
    await put(services, user_id, "แจ้งผล", case_id=case.id)
    fake_line.fail_next(PUSH, *[Fault(500)] * 3)
    for _ in range(3):
        await sender.drain()
        clock.advance(hours=2)
    await sender.drain()  # the alert written when the push died
    [dead, alert] = await rows(services)
    assert dead.dead_at is not None and dead.sent_at is None and dead.attempts == 3
    assert alert.recipient == services.settings.line_officer_group_id and alert.sent_at is not None
    [group_text] = fake_line.texts_to(services.settings.line_officer_group_id)
    assert "TJL-2569-000042" in group_text and "ไม่สำเร็จ" in group_text
    assert fake_line.texts_to(user_id) == []
    clock.advance(days=1)
    assert await sender.drain() == 0  # a dead push is never tried again


async def test_a_refused_push_is_final_at_once(services: Services, single_try: SdkLineMessenger,
                                               fake_line: FakeLineServer, user_id: str, clock: FakeClock) -> None:
    sender = sender_with(services, single_try)
    await put(services, user_id, "แจ้งผล", purpose="reminder")
    fake_line.fail_next(PUSH, Fault(400))
    await sender.drain()
    [dead] = await rows(services)  # not about a case: no alert
    assert dead.dead_at is not None and dead.attempts == 1 and "400" in (dead.last_error or "")
