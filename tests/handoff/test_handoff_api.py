"""/api/v1/handoffs: the same tokens and error codes as the cases API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.applications.helpers import WebhookChat
from tests.handoff.conftest import Officer


async def _ticket(web: WebhookChat, client: httpx.AsyncClient, officer: Officer) -> int:
    await web.text("ขอคุยกับเจ้าหน้าที่")
    [ticket] = (await client.get("/api/v1/handoffs", headers=officer.headers)).json()
    return int(ticket["id"])


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/handoffs"), ("GET", "/api/v1/handoffs/1"), ("POST", "/api/v1/handoffs/1/claim"),
    ("POST", "/api/v1/handoffs/1/messages"), ("POST", "/api/v1/handoffs/1/close"),
    ("GET", "/api/v1/handoffs/1/media/1"),
])
async def test_every_handoff_endpoint_needs_a_valid_token(
    client: httpx.AsyncClient, officer: Officer, method: str, path: str,
) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": officer.token}):
        answer = await client.request(method, path, headers=headers, json={"text": "x"})
        assert answer.status_code == 401, (path, headers)


async def test_unknown_ticket_is_404_and_bad_input_is_422(client: httpx.AsyncClient, officer: Officer) -> None:
    assert (await client.get("/api/v1/handoffs/999", headers=officer.headers)).status_code == 404
    assert (await client.post("/api/v1/handoffs/999/claim", headers=officer.headers)).status_code == 404
    assert (await client.post("/api/v1/handoffs/999/messages", headers=officer.headers,
                              json={"text": "สวัสดีค่ะ"})).status_code == 404
    assert (await client.get("/api/v1/handoffs?state=everything", headers=officer.headers)).status_code == 422
    assert (await client.post("/api/v1/handoffs/1/messages", headers=officer.headers,
                              json={"words": "x"})).status_code == 422
    assert (await client.post("/api/v1/handoffs/1/messages", headers=officer.headers,
                              json={"text": "ก" * 2001})).status_code == 422


async def test_claim_by_a_colleague_and_actions_on_a_closed_ticket_are_409(
    web: WebhookChat, client: httpx.AsyncClient, officer: Officer,
    make_officer: Callable[..., Awaitable[Officer]],
) -> None:
    ticket_id = await _ticket(web, client, officer)
    colleague = await make_officer("wichai")
    first = await client.post(f"/api/v1/handoffs/{ticket_id}/claim", headers=officer.headers)
    assert first.status_code == 200 and first.json()["state"] == "claimed"
    assert (await client.post(f"/api/v1/handoffs/{ticket_id}/claim", headers=officer.headers)).status_code == 200
    taken = await client.post(f"/api/v1/handoffs/{ticket_id}/claim", headers=colleague.headers)
    assert taken.status_code == 409 and taken.json()["detail"]["code"] == "claimed_by_other"
    mine = (await client.get("/api/v1/handoffs?state=mine", headers=officer.headers)).json()
    assert [t["id"] for t in mine] == [ticket_id]
    assert (await client.get("/api/v1/handoffs?state=mine", headers=colleague.headers)).json() == []

    assert (await client.post(f"/api/v1/handoffs/{ticket_id}/close", headers=officer.headers)).status_code == 200
    again = await client.post(f"/api/v1/handoffs/{ticket_id}/close", headers=officer.headers)
    assert again.status_code == 409
    late = await client.post(f"/api/v1/handoffs/{ticket_id}/messages", headers=officer.headers,
                             json={"text": "ยังอยู่ไหมคะ"})
    assert late.status_code == 409 and late.json()["detail"]["code"] == "closed"


async def test_the_handoff_api_is_in_the_openapi_schema(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in ("/api/v1/handoffs", "/api/v1/handoffs/{ticket_id}", "/api/v1/handoffs/{ticket_id}/claim",
                 "/api/v1/handoffs/{ticket_id}/messages", "/api/v1/handoffs/{ticket_id}/close"):
        assert path in paths
