"""SMS providers behind one interface: console (dev), http (JSON + bearer), thaibulksms (form), fake."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import parse_qs

import httpx
import pytest

from bot.config import Settings
from bot.runtime.services import build_sms
from integrations.sms import ConsoleSms, HttpSms, SmsError, ThaiBulkSms
from integrations.sms.fake import FakeSms

TEXT = "รหัส OTP 123456"


def recorder(*statuses: int | type[Exception], answer: dict[str, object] | None = None,
             ) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []
    queue = list(statuses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        outcome = queue.pop(0) if queue else 200
        if isinstance(outcome, type):
            raise outcome("simulated", request=request)  # type: ignore[call-arg]
        return httpx.Response(outcome, json=answer or {"ok": outcome < 400})

    return seen, httpx.MockTransport(handle)


async def test_http_provider_posts_json_with_a_bearer_token() -> None:
    seen, transport = recorder(201)
    client = httpx.AsyncClient(transport=transport, headers={"Authorization": "Bearer k3y"})
    sender = HttpSms("https://sms.example/send", client=client, base_delay=0)
    await sender.send("0812345678", TEXT)
    assert len(seen) == 1
    assert seen[0].headers["Authorization"] == "Bearer k3y"
    assert json.loads(seen[0].content) == {"to": "+66812345678", "text": TEXT}
    await sender.close()


async def test_http_provider_builds_its_bearer_header_from_the_key() -> None:
    sender = HttpSms("https://sms.example/send", "k3y")
    assert sender._client.headers["Authorization"] == "Bearer k3y"
    await sender.close()


async def test_http_provider_retries_5xx_and_timeouts_then_succeeds() -> None:
    seen, transport = recorder(503, httpx.ReadTimeout, 200)
    sender = HttpSms("https://sms.example/send", client=httpx.AsyncClient(transport=transport), attempts=3,
                     base_delay=0)
    await sender.send("0812345678", TEXT)
    assert len(seen) == 3


async def test_http_provider_gives_up_after_its_attempts_and_on_4xx() -> None:
    seen, transport = recorder(500, 502, 500)
    sender = HttpSms("https://sms.example/send", client=httpx.AsyncClient(transport=transport), attempts=3,
                     base_delay=0)
    with pytest.raises(SmsError):
        await sender.send("0812345678", TEXT)
    assert len(seen) == 3
    seen, transport = recorder(401)
    sender = HttpSms("https://sms.example/send", client=httpx.AsyncClient(transport=transport), base_delay=0)
    with pytest.raises(SmsError):
        await sender.send("0812345678", TEXT)
    assert len(seen) == 1  # not retried


async def test_thaibulksms_posts_a_form_with_basic_auth() -> None:
    seen, transport = recorder(201, answer={"remaining_credit": 10, "phone_number_list": [{"number": "x"}],
                                            "bad_phone_number_list": []})
    client = httpx.AsyncClient(transport=transport, auth=httpx.BasicAuth("key", "secret"))
    sender = ThaiBulkSms("key", "secret", sender="TJL", force="corporate", client=client, base_delay=0)
    await sender.send("0812345678", TEXT)
    request = seen[0]
    assert str(request.url) == "https://api-v2.thaibulksms.com/sms"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"key:secret").decode()
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form == {"msisdn": "0812345678", "message": TEXT, "sender": "TJL", "force": "corporate"}


async def test_thaibulksms_reports_a_rejected_number_and_retries_5xx() -> None:
    seen, transport = recorder(500, 201, answer={"bad_phone_number_list": [{"number": "0812345678"}]})
    sender = ThaiBulkSms("k", "s", sender="TJL", client=httpx.AsyncClient(transport=transport), base_delay=0)
    with pytest.raises(SmsError):
        await sender.send("0812345678", TEXT)
    assert len(seen) == 2


async def test_console_provider_prints_a_marked_dev_notice_with_a_masked_number() -> None:
    out = io.StringIO()
    await ConsoleSms(out).send("0812345678", TEXT)
    printed = out.getvalue()
    assert "DEV SMS" in printed and "08X-XXX-5678" in printed and "123456" in printed
    assert "0812345678" not in printed


async def test_fake_provider_records_and_fails_on_demand() -> None:
    fake = FakeSms()
    fake.fail_next()
    with pytest.raises(SmsError):
        await fake.send("0812345678", TEXT)
    await fake.send("0812345678", TEXT)
    assert fake.sent == [("0812345678", TEXT)] and fake.last_code("0812345678") == "123456"


def test_the_provider_is_chosen_by_settings(tmp_path: object) -> None:
    base = {"_env_file": None}
    assert isinstance(build_sms(Settings(**base)), ConsoleSms)  # type: ignore[arg-type]
    http = build_sms(Settings(**base, sms_provider="http", sms_gateway_url="https://sms.example/x",  # type: ignore[arg-type]
                              sms_api_key="k"))
    assert isinstance(http, HttpSms) and http.url == "https://sms.example/x"
    tbs = build_sms(Settings(**base, sms_provider="thaibulksms", sms_api_key="k", sms_api_secret="s",  # type: ignore[arg-type]
                             sms_sender="TJL"))
    assert isinstance(tbs, ThaiBulkSms) and tbs.sender == "TJL"
    with pytest.raises(ValueError):
        build_sms(Settings(**base, sms_provider="http"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        build_sms(Settings(**base, sms_provider="thaibulksms", sms_api_key="k"))  # type: ignore[arg-type]
