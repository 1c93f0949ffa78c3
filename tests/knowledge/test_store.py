"""The live store: whole-snapshot swaps, refused broken trees, the file watcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable

import pytest

from knowledge.errors import KnowledgeLoadError
from knowledge.snapshot import KnowledgeSnapshot
from knowledge.store import KnowledgeStore
from tests.knowledge.conftest import MiniTree

ELDER = "national/services/elder_pay.yaml"
SIGN = "national/services/sign_tax.yaml"


def copy_fee(store: KnowledgeStore) -> float | None:
    return store.current.service("elder_pay").fees[0].amount_baht


def test_reload_swaps_and_notifies(mini: MiniTree) -> None:
    store = KnowledgeStore(mini.office_dir)
    old = store.current
    seen: list[KnowledgeSnapshot] = []
    store.subscribe(seen.append)
    mini.edit(ELDER, "amount_baht: 30", "amount_baht: 40")
    assert store.reload() == []
    assert copy_fee(store) == 40
    assert seen == [store.current]
    assert old.service("elder_pay").fees[0].amount_baht == 30  # snapshots are never mutated
    assert store.current.version != old.version
    assert store.last_errors == () and store.last_reload is not None and store.last_reload.ok


def test_unchanged_files_do_not_notify(mini: MiniTree) -> None:
    store = KnowledgeStore(mini.office_dir)
    calls: list[KnowledgeSnapshot] = []
    store.subscribe(calls.append)
    assert store.reload() == []
    assert calls == []


def test_broken_file_keeps_old_snapshot_and_records_errors(
    mini: MiniTree, caplog: pytest.LogCaptureFixture
) -> None:
    store = KnowledgeStore(mini.office_dir)
    old = store.current
    calls: list[KnowledgeSnapshot] = []
    store.subscribe(calls.append)
    mini.edit(ELDER, "amount_baht: 30", "amount_baht: 40")  # a good change ...
    mini.edit(SIGN, "    originals: 1\n    copies: 0\n", "    copies: 0\n")  # ... and a bad one elsewhere
    with caplog.at_level(logging.ERROR, logger="knowledge"):
        errors = store.reload()
    assert len(errors) == 1 and errors[0].path == mini.path(SIGN)
    assert store.current is old  # all or nothing: the good change is not half-applied
    assert copy_fee(store) == 30
    assert calls == []
    assert store.last_errors == tuple(errors)
    assert store.last_errors_at is not None
    assert store.last_reload is not None and not store.last_reload.ok
    assert store.last_reload.version == old.version
    assert "จำนวนฉบับจริง" in caplog.text and "sign_tax.yaml" in caplog.text

    mini.edit(
        SIGN,
        "    copies: 0\n    unit: ฉบับ\n    condition: by_proxy\n",
        "    originals: 1\n    copies: 0\n    unit: ฉบับ\n    condition: by_proxy\n",
    )
    assert store.reload() == []
    assert copy_fee(store) == 40
    assert store.last_errors == () and store.last_errors_at is None


def test_store_refuses_to_start_on_a_broken_tree(mini: MiniTree) -> None:
    mini.edit(ELDER, "id: elder_pay", "id: elder")
    with pytest.raises(KnowledgeLoadError) as info:
        KnowledgeStore(mini.office_dir)
    assert "elder_pay.yaml:1" in str(info.value)


def test_failing_subscriber_is_logged_and_others_still_run(
    mini: MiniTree, caplog: pytest.LogCaptureFixture
) -> None:
    store = KnowledgeStore(mini.office_dir)
    after: list[str] = []

    def broken(_: KnowledgeSnapshot) -> None:
        raise RuntimeError("retrain failed")

    store.subscribe(broken)
    unsubscribe = store.subscribe(lambda s: after.append(s.version))
    mini.edit(ELDER, "amount_baht: 30", "amount_baht: 40")
    with caplog.at_level(logging.ERROR, logger="knowledge"):
        assert store.reload() == []
    assert copy_fee(store) == 40  # the swap stands
    assert after == [store.current.version]
    assert "retrain failed" in caplog.text
    unsubscribe()
    mini.edit(ELDER, "amount_baht: 40", "amount_baht: 50")
    store.reload()
    assert len(after) == 1


async def test_areload_runs_sync_subscribers_in_a_thread_and_awaits_async_ones(mini: MiniTree) -> None:
    store = KnowledgeStore(mini.office_dir)
    loop_thread = threading.get_ident()
    threads: list[int] = []
    awaited: list[str] = []

    async def async_subscriber(snapshot: KnowledgeSnapshot) -> None:
        await asyncio.sleep(0)
        awaited.append(snapshot.version)

    store.subscribe(lambda _: threads.append(threading.get_ident()))
    store.subscribe(async_subscriber)
    mini.edit(ELDER, "amount_baht: 30", "amount_baht: 40")
    assert await store.areload() == []
    assert threads and threads[0] != loop_thread  # heavy rebuilds do not block the event loop
    assert awaited == [store.current.version]


@contextlib.asynccontextmanager
async def watching(store: KnowledgeStore) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(store.watch(stop))
    await asyncio.sleep(0.5)  # let the watcher register before files change
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)


async def wait_until(condition: Callable[[], bool], timeout: float) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def test_watch_applies_a_fee_change_within_two_seconds(mini: MiniTree) -> None:
    store = KnowledgeStore(mini.office_dir)
    async with watching(store):
        mini.edit(ELDER, "amount_baht: 30", "amount_baht: 45")
        elapsed = await wait_until(lambda: copy_fee(store) == 45, timeout=2.0)
    assert elapsed < 2.0


async def test_watch_sees_office_files_too(mini: MiniTree) -> None:
    store = KnowledgeStore(mini.office_dir)
    async with watching(store):
        mini.edit("offices/mini_office/office.yaml", "phone: 0-1234-5678", "phone: 0-1234-0000")
        await wait_until(lambda: store.current.office.phone == "0-1234-0000", timeout=2.0)
    assert store.current.service("elder_pay").channels[0].place.endswith("0-1234-0000")


async def test_watch_refuses_a_broken_file_then_accepts_the_fix(mini: MiniTree) -> None:
    store = KnowledgeStore(mini.office_dir)
    old = store.current
    async with watching(store):
        mini.edit(ELDER, "amount_baht: 30", "amount_baht: สามสิบ")
        await wait_until(lambda: bool(store.last_errors), timeout=2.0)
        assert store.current is old
        error = store.last_errors[0]
        assert error.path == mini.path(ELDER)
        assert error.line == mini.line_of(ELDER, "amount_baht: สามสิบ")
        assert store.last_errors_at is not None

        mini.edit(ELDER, "amount_baht: สามสิบ", "amount_baht: 35")
        await wait_until(lambda: copy_fee(store) == 35, timeout=2.0)
        assert store.last_errors == ()
