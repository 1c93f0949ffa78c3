"""Payment and document costs: QR payload, QR PNG, licence PDF, per call on one core.

    python bench/payment.py [--rounds 50]

These run on the request path (the payment page renders a QR per view) or in the case worker (a PDF per
completed case), so they must stay far below a request's budget; the figures say how far.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _timed(label: str, call: Callable[[], object], rounds: int) -> None:
    call()  # warm-up: imports, font parsing caches
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    print(f"{label:<28} median {statistics.median(samples):8.2f} ms   p95 {p95:8.2f} ms   ({rounds} calls)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from bot.web.documents import licence_spec, receipt_spec
    from integrations.documents.licence import render_pdf
    from integrations.payment.qr_image import qr_png
    from integrations.payment.thaiqr import build_bill_payment
    from knowledge.store import KnowledgeStore

    snapshot = KnowledgeStore(REPO / "knowledge" / "offices" / "tha_cha_lung").current
    payload = build_bill_payment("099400016550100", "TJL2569000123", "0158", Decimal("200.00"))
    _timed("Thai QR payload", lambda: build_bill_payment("099400016550100", "TJL2569000123", "0158",
                                                         Decimal("200.00")), args.rounds * 20)
    _timed("QR PNG (scale 8)", lambda: qr_png(payload), args.rounds)
    licence = licence_spec(
        snapshot, title="ใบอนุญาตติดตั้งป้าย", holder="นางสาวปิ่นแก้ว ศรีสุขใส", service="การขออนุญาตติดตั้งป้าย",
        tracking="TJL-2569-000123", issued_on=date(2026, 12, 4), valid_until=date(2027, 12, 3),
    )
    receipt = receipt_spec(
        snapshot, payer="นายก้องภพ ผู้ใฝ่รู้", service="ภาษีป้าย", tracking="TJL-2569-000124",
        amount_baht=Decimal("1234.50"), paid_on=date(2026, 12, 5),
    )
    started = time.perf_counter()
    size = len(render_pdf(licence))  # the first one cuts the static font instances (once per machine)
    print(f"{'first PDF in a process':<28} {(time.perf_counter() - started) * 1000:8.0f} ms")
    _timed("licence PDF", lambda: render_pdf(licence), max(5, args.rounds // 5))
    _timed("receipt PDF", lambda: render_pdf(receipt), max(5, args.rounds // 5))
    print(f"{'licence PDF size':<28} {size / 1024:8.1f} KiB (font subset embedded)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
