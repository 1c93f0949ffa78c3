"""HMAC-SHA256 body signatures for the payment callback."""

from __future__ import annotations

import hashlib
import hmac

from integrations.payment.signature import sign_body, verify_body

BODY = b'{"payment_ref":"P1","ref1":"TJL2569000123","amount_baht":"50.00"}'


def test_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    assert sign_body(BODY, "s3cret") == hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()


def test_verify_accepts_the_right_signature_in_either_case() -> None:
    signature = sign_body(BODY, "s3cret")
    assert verify_body(BODY, signature, "s3cret")
    assert verify_body(BODY, signature.upper(), "s3cret")


def test_verify_refuses_other_body_secret_or_missing_header() -> None:
    signature = sign_body(BODY, "s3cret")
    assert not verify_body(BODY + b" ", signature, "s3cret")
    assert not verify_body(BODY, signature, "other")
    assert not verify_body(BODY, None, "s3cret")
    assert not verify_body(BODY, "", "s3cret")
    assert not verify_body(BODY, "not hex at all ✓", "s3cret")
    # no secret configured: nothing verifies, not even a signature made with the empty key
    assert not verify_body(BODY, sign_body(BODY, ""), "")
