"""Signed links: open while valid, refused when expired, altered or used for another purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.signed_links import LinkExpired, LinkInvalid, LinkSigner

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
SIGNER = LinkSigner(b"0123456789abcdef-test-secret")


def test_token_opens_its_subject_until_it_expires() -> None:
    token = SIGNER.make("pay", "TJL-2569-000123", NOW + timedelta(days=15))
    assert SIGNER.read(token, "pay", NOW) == "TJL-2569-000123"
    assert SIGNER.read(token, "pay", NOW + timedelta(days=15) - timedelta(seconds=1)) == "TJL-2569-000123"
    with pytest.raises(LinkExpired) as expired:
        SIGNER.read(token, "pay", NOW + timedelta(days=15))
    assert expired.value.subject == "TJL-2569-000123"


def test_token_is_url_safe() -> None:
    token = SIGNER.make("licence", "TJL-2569-000123", NOW + timedelta(days=30))
    assert all(c.isalnum() or c in "-_." for c in token)


def test_token_for_one_purpose_never_opens_another() -> None:
    token = SIGNER.make("pay", "TJL-2569-000123", NOW + timedelta(days=1))
    with pytest.raises(LinkInvalid):
        SIGNER.read(token, "licence", NOW)


def test_another_secret_does_not_accept_it() -> None:
    token = SIGNER.make("pay", "TJL-2569-000123", NOW + timedelta(days=1))
    with pytest.raises(LinkInvalid):
        LinkSigner(b"another-secret-of-16+bytes").read(token, "pay", NOW)


def _swap_subject(token: str, subject: str) -> str:
    other = SIGNER.make("pay", subject, NOW + timedelta(days=1))
    return other.split(".")[0] + "." + token.split(".", 1)[1]


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: _swap_subject(t, "TJL-2569-000124"),  # someone else's case
        lambda t: t.split(".")[0] + "." + str(int(t.split(".")[1]) + 86400) + "." + t.split(".")[2],  # later expiry
        lambda t: t[:-8] + ("A" if t[-8] != "A" else "B") + t[-7:],  # MAC changed
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "E"),  # last character: padding bits or MAC bits
        lambda t: t.replace(".", ".0", 1),  # expiry with a leading zero spells the same number
        lambda t: t + ".x",
        lambda t: "garbage",
        lambda t: "",
        lambda t: "%%%.123.%%%",
    ],
)
def test_altered_tokens_are_invalid(alter) -> None:  # type: ignore[no-untyped-def]
    token = SIGNER.make("pay", "TJL-2569-000123", NOW + timedelta(days=1))
    with pytest.raises(LinkInvalid):
        SIGNER.read(alter(token), "pay", NOW)


def test_tampered_expired_token_is_invalid_not_expired() -> None:
    # an attacker pushing an old link's expiry back is told "invalid", never handed the subject
    token = SIGNER.make("pay", "TJL-2569-000123", NOW - timedelta(days=1))
    subject, expires, mac = token.split(".")
    with pytest.raises(LinkInvalid):
        SIGNER.read(f"{subject}.{int(expires) - 1}.{mac}", "pay", NOW)


def test_naive_datetimes_and_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        SIGNER.make("pay", "X", datetime(2026, 12, 5))
    with pytest.raises(ValueError, match="16 bytes"):
        LinkSigner(b"short")
