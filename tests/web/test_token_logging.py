"""Signed link tokens are credentials: the masking log filter hides them like national IDs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.logging import MaskingFilter, mask_text
from core.signed_links import LinkSigner


def test_tokens_in_urls_are_masked_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    token = LinkSigner(b"log-test-secret-0123456789").make("pay", "TJL-2569-000123", datetime.now(UTC) + timedelta(1))
    logger = logging.getLogger("test.pay.tokens")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.pay.tokens"):
        logger.info("GET /pay/%s/print 200; licence https://bot.example/files/licence/%s", token, token)
    assert token not in caplog.text
    assert "/pay/<token>/print" in caplog.text and "/files/licence/<token>" in caplog.text
    assert mask_text("/pay/abc") == "/pay/abc"  # not a token: left alone


def test_uvicorn_access_lines_do_not_show_tokens() -> None:
    from uvicorn.logging import AccessFormatter

    from bot.logging import setup_logging

    setup_logging("INFO")
    token = LinkSigner(b"log-test-secret-0123456789").make("pay", "TJL-2569-000123", datetime.now(UTC) + timedelta(1))
    access = logging.getLogger("uvicorn.access")
    record = access.makeRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/pay/{token}/qr.png", "1.1", 200), None,
    )
    assert all(f.filter(record) for f in access.filters)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert token not in line and "GET /pay/<token>/qr.png HTTP/1.1" in line
