"""`python -m bot officer group` prints the group ids the bot saw in `join` events."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from bot.office.cli import _parser, run
from tests.factories import base_event, body, signed_headers

GROUP = "C" + "d4" * 16


async def _event(client: httpx.AsyncClient, app: FastAPI, kind: str) -> None:
    event = base_event(kind, "", source={"type": "group", "groupId": GROUP})
    if kind == "join":
        event["replyToken"] = "tok-join"
    raw = body(event)
    assert (await client.post("/callback", content=raw, headers=signed_headers(raw))).status_code == 200
    await app.state.queue.join()


async def test_the_group_the_bot_joined_is_printed_for_the_setting(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings, capsys: pytest.CaptureFixture[str],
) -> None:
    assert await run(_parser().parse_args(["group"]), settings) == 1
    assert "no group seen yet" in capsys.readouterr().out
    await _event(client, app, "join")
    assert await run(_parser().parse_args(["group"]), settings) == 0
    out = capsys.readouterr().out
    assert GROUP in out and f"set LINE_OFFICER_GROUP_ID={GROUP}" in out
    await _event(client, app, "leave")
    await run(_parser().parse_args(["group"]), settings)
    out = capsys.readouterr().out
    assert "left" in out and "set LINE_OFFICER_GROUP_ID" not in out
